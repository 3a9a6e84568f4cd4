using System.Globalization;
using System.Text.RegularExpressions;

namespace BiasSim.Cli.Tests;

/// <summary>
/// The verdicts issue's examples, read as a person would: what the console, the report and the plots say must be literally
/// true of the numbers in diagnosands.csv. A flag is not a finding: "detected" only for correct outcomes.
/// </summary>
public class VerdictTests
{
    /// <summary>diagnosands.csv as (detector, group) -> column -> value; the file is plain (no quoted cells in these rows).</summary>
    private static Dictionary<(string Detector, string Group, string Attribute), Dictionary<string, string>> Rows(string folder)
    {
        string[] lines = File.ReadAllLines(Path.Combine(folder, "diagnosands.csv"));
        string[] header = lines[0].Split(',');
        return lines.Skip(1).Select(l => l.Split(','))
            .Select(cells => header.Zip(cells).ToDictionary(x => x.First, x => x.Second))
            .ToDictionary(d => (d["detector"], d["group"], d["attribute"]));
    }

    private static double Num(Dictionary<string, string> row, string column) => double.Parse(row[column], CultureInfo.InvariantCulture);

    private static string Bundled(string name) => Path.Combine(Cli.RepoRoot, "scenarios", name);

    [Fact]
    public void Prevent_says_misestimated_not_detected_where_every_audit_puts_black_far_from_the_truth()
    {
        using var tmp = new TempFolder();
        string folder = tmp.Combine("out");
        CliResult r = Cli.Run("run", Bundled("prevent-2015-2023.yaml"), "--out", folder, "--replicates", "2000", "--report");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var rows = Rows(folder);
        var black = rows[("rate-ratio", "Black", "ethnicity")];
        // The numbers the words must follow: a true RR of 1.1 estimated near 1.87, never covered.
        Assert.Equal(1.1, Num(black, "true_rate_ratio"), 12);
        Assert.Equal(0, Num(black, "correct_rate"));
        Assert.True(Num(black, "misestimated_rate") > 0.99);
        Assert.Equal(1.0, Num(black, "correct_rate") + Num(black, "misestimated_rate") + Num(black, "wrong_direction_rate")
                          + Num(black, "missed_rate") + Num(black, "false_alarm_rate") + Num(black, "not_estimable_rate"), 12);

        string blackSentence = r.Stdout.Split('\n')
            .Single(l => l.TrimStart().StartsWith("- ", StringComparison.Ordinal) && l.Contains("for Black people", StringComparison.Ordinal));
        Assert.Contains("would get the direction right but the size wrong", blackSentence);
        Assert.DoesNotContain("correctly", blackSentence);
        Assert.DoesNotContain("would be detected", r.Stdout);
        Assert.Contains("Verdict: an audit of these data by rate-ratio would mislead, not merely lack power", r.Stdout);

        string html = File.ReadAllText(Path.Combine(folder, "report.html"));
        Assert.DoesNotContain("would be detected", html);
        Assert.Contains("would mislead, not merely lack power", html);
        // The report reads summary.json back: the chi-square row's truth (a JSON boolean) must survive the round trip.
        Assert.Contains("rightly finds that groups are referred at different rates", html);
        Assert.Matches("\\(99\\.\\d+\u2060–\u2060100%\\)", html); // a share of 1 shows its Wilson band, not "100.000%"
        // The headline leads with the most consequential finding: a false alarm (Other) before a misestimate (Black).
        Match headline = Regex.Match(html, "<p class=\"headline\">([^<]*)</p>");
        Assert.True(headline.Success);
        Assert.Contains("for Other people", headline.Groups[1].Value);
        Assert.Contains("would wrongly flag a difference", headline.Groups[1].Value);
        Assert.True(File.Exists(Path.Combine(folder, "plots", "outcomes.png")));
        Assert.Contains("alt=\"Stacked bar chart", html);
    }

    [Fact]
    public void Family_wise_row_reports_the_direction_its_false_alarms_really_had()
    {
        using var tmp = new TempFolder();
        string folder = tmp.Combine("out");
        CliResult r = Cli.Run("run", Bundled("prevent-2015-2023.yaml"), "--out", folder, "--replicates", "1000", "--no-plots");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var family = Rows(folder)[("rate-ratio", "family-wise", "ethnicity")];
        // Other (true RR 1) is estimated near 0.66: every false alarm is a flag downwards, none upwards.
        Assert.Equal(0, Num(family, "flag_up_rate"));
        Assert.Equal(1, Num(family, "flag_down_rate"));
        Assert.Equal(1, Num(family, "false_alarm_rate"));
        Assert.Contains("(all flagged as under-referral)", r.Stdout);
        var chi = Rows(folder)[("chi-square", "all", "ethnicity")];
        Assert.Equal("", chi["flag_up_rate"]); // an omnibus test has no direction
        Assert.Equal("", chi["misestimated_rate"]);
        Assert.Equal("true", chi["true_difference"]);
    }

    [Fact]
    public void Mnar_with_a_real_over_referral_shows_wrong_directions_not_power()
    {
        using var tmp = new TempFolder();
        string folder = tmp.Combine("out");
        CliResult r = Cli.Run("run", Bundled("mnar-by-group.yaml"), "--set", "referrals.rate_ratios.Black=1.5", "--set", "recording.missing.target_share=0.8",
            "--out", folder, "--replicates", "2000", "--report");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var black = Rows(folder)[("rate-ratio", "Black", "ethnicity")];
        double wrong = Num(black, "wrong_direction_rate");
        Assert.True(wrong > 0.5, $"wrong_direction_rate {wrong}");
        Assert.True(Num(black, "flag_rate") > 0.5); // what the old power plot showed as success
        Assert.True(Num(black, "correct_rate") < 0.01);

        string sentence = r.Stdout.Split('\n')
            .Single(l => l.TrimStart().StartsWith("- ", StringComparison.Ordinal) && l.Contains("for Black people", StringComparison.Ordinal));
        Assert.Matches(@"\d+ of 100 audits would flag it in the wrong direction \(as under-referral\)", sentence);
        Assert.Contains("points the wrong way for Black people", r.Stdout);

        // The plot a person sees names correct shares, and its text alternative says Black is almost never right.
        string html = File.ReadAllText(Path.Combine(folder, "report.html"));
        Match alt = Regex.Match(html, "alt=\"(Dot chart[^\"]*)\"");
        Assert.True(alt.Success);
        Assert.Matches(@"Black \(true RR 1\.5\) correct in 0\.\d%", alt.Groups[1].Value);
    }

    [Fact]
    public void Interval_labels_follow_alpha_everywhere()
    {
        using var tmp = new TempFolder();
        string folder = tmp.Combine("out");
        CliResult r = Cli.Run("run", Bundled("mcar-65.yaml"), "--set", "simulation.alpha=0.01", "--out", folder, "--replicates", "500", "--report");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("Katz 99% interval", r.Stdout);
        Assert.Contains("mean 99% interval", r.Stdout);
        Assert.DoesNotContain("95% interval", r.Stdout);
        string html = File.ReadAllText(Path.Combine(folder, "report.html"));
        Assert.Contains("Average 99% interval", html);
        Assert.Contains("with a 99% interval that holds the true rate ratio", html);
        Assert.DoesNotContain("Average 95% interval", html);
    }

    [Fact]
    public void Rates_of_exactly_zero_or_one_show_a_wilson_bound_not_a_standard_error_of_zero()
    {
        using var tmp = new TempFolder();
        string folder = tmp.Combine("out");
        CliResult r = Cli.Run("run", Bundled("prevent-2015-2023.yaml"), "--out", folder, "--replicates", "1000", "--no-plots");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.DoesNotContain("(±0.0%)", r.Stdout);
        // Wilson (1927) at k = 0, n = 1000, z = 1.96: upper end z^2 / (n + z^2) = 0.3826%, printed to one decimal.
        Assert.Contains("0.0% (<0.4%)", r.Stdout);
        Assert.Contains("100.0% (>99.6%)", r.Stdout);
    }

    [Fact]
    public void An_unrecorded_attribute_gives_an_unmeasurable_family_wise_row_not_a_perfect_one()
    {
        using var tmp = new TempFolder();
        string folder = tmp.Combine("out");
        CliResult r = Cli.Run("run", Bundled("religion.yaml"), "--out", folder, "--replicates", "500", "--no-plots");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var family = Rows(folder)[("rate-ratio", "family-wise", "religion")];
        Assert.Equal(1, Num(family, "not_estimable_rate"));
        Assert.Equal(0, Num(family, "correct_rate"));
        Assert.Contains("The chi-square test of all groups together (religion) cannot be computed in 100 of 100 audits", r.Stdout);
    }
}
