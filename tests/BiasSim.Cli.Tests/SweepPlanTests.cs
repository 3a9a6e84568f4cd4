using BiasSim.Cli.Sweeps;
using BiasSim.Core.Design;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli.Tests;

/// <summary>How sweep values are written: ranges, comma lists (with YAML flow values inside), the sweep: section, the grid.</summary>
public class SweepPlanTests
{
    [Fact]
    public void Range_0_to_0_9_by_0_05_has_19_values_computed_without_drift()
    {
        List<string> values = SweepValues.ExpandRange("0:0.9:0.05", out string? error)!;
        Assert.Null(error);
        Assert.Equal(19, values.Count);
        Assert.Equal("0", values[0]);
        Assert.Equal("0.15", values[3]); // 3 x 0.05 is 0.15000000000000002 in binary; rounded to the decimals written
        Assert.Equal("0.9", values[^1]);
        Assert.Equal(20, SweepValues.ExpandRange("0:0.95:0.05", out _)!.Count);
    }

    [Theory]
    [InlineData("1:2:0.5", new[] { "1", "1.5", "2" })]
    [InlineData("1:0:-0.25", new[] { "1", "0.75", "0.5", "0.25", "0" })]
    [InlineData("0:1:0.3", new[] { "0", "0.3", "0.6", "0.9" })]           // stop not on the grid: not included
    [InlineData("0.1:0.3:0.1", new[] { "0.1", "0.2", "0.3" })]           // 0.1 + 2 x 0.1 = 0.30000000000000004: stop included within 1e-9
    [InlineData("1e3:3e3:1e3", new[] { "1000", "2000", "3000" })]
    [InlineData(" 5 : 5 : 1 ", new[] { "5" })]
    public void Ranges_include_stop_and_follow_the_step(string range, string[] expected) =>
        Assert.Equal(expected, SweepValues.ExpandRange(range, out _));

    [Theory]
    [InlineData("0:1:0", "the step is 0")]
    [InlineData("0:1:-0.1", "moves away from 1")]
    [InlineData("0:1:0.00001", "expected at most 10,000")]
    public void Bad_ranges_are_explained(string range, string fragment)
    {
        Assert.Null(SweepValues.ExpandRange(range, out string? error));
        Assert.Contains(fragment, error);
    }

    [Fact]
    public void Comma_lists_split_only_outside_brackets_braces_and_quotes()
    {
        Assert.Equal(["0.1", "0.2", "0.3"], SweepValues.SplitTopLevel("0.1, 0.2,0.3"));
        Assert.Equal(["{mechanism: mcar, share: 0.2}", "{mechanism: none}"], SweepValues.SplitTopLevel("{mechanism: mcar, share: 0.2},{mechanism: none}"));
        Assert.Equal(["[rate-ratio, chi-square]", "[chi-square]"], SweepValues.SplitTopLevel("[rate-ratio, chi-square], [chi-square]"));
        Assert.Equal(["'a, b'", "\"c, \\\" d\"", "e"], SweepValues.SplitTopLevel("'a, b', \"c, \\\" d\", e"));
        Assert.Equal(["{a: [1, {b: 2, c: 3}], d: 4}", "5"], SweepValues.SplitTopLevel("{a: [1, {b: 2, c: 3}], d: 4},5"));
    }

    [Fact]
    public void Expand_keeps_a_single_value_verbatim_and_expands_ranges_inside_lists()
    {
        Assert.Equal(["{White: 0.6, Black: 0.7}"], SweepValues.Expand("{White: 0.6, Black: 0.7}", out _));
        Assert.Equal(["0.35"], SweepValues.Expand("0.35", out _));
        Assert.Equal(["0", "0.1", "0.2", "0.9"], SweepValues.Expand("0:0.2:0.1,0.9", out _));
        Assert.Null(SweepValues.Expand("0.1,,0.2", out string? error));
        Assert.Contains("empty value", error);
    }

    private const string SweepFile = """
        name: s
        sweep:
          recording.missing.share: 0:0.4:0.2
          referrals.rate_ratios.Black: [1.0, 1.2]
          detectors: [[rate-ratio], [chi-square, rate-ratio]]
          description: "one, value"
        seed: 3
        """;

    [Fact]
    public void The_loader_reads_a_file_with_its_sweep_section_in_place()
    {
        // The section is data the loader accepts (and guards), not text blanked out before loading.
        Assert.Equal(SweepSection.Key, ScenarioLoader.SweepKey);
        var errors = new List<ScenarioError>();
        Assert.Equal(4, ScenarioLoader.ReadSweep(SweepFile, "f.yaml", errors).Length);
        Assert.Empty(errors);
        ScenarioLoadResult loaded = ScenarioLoader.Load(Cli.Scenario + "\nsweep:\n  recording.missing.share: 0:0.4:0.2\n", "f.yaml");
        Assert.True(loaded.Success, string.Join("\n", loaded.Errors));
    }

    [Fact]
    public void The_sweep_section_reads_ranges_lists_flow_values_and_quoted_text()
    {
        var errors = new List<ScenarioError>();
        IReadOnlyList<SweepEntry> entries = SweepSection.Read(SweepFile, "f.yaml", errors);
        Assert.Empty(errors);
        Assert.Equal(["recording.missing.share", "referrals.rate_ratios.Black", "detectors", "description"], entries.Select(e => e.Path));
        Assert.Equal(["0", "0.2", "0.4"], entries[0].Values);
        Assert.Equal(["1.0", "1.2"], entries[1].Values);
        Assert.Equal(["[rate-ratio]", "[chi-square, rate-ratio]"], entries[2].Values);
        Assert.Equal(["\"one, value\""], entries[3].Values);
        Assert.Equal((3, 28), (entries[0].Line, entries[0].Column));
    }

    [Fact]
    public void Sweep_section_errors_point_at_the_file()
    {
        var errors = new List<ScenarioError>();
        SweepSection.Read("name: s\nsweep:\n  a.b: 0:1:0\n  c: []\n", "f.yaml", errors);
        Assert.Equal(["f.yaml:3:8: sweep.a.b: '0:1:0': the step is 0, expected a step that moves from 0 towards 1",
                      "f.yaml:4:6: sweep.c: the list is empty, expected at least one value"], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void The_grid_is_the_cartesian_product_first_parameter_slowest_with_overrides_in_order()
    {
        var errors = new List<string>();
        SweepPlan plan = SweepPlan.Build(SweepFile, "f.yaml",
            ["referrals.total=100", "referrals.rate_ratios.Black=1.1,1.3,1.5", "simulation.alpha=0.01"], errors)!;
        Assert.Empty(errors);
        // The command line replaced the file's Black entry; single values are fixed overrides, not parameters.
        Assert.Equal(["recording.missing.share", "detectors", "referrals.rate_ratios.Black"], plan.Parameters.Select(p => p.Path));
        Assert.Equal(3 * 2 * 3, plan.PointCount);
        Assert.Equal(["description=\"one, value\"", "referrals.total=100", "simulation.alpha=0.01"],
            plan.FixedOverrides.Select(o => $"{o.Path}={o.Value}"));
        SweepPoint p = plan.Point(7); // (0.2, [rate-ratio], 1.3)
        Assert.Equal(["0.2", "[rate-ratio]", "1.3"], p.Values.ToArray());
        Assert.Equal(["recording.missing.share=0.2", "detectors=[rate-ratio]", "description=\"one, value\"", "referrals.total=100",
                      "referrals.rate_ratios.Black=1.3", "simulation.alpha=0.01"], p.Overrides.Select(o => $"{o.Path}={o.Value}"));
        Assert.Equal(["0.4", "[chi-square, rate-ratio]", "1.5"], plan.Point(17).Values.ToArray());
    }

    [Fact]
    public void Malformed_and_doubly_swept_sets_are_errors()
    {
        var errors = new List<string>();
        Assert.Null(SweepPlan.Build("name: s\n", "f.yaml", ["noequals", "a.b=1,2", "a.b=3,4", "c=0:1:0"], errors));
        Assert.Equal(3, errors.Count);
        Assert.Contains("--set noequals: expected path=value", errors[0]);
        Assert.Contains("--set a.b=3,4: 'a.b' is also set by another --set", errors[1]);
        Assert.Contains("--set c=0:1:0: '0:1:0': the step is 0", errors[2]);
    }
}
