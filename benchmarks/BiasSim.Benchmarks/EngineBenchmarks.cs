using BenchmarkDotNet.Attributes;
using BiasSim.Core.Design;
using BiasSim.Core.Detectors;
using BiasSim.Core.Engine;
using BiasSim.Core.Randomness;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;

namespace BiasSim.Benchmarks;

/// <summary>
/// Cost of one count-level replicate of the bundled Prevent scenario (5 groups, 51,204 referrals,
/// 64.7% MCAR, rate-ratio and chi-square), split into its parts, and whole runs on 1 and all cores.
/// </summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private Scenario _scenario = null!;
    private CountModel _model = null!;
    private CountDetector[] _detectors = [];
    private long[] _scratch = [];
    private ObservedCounts _observed = null!;
    private readonly long[] _recorded = new long[5];
    private readonly DetectorOutcome[] _outcomes = new DetectorOutcome[4];
    private ulong _replicate;

    [GlobalSetup]
    public void Setup()
    {
        string path = Path.Combine(FindRepoRoot(), "scenarios", "prevent-2015-2023.yaml");
        _scenario = ScenarioLoader.Load(File.ReadAllText(path), path).Scenario!;
        _model = new CountModel(_scenario);
        _detectors = [.. _scenario.Detectors.Select(name => DetectorFactory.Create(_scenario.DetectorSpec(name), _model, 0, _scenario.Simulation.Alpha))];
        _scratch = new long[_model.ScratchLength];
        _observed = new ObservedCounts(_model);
        var rng = new Xoshiro256(1);
        _model.Draw(ref rng, _recorded, _scratch, out _);
    }

    /// <summary>Seeding the replicate's generator and drawing the recorded and unknown counts.</summary>
    [Benchmark]
    public long DrawCounts()
    {
        var rng = SeedSequence.Generator(20151, 0, _replicate++, SeedSequence.Stage.Data);
        _model.Draw(ref rng, _scratch, _observed);
        return _observed.Unknown[0];
    }

    /// <summary>Both detectors on one set of recorded counts.</summary>
    [Benchmark]
    public double Detectors()
    {
        var counts = new RecordedCounts(_recorded, 100);
        _detectors[0].Evaluate(counts, _outcomes);
        double s = _outcomes[0].Estimate;
        _detectors[1].Evaluate(counts, _outcomes);
        return s + _outcomes[0].Estimate;
    }

    /// <summary>10,000 whole replicates (draws, detectors, tallies) per invocation: divide by 10,000 for ns per replicate.</summary>
    [Benchmark(OperationsPerInvoke = 10_000)]
    public long Run10kOneThread() => MonteCarloRunner.Run(_scenario, new RunSettings(10_000, 20151, 1)).CompletedReplicates;

    [Benchmark(OperationsPerInvoke = 100_000)]
    public long Run100kAllCores() => MonteCarloRunner.Run(_scenario, new RunSettings(100_000, 20151, Environment.ProcessorCount)).CompletedReplicates;

    internal static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BiasSim.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
