using BenchmarkDotNet.Attributes;
using BiasSim.Core.Design;
using BiasSim.Core.Detectors;
using BiasSim.Core.Engine;
using BiasSim.Core.Randomness;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;

namespace BiasSim.Benchmarks;

/// <summary>
/// Cost of one detector evaluation on one replicate's counts of the bundled Prevent scenario (5 forces x 6
/// sectors x 8 years x 2 sexes x 5 groups), stratified by force where the detector takes a stratifier, and
/// whole runs with multiple imputation (m = 20) on one thread.
/// </summary>
[MemoryDiagnoser]
public class DetectorBenchmarks
{
    private readonly Dictionary<string, CountDetector> _detectors = [];
    private ObservedCounts _observed = null!;
    private DetectorOutcome[] _outcomes = [];

    [Params("rate-ratio", "chi-square", "bounds", "ipw", "multiple-imputation", "misclassification-corrected", "missing-share", "tipping-point")]
    public string Detector { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        string path = Path.Combine(EngineBenchmarks.FindRepoRoot(), "scenarios", "prevent-2015-2023.yaml");
        string text = File.ReadAllText(path);
        // Self-assigned records make the officer matrix square, so the correction has work to do.
        ScenarioOverride[] overrides =
        [
            new("detectors",
                "[rate-ratio, chi-square, bounds, {ipw: {by: region}}, {multiple-imputation: {by: region, m: 20}}, misclassification-corrected, " +
                "{missing-share: {by: region}}, tipping-point]"),
            new("recording.misclassification.assigned_by", "{officer: 0.8, self: 0.2}"),
        ];
        Scenario scenario = ScenarioLoader.Load(text, path, overrides).Scenario!;
        var model = new CountModel(scenario);
        foreach (string name in scenario.Detectors) _detectors[name] = DetectorFactory.Create(scenario.DetectorSpec(name), model, 0, 0.05);
        _observed = new ObservedCounts(model);
        var rng = SeedSequence.Generator(20151, 0, 0, SeedSequence.Stage.Data);
        model.Draw(ref rng, new long[model.ScratchLength], _observed);
        _outcomes = new DetectorOutcome[16];
    }

    [Benchmark]
    public double Evaluate()
    {
        var counts = new RecordedCounts(_observed.Recorded[0], _observed.Unknown[0], _observed.Unmatched[0])
        {
            Strata = _observed.ByStratum[0],
            DetectionSeed = 42,
        };
        _detectors[Detector].Evaluate(counts, _outcomes);
        return _outcomes[0].Estimate;
    }
}

/// <summary>Whole runs of the Prevent scenario with only multiple imputation (m = 20, by force), one thread.</summary>
[MemoryDiagnoser]
public class MultipleImputationRunBenchmarks
{
    private Scenario _scenario = null!;

    [GlobalSetup]
    public void Setup()
    {
        string path = Path.Combine(EngineBenchmarks.FindRepoRoot(), "scenarios", "prevent-2015-2023.yaml");
        ScenarioOverride[] overrides = [new("detectors", "[{multiple-imputation: {by: region, m: 20}}]")];
        _scenario = ScenarioLoader.Load(File.ReadAllText(path), path, overrides).Scenario!;
    }

    [Benchmark(OperationsPerInvoke = 10_000)]
    public long Run10kOneThread() => MonteCarloRunner.Run(_scenario, new RunSettings(10_000, 20151, 1)).CompletedReplicates;
}
