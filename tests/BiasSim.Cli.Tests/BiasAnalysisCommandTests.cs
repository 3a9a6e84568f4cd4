using System.Globalization;

namespace BiasSim.Cli.Tests;

/// <summary><c>detect --bias-analysis</c>: bias_analysis.csv, its plot and sentences; bad priors exit 2 and write nothing.</summary>
public class BiasAnalysisCommandTests
{
    private const string Census = "group,population\nWhite,1000000\nBlack,100000\nAsian,200000\n";
    private const string Counts = "group,referrals\nWhite,500\nBlack,80\nAsian,120\nUnknown,250\n";

    [Fact]
    public void A_point_prior_writes_the_observed_rate_ratio_divided_by_it()
    {
        using var tmp = new TempFolder();
        string priors = tmp.File("p.yaml", "recording_ratios: {Black: 0.5}\n");
        CliResult r = Cli.Run("detect", tmp.File("c.csv", Counts), "--census", tmp.File("census.csv", Census), "--reference", "White",
            "--bias-analysis", priors, "--draws", "4000", "--seed", "9", "-o", tmp.Combine("o"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        string[] lines = File.ReadAllLines(tmp.Combine("o", "bias_analysis.csv"));
        Assert.Equal("group,observed_rr,median,lower,upper,share_above_1,draws", lines[0]);
        string[] black = lines.Single(l => l.StartsWith("Black,", StringComparison.Ordinal)).Split(',');
        double observed = double.Parse(black[1], CultureInfo.InvariantCulture), median = double.Parse(black[2], CultureInfo.InvariantCulture);
        Assert.Equal(80.0 / 100_000 / (500.0 / 1_000_000), observed, 12);
        // Median of observed x exp(SE Z) / 0.5 with SE = 0.1204 on the log scale: 4 SD of a median of 4,000 draws is
        // 4 x 0.1204 x sqrt(0.25 / 4000) / phi(0) = 0.0095.
        Assert.InRange(Math.Log(median / (observed / 0.5)), -0.0095, 0.0095);
        Assert.Equal("4000", black[6]);
        Assert.Contains(lines, l => l.StartsWith("Asian,", StringComparison.Ordinal));
        Assert.True(File.Exists(tmp.Combine("o", "plots", "bias-analysis.png")));
        Assert.True(File.Exists(tmp.Combine("o", "plots", "bias-analysis.svg")));
        Assert.Contains("Black: recorded referrals alone give a rate ratio of 1.60 against White; "
            + "assuming Black referrals have a recorded group exactly 0.5 times", r.Stdout);
        Assert.Contains("Asian: recorded referrals alone give a rate ratio of 1.20 against White; with no prior given", r.Stdout);
        Assert.DoesNotContain("detected", r.Stdout);
    }

    [Fact]
    public void The_bundled_example_runs_on_the_published_counts()
    {
        using var tmp = new TempFolder();
        string data = Path.Combine(Cli.RepoRoot, "scenarios", "data");
        CliResult r = Cli.Run("detect", Path.Combine(data, "prevent-2024-25-counts.csv"), "--census", Path.Combine(data, "census-2021-ethnicity-4-groups.csv"),
            "--reference", "White", "--bias-analysis", Path.Combine(data, "bias-priors-example.yaml"), "-o", tmp.Combine("o"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        string[] lines = File.ReadAllLines(tmp.Combine("o", "bias_analysis.csv"));
        Assert.Equal(4, lines.Length); // header, Asian, Black, Other
        Assert.All(lines.Skip(1), l => Assert.EndsWith(",10000", l));
    }

    [Fact]
    public void A_bad_priors_file_names_file_line_and_key_and_writes_nothing()
    {
        using var tmp = new TempFolder();
        string priors = tmp.File("p.yaml", "recording_ratios:\n  Black: 0.5\n  Asain: {distribution: uniform, min: 2, max: 1}\n");
        CliResult r = Cli.Run("detect", tmp.File("c.csv", Counts), "--census", tmp.File("census.csv", Census), "--reference", "White",
            "--bias-analysis", priors, "-o", tmp.Combine("o"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{priors}:3:", r.Stderr);
        Assert.Contains("recording_ratios.Asain", r.Stderr);
        Assert.Contains("did you mean 'Asian'", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.False(Directory.Exists(tmp.Combine("o")));
    }

    [Fact]
    public void Draws_without_a_bias_analysis_are_refused()
    {
        using var tmp = new TempFolder();
        CliResult r = Cli.Run("detect", tmp.File("c.csv", Counts), "--census", tmp.File("census.csv", Census), "--reference", "White",
            "--draws", "10", "-o", tmp.Combine("o"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--bias-analysis", r.Stderr);
    }
}

/// <summary>A priors file with a misclassification matrix: draws left out are counted in the sentence and in draws.</summary>
public class BiasAnalysisMisclassificationCommandTests
{
    [Fact]
    public void Left_out_draws_are_said_and_draws_counts_the_rest()
    {
        using var tmp = new TempFolder();
        string priors = tmp.File("p.yaml", "recording_ratios: {Black: 1}\nmisclassification:\n  White: {White: 1, Black: 1}\n  Black: {White: 1, Black: 1}\n");
        CliResult r = Cli.Run("detect", tmp.File("c.csv", "group,referrals\nWhite,1860\nBlack,440\nUnknown,10\n"),
            "--census", tmp.File("census.csv", "group,population\nWhite,1000000\nBlack,100000\n"), "--reference", "White",
            "--bias-analysis", priors, "--draws", "1000", "-o", tmp.Combine("o"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("corrects the recorded categories by a misclassification matrix", r.Stdout);
        Assert.Matches(@"Black: .* [\d,]+ of 1,000 draws were left out", r.Stdout);
        string[] black = File.ReadAllLines(tmp.Combine("o", "bias_analysis.csv"))[1].Split(',');
        Assert.True(int.Parse(black[6], System.Globalization.CultureInfo.InvariantCulture) < 1000);
    }
}
