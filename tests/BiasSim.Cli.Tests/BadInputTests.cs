using System.Text.RegularExpressions;

namespace BiasSim.Cli.Tests;

/// <summary>
/// Every user mistake gets "FILE:LINE:COL: path.to.key: what is wrong, what was expected" on stderr,
/// exit code 2, no stack trace and no output folder.
/// </summary>
public class BadInputTests
{
    private static void AssertRejected(string scenarioText, string expectedPath, string expectedFragment)
    {
        using var tmp = new TempFolder();
        string file = tmp.File("bad.yaml", scenarioText);
        string outDir = tmp.Combine("out");
        CliResult r = Cli.Run("run", file, "--out", outDir);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.False(Directory.Exists(outDir), "no output folder may be created for bad input");
        Assert.DoesNotContain("   at ", r.Stderr); // no stack trace
        string[] lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.Matches(@"^.+bad\.yaml:\d+:\d+: ", l));
        Assert.Contains(lines, l => l.Contains($": {expectedPath}: ", StringComparison.Ordinal) && l.Contains(expectedFragment, StringComparison.Ordinal));
    }

    private static string With(string oldText, string newText)
    {
        Assert.Contains(oldText, Cli.Scenario);
        return Cli.Scenario.Replace(oldText, newText);
    }

    [Fact] public void Unknown_key() => AssertRejected(With("seed: 31", "sead: 31"), "sead", "did you mean 'seed'?");
    [Fact] public void Wrong_type() => AssertRejected(With("total: 4000", "total: [1, 2]"), "referrals.total", "found a list");
    [Fact] public void Negative_count() => AssertRejected(With("Black: 80000", "Black: -80000"), "population.groups.Black", "expected a positive whole number");
    [Fact] public void Non_integer_count() => AssertRejected(With("total: 4000", "total: 4000.5"), "referrals.total", "not a whole number");
    [Fact]
    public void Share_out_of_range() => AssertRejected(With("share: 0.6", "share: 1.2"), "recording.missing.share",
        "expected a share from 0 up to (not including) 1");
    [Fact] public void Base_rate_times_rr_above_one() => AssertRejected(With("total: 4000", "base_rate: 0.9"), "referrals.rate_ratios.Black", "at most 1");
    [Fact]
    public void Reference_not_in_groups() => AssertRejected(With("reference: White", "reference: white"), "population.reference",
        "did you mean 'White'?");
    [Fact]
    public void Rate_ratio_group_not_in_groups() => AssertRejected(With("{Black: 1.4}", "{Mixed: 1.4}"), "referrals.rate_ratios.Mixed",
        "is not a group");
    [Fact]
    public void Both_base_rate_and_total() => AssertRejected(With("total: 4000", "total: 4000\n  base_rate: 0.001"), "referrals.base_rate",
        "exactly one of them");
    [Fact] public void Neither_base_rate_nor_total() => AssertRejected(With("total: 4000\n", ""), "referrals", "exactly one of them");
    [Fact]
    public void Replicates_below_one() => AssertRejected(With("replicates: 3000", "replicates: 0"), "simulation.replicates",
        "expected a whole number from 1");

    [Fact]
    public void Yaml_syntax_error()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("bad.yaml", "name: x\n  - broken: [\n");
        CliResult r = Cli.Run("run", file, "--out", tmp.Combine("out"));
        Assert.Equal(2, r.ExitCode);
        Assert.Matches(new Regex(@"bad\.yaml:\d+:\d+: YAML syntax error"), r.Stderr);
        Assert.False(Directory.Exists(tmp.Combine("out")));
    }

    [Fact]
    public void Several_errors_are_all_reported()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("bad.yaml", With("seed: 31", "sead: 31").Replace("share: 0.6", "share: 7").Replace("replicates: 3000", "replicates: -2"));
        CliResult r = Cli.Run("validate", file);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(": sead: ", r.Stderr);
        Assert.Contains(": recording.missing.share: ", r.Stderr);
        Assert.Contains(": simulation.replicates: ", r.Stderr);
    }

    [Fact]
    public void Missing_file()
    {
        using var tmp = new TempFolder();
        string missing = tmp.Combine("nope.yaml");
        CliResult r = Cli.Run("run", missing, "--out", tmp.Combine("out"));
        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"{missing}:1:1: no such file, expected a scenario file (.yaml)", r.Stderr.Trim());
    }

    [Fact]
    public void Unknown_option_and_bad_option_values_exit_2()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        Assert.Equal(2, Cli.Run("run", file, "--replicatse", "5").ExitCode);
        Assert.Equal(2, Cli.Run("run", file, "--replicates", "many").ExitCode);
        CliResult zero = Cli.Run("run", file, "--replicates", "0", "--out", tmp.Combine("o"));
        Assert.Equal(2, zero.ExitCode);
        Assert.Contains("--replicates: found 0", zero.Stderr);
        Assert.False(Directory.Exists(tmp.Combine("o")));
    }

    [Fact]
    public void Validate_accepts_good_files_and_rejects_bad_ones()
    {
        using var tmp = new TempFolder();
        string good = tmp.File("good.yaml", Cli.Scenario);
        string bad = tmp.File("bad.yaml", With("share: 0.6", "share: -1"));
        CliResult ok = Cli.Run("validate", good);
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("good.yaml: valid", ok.Stdout);
        CliResult mixed = Cli.Run("validate", good, bad);
        Assert.Equal(2, mixed.ExitCode);
        Assert.Contains("good.yaml: valid", mixed.Stdout);
        Assert.Contains("bad.yaml:11:", mixed.Stderr);
    }
}
