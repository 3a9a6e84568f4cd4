using System.Globalization;
using BiasSim.Cli.Plots;
using BiasSim.Cli.Report;

namespace BiasSim.Cli.Tests;

/// <summary><c>sweep</c> draws its plots as <c>run</c> does (<c>--no-plots</c> skips them); three parameters get small multiples.</summary>
public class SweepPlotsCommandTests
{
    private static string[] Plots(string folder) =>
        Directory.Exists(Path.Combine(folder, "plots")) ? [.. Directory.GetFiles(Path.Combine(folder, "plots")).Select(Path.GetFileName).Order()!] : [];

    [Fact]
    public void One_parameter_sweep_writes_its_plots_and_no_plots_writes_none()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        CliResult r = Cli.Run("sweep", file, "--set", "recording.missing.share=0.2,0.6", "-r", "200", "--out", tmp.Combine("a"), "-q");
        Assert.True(r.ExitCode == 0, r.Stderr);
        string[] plots = Plots(tmp.Combine("a"));
        Assert.Contains("sweep-power.png", plots);
        Assert.Contains("sweep-power.svg", plots);
        Assert.Contains("sweep-outcomes-rate-ratio-black.png", plots);
        Assert.Contains($"Wrote {plots.Length / 2} plot(s) to {Path.Combine(tmp.Combine("a"), "plots")} (PNG and SVG)", r.Stdout);

        CliResult none = Cli.Run("sweep", file, "--set", "recording.missing.share=0.2,0.6", "-r", "200", "--out", tmp.Combine("b"), "-q", "--no-plots");
        Assert.True(none.ExitCode == 0, none.Stderr);
        Assert.Empty(Plots(tmp.Combine("b")));
        Assert.DoesNotContain("plot(s)", none.Stdout);
        // The same results either way: plots are drawn from the folder after it is written.
        Assert.Equal(File.ReadAllText(tmp.Combine("a", "sweep.csv")), File.ReadAllText(tmp.Combine("b", "sweep.csv")));
    }

    [Fact]
    public void Three_parameter_sweep_gets_one_small_multiples_figure_per_series_with_every_cell_in_its_alt_text()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        string outDir = tmp.Combine("c");
        CliResult r = Cli.Run("sweep", file, "--set", "recording.missing.share=0.2,0.8", "--set", "referrals.rate_ratios.Black=1,1.4",
            "--set", "referrals.total=2000,4000,8000", "-r", "200", "--out", outDir, "-q");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("panels-rate-ratio-black.png", Plots(outDir));
        Assert.Contains("panels-rate-ratio-black.svg", Plots(outDir));

        // The alt text has one panel per value of the third parameter and every cell's share correct, as sweep.csv holds it.
        RenderedPlot plot = PlotSet.Draw(ResultsFolder.Load(outDir)).Single(p => p.FileStem == "panels-rate-ratio-black");
        Assert.Contains("Panel 2,000:", plot.AltText);
        Assert.Contains("Panel 8,000:", plot.AltText);
        string[] lines = File.ReadAllLines(Path.Combine(outDir, "sweep.csv"));
        string[] header = lines[0].Split(',');
        int share = Array.IndexOf(header, "recording.missing.share"), rr = Array.IndexOf(header, "referrals.rate_ratios.Black"),
            total = Array.IndexOf(header, "referrals.total"), detector = Array.IndexOf(header, "detector"), group = Array.IndexOf(header, "group"),
            correct = Array.IndexOf(header, "correct_rate");
        int cells = 0;
        foreach (string[] c in lines.Skip(1).Select(l => l.Split(',')).Where(c => c[detector] == "rate-ratio" && c[group] == "Black"))
        {
            double v = 100 * double.Parse(c[correct], CultureInfo.InvariantCulture);
            string panel = $"Panel {double.Parse(c[total], CultureInfo.InvariantCulture):#,0}:";
            string cell = $" {100 * double.Parse(c[share], CultureInfo.InvariantCulture):0.#}% and {c[rr]}: {v.ToString("0", CultureInfo.InvariantCulture)}%.";
            string after = plot.AltText[plot.AltText.IndexOf(panel, StringComparison.Ordinal)..];
            int next = after.IndexOf("Panel ", 6, StringComparison.Ordinal);
            Assert.Contains(cell, next < 0 ? after : after[..next]);
            cells++;
        }
        Assert.Equal(2 * 2 * 3, cells);
        // 12 design points x 3 parameters: the outcome bars are labelled by their values alone, one line each.
        RenderedPlot outcomes = PlotSet.Draw(ResultsFolder.Load(outDir)).Single(p => p.FileStem == "sweep-outcomes-rate-ratio-black");
        Assert.Contains(" 80%, 1.4, 8,000: ", outcomes.AltText);

        CliResult report = Cli.Run("report", outDir);
        Assert.True(report.ExitCode == 0, report.Stderr);
        Assert.Contains("plots/panels-rate-ratio-black.png", File.ReadAllText(Path.Combine(outDir, "report.md")));
    }
}
