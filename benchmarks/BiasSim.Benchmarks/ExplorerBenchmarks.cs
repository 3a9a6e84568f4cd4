using BenchmarkDotNet.Attributes;
using BiasSim.Cli;
using BiasSim.Core.Scenarios;
using BiasSim.Explorer;

namespace BiasSim.Benchmarks;

/// <summary>
/// What one control change costs the explorer's server: the bundled Prevent scenario loaded with the page's override
/// (YAML guard, parse, validation, missingness calibration), 10,000 replicates on every core, and the response built
/// (diagnosands.csv cells and plain words). Issue 16 asks for this within 300 ms including the browser's redraw.
/// Run: dotnet run -c Release --project benchmarks/BiasSim.Benchmarks -- --filter '*ExplorerBenchmarks*'
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ExplorerBenchmarks
{
    private ExplorerEngine _engine = null!;
    private ExploreQuery _query = null!;

    [GlobalSetup]
    public void Setup()
    {
        _engine = new ExplorerEngine(CliApp.ExplorerHooks, Environment.ProcessorCount);
        _query = new ExploreQuery("prevent-2015-2023", null, null, [new ScenarioOverride("referrals.rate_ratios.Black", "1.2")]);
    }

    [Benchmark]
    public int Recompute10kPrevent()
    {
        var (resolved, _) = _engine.Resolve(_query);
        return _engine.Run(resolved!, CancellationToken.None).Rows.Count;
    }

    /// <summary>The power curve's nine points of 2,000 replicates (it waits until the controls rest).</summary>
    [Benchmark]
    public int PowerCurvePrevent()
    {
        var (resolved, _) = _engine.Resolve(_query);
        return _engine.Power(resolved!, CancellationToken.None).Series.Count;
    }
}
