using BenchmarkDotNet.Attributes;
using BiasSim.Core.Design;
using BiasSim.Core.Detectors;
using BiasSim.Core.Diagnosands;
using BiasSim.Core.Engine;
using BiasSim.Core.Randomness;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;

namespace BiasSim.Benchmarks;

/// <summary>
/// Where one replicate of the numpy yardstick (benchmarks/scenarios/numpy-yardstick.yaml: 5 groups, 51,204 referrals,
/// MCAR 65%, rate-ratio) spends its time: seeding, drawing the counts, the detector, the tallies (judging, sums and
/// histogram binning), and whole runs on one and two threads (the ratio of the two is the second core's worth).
/// </summary>
[MemoryDiagnoser]
public class YardstickBenchmarks
{
    private Scenario _scenario = null!;
    private CountModel _model = null!;
    private CountDetector _detector = null!;
    private long[] _scratch = [];
    private ObservedCounts _observed = null!;
    private readonly DetectorOutcome[] _outcomes = new DetectorOutcome[4];
    private TallyRecorder[] _recorders = [];
    private readonly TargetTally[] _tallies = new TargetTally[4];
    private ulong _replicate;

    [GlobalSetup]
    public void Setup()
    {
        string path = Path.Combine(EngineBenchmarks.FindRepoRoot(), "benchmarks", "scenarios", "numpy-yardstick.yaml");
        _scenario = ScenarioLoader.Load(File.ReadAllText(path), path).Scenario!;
        _model = new CountModel(_scenario);
        _detector = DetectorFactory.Create(_scenario.DetectorSpec("rate-ratio"), _model, 0, _scenario.Simulation.Alpha);
        _scratch = new long[_model.ScratchLength];
        _observed = new ObservedCounts(_model);
        _recorders = [.. Enumerable.Range(0, _detector.Targets.Length)
            .Select(t => new TallyRecorder(_detector.TrueValue(t), _detector.HasInterval, _detector.TrueEffect(t)))];
        var rng = SeedSequence.Generator(20240607, 0, 0, SeedSequence.Stage.Data);
        _model.Draw(ref rng, _scratch, _observed);
        _detector.Evaluate(new RecordedCounts(_observed.Recorded[0], _observed.Unknown[0]), _outcomes);
    }

    /// <summary>SplitMix64 seeding of the replicate's xoshiro256** stream.</summary>
    [Benchmark]
    public ulong Seed() => SeedSequence.Generator(20240607, 0, _replicate++, SeedSequence.Stage.Data).NextUInt64();

    /// <summary>Seeding plus the recorded and unknown counts (sequential binomials, BTRD).</summary>
    [Benchmark]
    public long SeedAndDrawCounts()
    {
        var rng = SeedSequence.Generator(20240607, 0, _replicate++, SeedSequence.Stage.Data);
        _model.Draw(ref rng, _scratch, _observed);
        return _observed.Unknown[0];
    }

    /// <summary>The rate-ratio detector on one replicate's counts (4 groups against White: logs, Katz SE, two exps each).</summary>
    [Benchmark]
    public double RateRatio()
    {
        _detector.Evaluate(new RecordedCounts(_observed.Recorded[0], _observed.Unknown[0]), _outcomes);
        return _outcomes[1].Estimate;
    }

    /// <summary>Tallying the 4 outcomes: judgement, running sums and the histogram bin.</summary>
    [Benchmark]
    public long Tallies()
    {
        for (int t = 0; t < _recorders.Length; t++) _recorders[t].Record(ref _tallies[t], _outcomes[t]);
        return _tallies[0].Replicates;
    }

    /// <summary>100,000 whole replicates per invocation: divide by 100,000 for ns per replicate.</summary>
    [Benchmark(OperationsPerInvoke = 100_000)]
    public long Run100kOneThread() => MonteCarloRunner.Run(_scenario, new RunSettings(100_000, 20240607, 1)).CompletedReplicates;

    [Benchmark(OperationsPerInvoke = 100_000)]
    public long Run100kTwoThreads() => MonteCarloRunner.Run(_scenario, new RunSettings(100_000, 20240607, 2)).CompletedReplicates;
}
