using System.Globalization;
using System.Text.Json.Nodes;
using BiasSim.Cli.Plots;
using BiasSim.Cli.Report;

namespace BiasSim.Cli.Tests;

/// <summary>Plots are drawn headless with ScottPlot/SkiaSharp: PNG at 1600 x 1000 (twice the 800 x 500 SVG) for print.</summary>
public class PlotTests
{
    private static void AssertPlot(string folder, string stem)
    {
        ReportFixtures.AssertPng(Path.Combine(folder, "plots", stem + ".png"), 1600, 1000);
        ReportFixtures.AssertSvg(Path.Combine(folder, "plots", stem + ".svg"));
    }

    [Fact]
    public void Run_draws_power_interval_and_estimate_plots_by_default()
    {
        using var tmp = new TempFolder();
        string folder = ReportFixtures.Run(tmp, "run");
        AssertPlot(folder, "power");
        AssertPlot(folder, "interval");
        bool histograms = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")))!["rows"]!.AsArray()
            .Any(r => r!["estimate_histogram"] is not null);
        Assert.Equal(histograms, File.Exists(Path.Combine(folder, "plots", "estimates.png")));
        if (histograms) AssertPlot(folder, "estimates");
        // Files are written whole: no temporary files left behind.
        Assert.Empty(Directory.GetFiles(Path.Combine(folder, "plots"), "*.tmp"));
    }

    [Fact]
    public void No_plots_option_skips_them()
    {
        using var tmp = new TempFolder();
        string folder = ReportFixtures.Run(tmp, "run", null, "--no-plots");
        Assert.True(File.Exists(Path.Combine(folder, "summary.json")));
        Assert.False(Directory.Exists(Path.Combine(folder, "plots")));
    }

    [Fact]
    public void Estimate_plot_is_left_out_when_summary_has_no_histograms()
    {
        using var tmp = new TempFolder();
        string folder = ReportFixtures.Run(tmp, "run", null, "--no-plots");
        string summaryPath = Path.Combine(folder, "summary.json");
        JsonNode summary = JsonNode.Parse(File.ReadAllText(summaryPath))!;
        foreach (JsonNode? row in summary["rows"]!.AsArray()) row!.AsObject().Remove("estimate_histogram");
        File.WriteAllText(summaryPath, summary.ToJsonString());

        CliResult r = Cli.Run("report", folder);
        Assert.True(r.ExitCode == 0, r.Stderr);
        AssertPlot(folder, "power");
        AssertPlot(folder, "interval");
        Assert.False(File.Exists(Path.Combine(folder, "plots", "estimates.png")));
    }

    [Fact]
    public void Sweep_of_one_parameter_draws_power_against_it()
    {
        using var tmp = new TempFolder();
        double[] shares = [0.2, 0.6, 0.9];
        string folder = ReportFixtures.Sweep(tmp, "sweep", ["recording.missing.share"],
            [.. shares.Select(s => (new[] { s.ToString(CultureInfo.InvariantCulture) }, ReportFixtures.ShareScenario(s)))]);
        CliResult r = Cli.Run("report", folder);
        Assert.True(r.ExitCode == 0, r.Stderr);
        AssertPlot(folder, "sweep-power");
        Assert.Contains("audits that get the answer right, across the sweep", File.ReadAllText(Path.Combine(folder, "report.html")));
    }

    [Fact]
    public void Sweep_of_two_parameters_draws_a_heatmap_per_detector_and_group()
    {
        using var tmp = new TempFolder();
        var points = new List<(string[], string)>();
        foreach (double share in new[] { 0.3, 0.8 })
        {
            foreach (double rr in new[] { 1.2, 1.5 })
            {
                string text = ReportFixtures.ShareScenario(share).Replace("{Black: 1.4}", string.Create(CultureInfo.InvariantCulture, $"{{Black: {rr}}}"));
                points.Add(([share.ToString(CultureInfo.InvariantCulture), rr.ToString(CultureInfo.InvariantCulture)], text));
            }
        }
        string folder = ReportFixtures.Sweep(tmp, "sweep2", ["recording.missing.share", "referrals.rate_ratios.Black"], points);
        CliResult r = Cli.Run("report", folder);
        Assert.True(r.ExitCode == 0, r.Stderr);
        AssertPlot(folder, "heatmap-rate-ratio-black");
        AssertPlot(folder, "heatmap-chi-square-all");
        Assert.False(File.Exists(Path.Combine(folder, "plots", "sweep-power.png")));
    }

    [Fact]
    public void A_group_no_audit_can_measure_anywhere_gets_an_empty_heatmap_not_a_crash()
    {
        // Officer assignment never records Mixed: every cell of its heatmap is "not measurable". ScottPlot cannot scale a
        // heatmap of NaN alone, which used to end the sweep with an internal error while drawing.
        using var tmp = new TempFolder();
        string folder = tmp.Combine("officer");
        CliResult r = Cli.Run("sweep", Path.Combine(Cli.RepoRoot, "scenarios", "officer-assigned.yaml"), "--set", "recording.missing.share=0.2,0.6",
            "--set", "referrals.rate_ratios.Black=1,1.3", "--replicates", "200", "--seed", "7", "--quiet", "--out", folder);
        Assert.True(r.ExitCode == 0, r.Stderr);
        AssertPlot(folder, "heatmap-rate-ratio-mixed");
        RenderedPlot mixed = PlotSet.Draw(ResultsFolder.Load(folder)).Single(p => p.FileStem == "heatmap-rate-ratio-mixed");
        Assert.Equal(4, System.Text.RegularExpressions.Regex.Matches(mixed.AltText, "cannot be measured").Count);
        Assert.DoesNotContain("%.", mixed.AltText);
    }

    [Fact]
    public void Mdrr_results_across_missing_shares_are_plotted()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario), folder = tmp.Combine("m");
        CliResult mdrr = Cli.Run("mdrr", file, "--group", "Black", "--set", "recording.missing.share=0.3,0.6,0.9", "--replicates", "200", "--out", folder);
        Assert.True(mdrr.ExitCode == 0, mdrr.Stderr);
        // Hand-made MDRRs, so the table's decimals are known: 1.10, 1.14 and 1.31 with intervals one hundredth apart or more.
        ReportFixtures.EditMdrrGrid(folder, [(1.10, 1.09, 1.11), (1.14, 1.13, 1.15), (1.31, 1.28, 1.34)]);
        CliResult r = Cli.Run("report", folder);
        Assert.True(r.ExitCode == 0, r.Stderr);
        AssertPlot(folder, "mdrr");
        string html = File.ReadAllText(Path.Combine(folder, "report.html"));
        Assert.Contains("Minimum detectable rate ratio", html);
        Assert.Contains("1.31 (1.28 to 1.34)", html); // MDRR and both ends with one number of decimals, enough to tell the ends apart
    }

    [Fact]
    public void Png_plots_are_byte_identical_when_drawn_twice()
    {
        using var tmp = new TempFolder();
        string folder = ReportFixtures.Run(tmp, "run");
        CliResult r = Cli.Run("report", folder, "--out", tmp.Combine("again"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        // (SVG clip-path ids come from a process-wide counter in Skia, so only the PNGs are compared.)
        foreach (string file in Directory.GetFiles(Path.Combine(folder, "plots"), "*.png"))
        {
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(tmp.Combine("again", "plots", Path.GetFileName(file))));
        }
    }
}
