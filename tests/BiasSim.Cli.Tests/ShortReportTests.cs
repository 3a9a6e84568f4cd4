using System.Text.RegularExpressions;

namespace BiasSim.Cli.Tests;

/// <summary><c>report --short</c>: a printable one-page summary (headline, verdict, one plot, no YAML). That it prints on
/// one A4 page is checked by tests/browser/check-short-report.sh, which needs Chromium.</summary>
public class ShortReportTests
{
    private static string Between(string html, string cls) => Regex.Match(html, $"<p class=\"{cls}\">([^<]*)</p>").Groups[1].Value;

    [Fact]
    public void Short_report_of_a_run_has_the_headline_the_verdict_one_plot_and_no_scenario_text()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario), outDir = tmp.Combine("run");
        CliResult run = Cli.Run("run", file, "-r", "500", "--out", outDir, "--no-plots", "-q");
        Assert.True(run.ExitCode == 0, run.Stderr);
        CliResult r = Cli.Run("report", outDir, "--short");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains($"Wrote {Path.Combine(outDir, "report-short.html")} and {Path.Combine(outDir, "report-short.md")}", r.Stdout);
        Assert.False(File.Exists(Path.Combine(outDir, "report.html")), "--short wrote the full report too");

        string html = File.ReadAllText(Path.Combine(outDir, "report-short.html"));
        // The verdict is the console's own line (Verdicts.Verdict over the same rows).
        string verdict = run.Stdout.Split('\n').Single(l => l.StartsWith("Verdict: ", StringComparison.Ordinal)).Trim();
        Assert.Equal(System.Net.WebUtility.HtmlEncode(verdict), Between(html, "verdict"));
        // The headline is the full report's.
        CliResult full = Cli.Run("report", outDir, "--out", tmp.Combine("full"), "--no-plots");
        Assert.True(full.ExitCode == 0, full.Stderr);
        Assert.Equal(Between(File.ReadAllText(tmp.Combine("full", "report.html")), "headline"), Between(html, "headline"));

        Assert.Single(Regex.Matches(html, "<img "));
        Assert.Contains("alt=\"Stacked bar chart for scenario cli-test", html);
        Assert.Contains("@page { size: A4", html);
        Assert.DoesNotContain("<pre", html);
        Assert.DoesNotContain("<table", html);
        Assert.DoesNotContain("replicates: 3000", html); // no YAML dump
        Assert.DoesNotContain("<script", html);
        Assert.True(File.Exists(Path.Combine(outDir, "plots", "outcomes.png")));
        Assert.Single(Directory.GetFiles(Path.Combine(outDir, "plots"), "*.png"));

        string md = File.ReadAllText(Path.Combine(outDir, "report-short.md"));
        Assert.Contains(verdict, md);
        Assert.Contains("](plots/outcomes.png)", md);
    }

    [Fact]
    public void Short_report_of_a_sweep_gives_the_verdict_where_the_headline_ends_and_no_plots_leaves_the_plot_out()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario), outDir = tmp.Combine("sweep");
        CliResult sweep = Cli.Run("sweep", file, "--set", "recording.missing.share=0.6,0.2", "-r", "300", "--out", outDir, "--no-plots", "-q");
        Assert.True(sweep.ExitCode == 0, sweep.Stderr);
        CliResult r = Cli.Run("report", outDir, "--short", "--no-plots");
        Assert.True(r.ExitCode == 0, r.Stderr);
        string html = File.ReadAllText(Path.Combine(outDir, "report-short.html"));
        Assert.StartsWith("As the share of ethnicity unrecorded goes from 20% to 60%", Between(html, "headline"));
        Assert.StartsWith("Verdict at share of ethnicity unrecorded 60%: an audit of these data by rate-ratio", Between(html, "verdict"));
        Assert.DoesNotContain("<img", html);
        Assert.Contains("The plot was left out (--no-plots).", html);
        Assert.False(Directory.Exists(Path.Combine(outDir, "plots")));
    }

    [Fact]
    public void A_later_run_into_the_folder_removes_a_stale_summary()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario), outDir = tmp.Combine("run");
        Assert.Equal(0, Cli.Run("run", file, "-r", "200", "--out", outDir, "--no-plots", "-q").ExitCode);
        Assert.Equal(0, Cli.Run("report", outDir, "--short", "--no-plots").ExitCode);
        Assert.True(File.Exists(Path.Combine(outDir, "report-short.html")));
        CliResult again = Cli.Run("run", file, "-r", "200", "--out", outDir, "--no-plots", "-q");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.False(File.Exists(Path.Combine(outDir, "report-short.html")), "a summary of the previous run survived");
    }
}
