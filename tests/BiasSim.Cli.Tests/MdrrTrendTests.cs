using System.Globalization;
using System.Text.RegularExpressions;
using BiasSim.Cli.Output;

namespace BiasSim.Cli.Tests;

/// <summary>The mdrr report's headline follows the trend over the swept missing share; MDRR and its interval share one rounding.</summary>
public class MdrrTrendTests
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    [Theory]
    [InlineData(1.2003, 1.2154, 2)] // "1.20 to 1.22"
    [InlineData(1.1401, 1.1449, 3)] // both "1.14" at 2 decimals; "1.140 to 1.145"
    [InlineData(1.14001, 1.14004, 4)] // the most: equal even at 4
    [InlineData(1.14499, 1.14501, 2)] // "1.14" and "1.15": close ends may still differ at 2
    public void Decimals_are_the_fewest_at_which_the_interval_ends_differ(double lo, double hi, int expected)
    {
        int d = MdrrOutput.Decimals(lo, hi);
        Assert.Equal(expected, d);
        if (d < 4) Assert.NotEqual(MdrrOutput.Rr(lo, d), MdrrOutput.Rr(hi, d));
    }

    private static string Headline(string folder) =>
        Regex.Match(File.ReadAllText(Path.Combine(folder, "report.html")), "<p class=\"headline\">([^<]*)</p>").Groups[1].Value;

    [Fact]
    public void Headline_follows_the_mdrr_from_the_lowest_to_the_highest_missing_share()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario), outDir = tmp.Combine("m");
        // Shares listed out of order: the headline still runs from the smallest share to the largest.
        CliResult r = Cli.Run("mdrr", file, "--group", "Black", "--set", "recording.missing.share=0.5,0.2,0.9", "--replicates", "1000", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.Stderr);
        CliResult report = Cli.Run("report", outDir, "--no-plots");
        Assert.True(report.ExitCode == 0, report.Stderr);

        // Losing more of the data raises the MDRR (analytic MDRR 1.20, 1.26, 1.60 here, steps many Monte Carlo SEs apart:
        // see MdrrGridTests), so the trend is "rises".
        var rows = File.ReadAllLines(Path.Combine(outDir, "mdrr.csv")).Skip(1).Select(l => l.Split(','))
            .Select(c => (Share: double.Parse(c[0], Inv), Mdrr: double.Parse(c[5], Inv), Lo: double.Parse(c[6], Inv), Hi: double.Parse(c[7], Inv)))
            .OrderBy(x => x.Share).ToList();
        string headline = Headline(outDir);
        Match m = Regex.Match(headline,
            @"^As the share of ethnicity unrecorded rises from 20% to 90%, the smallest true over-referral of Black people that audits flag as " +
                @"over-referral in 80 of 100 audits " +
            @"rises from (\d\.\d+) \(95% Monte Carlo interval (\d\.\d+) to (\d\.\d+)\) to (\d\.\d+) \(95% Monte Carlo interval (\d\.\d+) to (\d\.\d+)\)\.$");
        Assert.True(m.Success, headline);
        string[] printed = [.. Enumerable.Range(1, 6).Select(i => m.Groups[i].Value)];
        int decimals = printed[0].Length - 2;
        Assert.All(printed, p => Assert.Equal(decimals, p.Length - 2));
        Assert.Equal(MdrrOutput.Rr(rows[0].Mdrr, decimals), printed[0]);
        Assert.Equal(MdrrOutput.Rr(rows[0].Lo, decimals), printed[1]);
        Assert.Equal(MdrrOutput.Rr(rows[^1].Hi, decimals), printed[5]);
        Assert.NotEqual(printed[1], printed[2]);
        Assert.NotEqual(printed[4], printed[5]);
        Assert.DoesNotContain("detect", headline, StringComparison.OrdinalIgnoreCase);
        // The console says the same trend sentence as the report's headline (HTML-escaped there).
        Assert.Contains("Across the grid, in plain words:\n  " + System.Net.WebUtility.HtmlDecode(headline) + "\n", r.Stdout);
        Assert.Single(Regex.Matches(r.Stdout, "Wrote .*mdrr.csv")); // once for the grid, not once per point

        // Console: each MDRR sentence prints its MDRR and both ends with one number of decimals.
        foreach (Match s in Regex.Matches(r.Stdout, @"is a rate ratio of (\d\.(\d+)) \(95% MC interval \d\.(\d+) to \d\.(\d+)\)"))
        {
            Assert.Equal(s.Groups[2].Length, s.Groups[3].Length);
            Assert.Equal(s.Groups[2].Length, s.Groups[4].Length);
        }
        Assert.Equal(3, Regex.Matches(r.Stdout, "is a rate ratio of").Count);
    }

    [Fact]
    public void A_trend_that_falls_unsteadily_is_said_so()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario), outDir = tmp.Combine("m");
        CliResult r = Cli.Run("mdrr", file, "--group", "Black", "--set", "recording.missing.share=0.2,0.5,0.9", "--replicates", "200", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.Stderr);
        // Rewrite the MDRRs in summary.json, which the report reads (hand-made numbers, no simulation can promise them): 1.30,
        // 1.10, 1.25 with tight intervals.
        ReportFixtures.EditMdrrGrid(outDir, [(1.3, 1.29992, 1.30004), (1.1, 1.09, 1.11), (1.25, 1.24, 1.26)]);
        CliResult report = Cli.Run("report", outDir, "--no-plots");
        Assert.True(report.ExitCode == 0, report.Stderr);
        // The first interval needs 4 decimals to show distinct ends (1.29992 and 1.30004 both print 1.30 and 1.300 at 2 and 3),
        // so the whole sentence uses 4.
        Assert.EndsWith("in 80 of 100 audits falls from 1.3000 (95% Monte Carlo interval 1.2999 to 1.3000) to 1.2500 (95% Monte Carlo interval 1.2400 " +
            "to 1.2600), " +
                        "though not steadily (between 1.1000 and 1.3000 along the way).", Headline(outDir));
        Assert.Contains("1.3000 (1.2999 to 1.3000)", File.ReadAllText(Path.Combine(outDir, "report.md")));
    }

    [Fact]
    public void A_grid_where_no_mdrr_exists_anywhere_says_why()
    {
        // Officer assignment flags Black as over-referred in nearly every audit at a true rate ratio of 1, at any missing
        // share: there is no MDRR, and the reason is the finding, so the headline (and the console) must carry it.
        using var tmp = new TempFolder();
        string outDir = tmp.Combine("m");
        CliResult r = Cli.Run("mdrr", Path.Combine(Cli.RepoRoot, "scenarios", "officer-assigned.yaml"), "--group", "Black",
            "--set", "recording.missing.share=0.3,0.6", "--replicates", "300", "--quiet", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.Stderr);
        CliResult report = Cli.Run("report", outDir, "--no-plots");
        Assert.True(report.ExitCode == 0, report.Stderr);
        const string why = "none was found at any of the 2 values (at each, the detector flags Black in this direction in at least 80% of audits even " +
            "at a true rate ratio of 1).";
        Assert.EndsWith(why, Headline(outDir));
        Assert.Contains(why, r.Stdout);
    }
}
