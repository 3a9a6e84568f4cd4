using System.Globalization;

namespace BiasSim.Cli.Tests;

/// <summary><c>detect</c> for advocates: the plot of estimates, intervals and bounds, and the tipping-point sentence.</summary>
public class DetectAdvocateTests
{
    private const string Census = "group,population\nWhite,1000000\nBlack,100000\nAsian,200000\n";

    // Black over-referred beyond chance, Asian under-referred beyond chance.
    private const string UpAndDown = "group,referrals\nWhite,500\nBlack,80\nAsian,60\nUnknown,250\n";

    // Black over-referred beyond chance, Asian not distinguishable from White.
    private const string UpAndNone = "group,referrals\nWhite,500\nBlack,80\nAsian,120\nUnknown,250\n";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The Katz interval of a complete-case rate ratio (Katz et al. 1978), computed here independently of the detectors.</summary>
    private static (double Lower, double Upper) Katz(double xg, double ng, double xr, double nr, double z)
    {
        double rr = xg / ng / (xr / nr), se = Math.Sqrt(1 / xg - 1 / ng + 1 / xr - 1 / nr);
        return (rr * Math.Exp(-z * se), rr * Math.Exp(z * se));
    }

    private static string Finding(string stdout, string group) =>
        stdout.Split('\n').Single(l => l.StartsWith($"  - {group}:", StringComparison.Ordinal));

    [Fact]
    public void Tipping_point_sentence_names_the_interval_end_nearest_1_for_up_and_down_flags()
    {
        using var tmp = new TempFolder();
        string data = tmp.File("counts.csv", UpAndDown), census = tmp.File("census.csv", Census), outDir = tmp.Combine("out");
        CliResult r = Cli.Run("detect", data, "--census", census, "--reference", "White", "-d", "rate-ratio,tipping-point", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.Stderr);

        // Black: RR 1.6, flagged up; the finding stops being significant once Black referrals are recorded as often as the
        // lower Katz end times White ones (docs/detectors.md): 1.6 exp(-1.959964 x 0.120370) = 1.2637.
        var (blackLower, _) = Katz(80, 100_000, 500, 1_000_000, 1.959963984540054);
        Assert.Equal("1.26", blackLower.ToString("0.00", Inv));
        string black = Finding(r.Stdout, "Black");
        Assert.Contains("this finding would vanish (stop being significant) if Black referrals were recorded 1.26 times as often as White ones, or " +
            "more often still", black);

        // Asian: RR (60/200,000)/(500/1,000,000) = 0.6, flagged down; the tipping point is the upper end,
        // 0.6 exp(1.959964 x sqrt(1/60 - 1/200,000 + 1/500 - 1/1,000,000)) = 0.7840, i.e. White recorded 1/0.7840 = 1.28 times as often.
        var (_, asianUpper) = Katz(60, 200_000, 500, 1_000_000, 1.959963984540054);
        Assert.Equal("0.78", asianUpper.ToString("0.00", Inv));
        string asian = Finding(r.Stdout, "Asian");
        Assert.Contains("lower than the White rate beyond chance", asian);
        Assert.Contains($"if Asian referrals were recorded only 0.78 times as often as White ones (White referrals " +
            $"{(1 / asianUpper).ToString("0.00", Inv)} times as often as Asian ones), or less often still", asian);

        // The sentence's number is the tipping-point detector's own estimate, as detection.csv holds it.
        string tippingRow = File.ReadAllLines(Path.Combine(outDir, "detection.csv"))
            .Single(l => l.StartsWith("tipping-point,Black,", StringComparison.Ordinal));
        Assert.Equal(blackLower, double.Parse(tippingRow.Split(',')[2], Inv), 12);
    }

    [Fact]
    public void A_group_not_flagged_gets_only_the_no_recording_difference_needed_sentence()
    {
        using var tmp = new TempFolder();
        string data = tmp.File("counts.csv", UpAndNone), census = tmp.File("census.csv", Census);
        // Without tipping-point among the detectors the sentence comes from rate-ratio's interval (the same number).
        CliResult r = Cli.Run("detect", data, "--census", census, "--reference", "White", "-d", "rate-ratio", "--out", tmp.Combine("out"), "--no-plots");
        Assert.True(r.ExitCode == 0, r.Stderr);
        string asian = Finding(r.Stdout, "Asian");
        Assert.Contains("not distinguishable from the White rate", asian);
        Assert.Contains("no difference in recording between Asian and White referrals is needed to explain why nothing was flagged", asian);
        Assert.DoesNotContain("vanish", asian);
        Assert.DoesNotContain("times as often", asian);
        Assert.Contains("if Black referrals were recorded 1.26 times as often as White ones", Finding(r.Stdout, "Black"));
        Assert.False(Directory.Exists(Path.Combine(tmp.Combine("out"), "plots")), "--no-plots wrote plots");
    }

    [Fact]
    public void Records_name_the_attribute_in_the_sentence()
    {
        using var tmp = new TempFolder();
        // 80 Black and 500 White records with a recorded ethnicity, 250 without: the same counts as records.
        var lines = new List<string> { "referral_id,recorded_ethnicity" };
        int id = 0;
        foreach (var (group, n) in new[] { ("White", 500), ("Black", 80), ("Asian", 120), ("", 250) })
        {
            for (int i = 0; i < n; i++) lines.Add($"{id++},{group}");
        }
        string data = tmp.File("records.csv", string.Join('\n', lines) + "\n"), census = tmp.File("census.csv", Census);
        CliResult r = Cli.Run("detect", data, "--census", census, "--reference", "White", "-d", "rate-ratio", "--out", tmp.Combine("out"), "--no-plots");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("if Black referrals had their ethnicity recorded 1.26 times as often as White ones", Finding(r.Stdout, "Black"));
    }

    [Fact]
    public void Detect_draws_its_plot_with_alt_text_and_interval_labels_that_follow_alpha()
    {
        using var tmp = new TempFolder();
        string data = tmp.File("counts.csv", UpAndNone), census = tmp.File("census.csv", Census), outDir = tmp.Combine("out");
        CliResult r = Cli.Run("detect", data, "--census", census, "--reference", "White", "-d", "rate-ratio,bounds", "--alpha", "0.01",
            "--out", outDir, "--report");
        Assert.True(r.ExitCode == 0, r.Stderr);
        string png = Path.Combine(outDir, "plots", "detect-estimates.png"), svg = Path.Combine(outDir, "plots", "detect-estimates.svg");
        Assert.True(File.Exists(png) && File.Exists(svg), r.Stdout);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png)[..4]);
        Assert.Contains("<svg", File.ReadAllText(svg));
        Assert.Contains("Wrote " + png, r.Stdout);

        // The report shows the plot, and its alt text carries the numbers with 99% intervals at alpha 0.01: Black
        // 1.6 (Katz 99% interval 1.6 exp(-/+ 2.575829 x 0.120370) = 1.17 to 2.18), and the bounds.
        var (lo, hi) = Katz(80, 100_000, 500, 1_000_000, 2.5758293035489004);
        string html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        Assert.Contains("plots/detect-estimates.png", html);
        Assert.Contains($"Black 1.60 (99% interval {lo.ToString("0.00", Inv)} to {hi.ToString("0.00", Inv)}, flagged up)", html);
        Assert.Contains("bounds assuming nothing about unrecorded referrals", html);
        Assert.DoesNotContain("95% interval", html.Split("<figure>")[1]);
    }
}
