namespace BiasSim.Cli.Tests;

/// <summary><c>biassim compare</c>: several designs in one table and one plot, each row exactly what <c>run</c> gives.</summary>
public class CompareCommandTests
{
    private static readonly string Mnar = Cli.Scenario
        .Replace("name: cli-test", "name: cli-test-mnar")
        .Replace("missing: {mechanism: mcar, share: 0.6}", "missing: {mechanism: mnar, recording_ratio: {Black: 0.5}, target_share: 0.6}");

    [Fact]
    public void Each_designs_rows_equal_its_own_run_and_the_verdicts_match()
    {
        using var tmp = new TempFolder();
        string a = tmp.File("a.yaml", Cli.Scenario), b = tmp.File("b.yaml", Mnar), outDir = tmp.Combine("cmp");
        CliResult r = Cli.Run("compare", a, b, "-r", "600", "--seed", "7", "--out", outDir, "-q");
        Assert.True(r.ExitCode == 0, r.Stderr);
        string[] compare = File.ReadAllLines(Path.Combine(outDir, "compare.csv"));

        foreach (var (file, name) in new[] { (a, "cli-test"), (b, "cli-test-mnar") })
        {
            string runDir = tmp.Combine("run-" + name);
            CliResult run = Cli.Run("run", file, "-r", "600", "--seed", "7", "--out", runDir, "--no-plots", "-q");
            Assert.True(run.ExitCode == 0, run.Stderr);
            string[] diagnosands = File.ReadAllLines(Path.Combine(runDir, "diagnosands.csv"));
            // Header: the scenario name, then diagnosands.csv's columns in order.
            Assert.Equal("scenario," + diagnosands[0], compare[0]);
            // Same scenario, seed and replicates: the same rows, byte for byte, after the scenario name.
            Assert.Equal(diagnosands.Skip(1).Select(l => name + "," + l), compare.Where(l => l.StartsWith(name + ",", StringComparison.Ordinal)));
            string verdict = run.Stdout.Split('\n').Single(l => l.StartsWith("Verdict: ", StringComparison.Ordinal)).Trim();
            Assert.Contains($"  {name}: {verdict}\n", r.Stdout);
        }
        Assert.Equal(1 + 2 * (File.ReadAllLines(Path.Combine(tmp.Combine("run-cli-test"), "diagnosands.csv")).Length - 1), compare.Length);
        Assert.True(File.Exists(Path.Combine(outDir, "plots", "compare-outcomes.png")));
        Assert.True(File.Exists(Path.Combine(outDir, "plots", "compare-outcomes.svg")));
        Assert.Contains("Wrote " + Path.Combine(outDir, "compare.csv"), r.Stdout);
        Assert.DoesNotContain("detected", r.Stdout.Split("In plain words:")[1]);
    }

    [Fact]
    public void Summary_json_holds_each_design_with_its_seed_verdict_and_rows_and_report_refuses_it()
    {
        using var tmp = new TempFolder();
        string a = tmp.File("a.yaml", Cli.Scenario), b = tmp.File("b.yaml", Mnar), outDir = tmp.Combine("cmp");
        CliResult r = Cli.Run("compare", a, b, "-r", "300", "--seed", "7", "--out", outDir, "-q", "--no-plots");
        Assert.True(r.ExitCode == 0, r.Stderr);
        string text = File.ReadAllText(Path.Combine(outDir, "summary.json"));
        var summary = System.Text.Json.JsonSerializer.Deserialize(text, Results.ResultsJson.Default.CompareSummary)!;
        Assert.Equal(text, Results.ResultsJson.Serialize(summary, Results.ResultsJson.Default.CompareSummary)); // nothing lost in the type
        Assert.Equal("compare", summary.Command);
        Assert.Equal(["cli-test", "cli-test-mnar"], summary.Designs.Select(d => d.Label).ToArray());
        string[] compare = File.ReadAllLines(Path.Combine(outDir, "compare.csv"));
        foreach (var design in summary.Designs)
        {
            Assert.Equal(7UL, design.Seed);
            Assert.Equal(300, design.Replicates);
            Assert.Contains($"  {design.Label}: {design.Verdict}\n", r.Stdout);
            Assert.Equal(compare.Count(l => l.StartsWith(design.Label + ",", StringComparison.Ordinal)), design.Rows.Length);
        }
        CliResult report = Cli.Run("report", outDir, "--out", tmp.Combine("rep"));
        Assert.Equal(2, report.ExitCode);
        Assert.Contains("holds the results of 'biassim compare'", report.Stderr);
    }

    [Fact]
    public void Designs_sharing_a_name_are_told_apart_by_file_and_no_plots_draws_none()
    {
        using var tmp = new TempFolder();
        string a = tmp.File("a.yaml", Cli.Scenario), b = tmp.File("b.yaml", Cli.Scenario.Replace("share: 0.6", "share: 0.2")), outDir = tmp.Combine("cmp");
        CliResult r = Cli.Run("compare", a, b, "-r", "200", "--out", outDir, "-q", "--no-plots");
        Assert.True(r.ExitCode == 0, r.Stderr);
        string[] compare = File.ReadAllLines(Path.Combine(outDir, "compare.csv"));
        Assert.Contains(compare, l => l.StartsWith($"cli-test ({a}),", StringComparison.Ordinal));
        Assert.Contains(compare, l => l.StartsWith($"cli-test ({b}),", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(outDir, "plots")));
    }

    [Fact]
    public void Bad_files_are_all_reported_with_exit_code_2_and_nothing_written()
    {
        using var tmp = new TempFolder();
        string good = tmp.File("a.yaml", Cli.Scenario), bad = tmp.File("bad.yaml", Cli.Scenario.Replace("share: 0.6", "share: 1.6"));
        string missing = tmp.Combine("nope.yaml"), outDir = tmp.Combine("cmp");
        CliResult r = Cli.Run("compare", good, bad, missing, "-r", "100", "--out", outDir, "-q");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("bad.yaml", r.Stderr);
        Assert.Contains("recording.missing.share", r.Stderr);
        Assert.Contains("nope.yaml", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr); // no stack trace
        Assert.False(Directory.Exists(outDir));

        CliResult one = Cli.Run("compare", good, "--out", outDir);
        Assert.Equal(2, one.ExitCode);
        Assert.Contains("expected two or more", one.Stderr);
        Assert.False(Directory.Exists(outDir));
    }
}
