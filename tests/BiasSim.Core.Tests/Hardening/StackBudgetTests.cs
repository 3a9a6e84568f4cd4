using System.Collections.Immutable;
using BiasSim.Core.Design;
using BiasSim.Core.Detectors;
using BiasSim.Core.Engine;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Tests.Hardening;

/// <summary>Spans sized by the input came from the stack, and a large input overflowed it, killing the process (issue 13).</summary>
public class StackBudgetTests
{
    [Fact]
    public void Ipw_with_many_strata_and_groups_runs_on_a_small_stack()
    {
        const int groups = 400, levels = 300; // 120,000 cells: 1.9 MB of spans, on a 1 MB stack
        var population = new Population("g0", [.. Enumerable.Range(0, groups).Select(g => new PopulationGroup($"g{g}", 1_000_000))]);
        double[] truths = [.. Enumerable.Repeat(double.NaN, groups)];
        var strata = new StratifiedCounts(levels, groups);
        for (int l = 0; l < levels; l++)
        {
            for (int g = 0; g < groups; g++) strata.Recorded[l * groups + g] = 10 + (l + g) % 7;
            strata.Unknown[l] = 5;
        }
        long[] recorded = [.. Enumerable.Range(0, groups).Select(g => Enumerable.Range(0, levels).Sum(l => strata.Recorded[l * groups + g]))];
        int[] identity = [.. Enumerable.Range(0, levels)];
        var detector = new IpwDetector(new GroupComparison(population, truths, 0.05), identity, levels);
        var outcomes = new DetectorOutcome[detector.Targets.Length];
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { detector.Evaluate(new RecordedCounts(recorded, levels * 5, 0) { Strata = strata }, outcomes); }
            catch (Exception e) { failure = e; }
        }, maxStackSize: 1 << 20);
        thread.Start();
        thread.Join();
        Assert.Null(failure);
        // Every stratum has 5 unknown of about 5,200 recorded: each group's weighted rate ratio is estimable.
        Assert.All(outcomes, o => Assert.True(o.Estimable));
    }

    [Fact]
    public void A_sweep_section_alias_bomb_is_rejected_in_milliseconds()
    {
        var lines = new List<string> { "sweep:", "  description: [&a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (int i = 1; i < 10; i++) lines.Add($"    , &a{i} [" + string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10)) + "]");
        string text = string.Join("\n", lines) + "]\n";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var errors = new List<ScenarioError>();
        ImmutableArray<SweepSpec> specs = ScenarioLoader.ReadSweep(text, "s.yaml", errors);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.Empty(specs);
        Assert.Contains("expand to more than", Assert.Single(errors).Message);
    }
}
