using System.Text.Json;

namespace BiasSim.Cli.Tests;

public class RunCommandTests
{
    // The columns named in the walking-skeleton issue: a public contract, in this order.
    private static readonly string[] ContractColumns =
    [
        "detector", "group", "true_rate_ratio", "replicates", "flag_rate", "flag_rate_se", "flag_up_rate", "flag_down_rate",
        "mean_estimate", "mean_log_estimate", "bias_log", "rmse_log", "coverage", "mean_lower", "mean_upper", "mean_ci_width",
        "type_s_rate", "exaggeration_ratio", "not_estimable_rate",
    ];

    [Fact]
    public void Run_writes_diagnosands_csv_summary_json_and_a_table()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        string outDir = tmp.Combine("out");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        CliResult r = Cli.Run("run", file, "--out", outDir, "--threads", "2");
        TimeSpan wall = clock.Elapsed;
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("", r.Stderr);

        string[] lines = File.ReadAllLines(Path.Combine(outDir, "diagnosands.csv"));
        string[] header = lines[0].Split(',');
        Assert.Equal(ContractColumns, header.Take(ContractColumns.Length));
        Assert.Equal(4, lines.Length); // header + Black, Asian, chi-square all
        Assert.StartsWith("rate-ratio,Black,1.4,3000,", lines[1]);
        Assert.StartsWith("chi-square,all,,3000,", lines[3]);

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        JsonElement root = json.RootElement;
        Assert.Equal(31UL, root.GetProperty("seed").GetUInt64());
        Assert.Equal(3000, root.GetProperty("replicates").GetInt32());
        Assert.False(root.GetProperty("partial").GetBoolean());
        Assert.Equal("cli-test", root.GetProperty("scenario").GetProperty("name").GetString());
        Assert.Equal(0.6, root.GetProperty("scenario").GetProperty("recording").GetProperty("missing").GetProperty("share").GetDouble());
        Assert.Equal(3, root.GetProperty("rows").GetArrayLength());
        Assert.Equal("Black", root.GetProperty("rows")[0].GetProperty("group").GetString());
        ElapsedSeconds.AssertWithin(root, wall, "run");
        Assert.False(string.IsNullOrEmpty(root.GetProperty("version").GetString()));

        Assert.Contains("rate-ratio: rate ratio vs White", r.Stdout);
        Assert.Contains("flagged (±MC SE)", r.Stdout);
        Assert.Contains("for Black people (true rate ratio 1.4, a 40% over-referral), ", r.Stdout);
        Assert.Contains("would detect it correctly (right direction, interval holding the true rate ratio)", r.Stdout);
    }

    [Fact]
    public void Csv_is_byte_identical_for_any_thread_count_and_changes_with_the_seed()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        string Csv(string folder, params string[] extra)
        {
            CliResult r = Cli.Run(["run", file, "--out", tmp.Combine(folder), .. extra]);
            Assert.True(r.ExitCode == 0, r.Stderr);
            return File.ReadAllText(tmp.Combine(folder, "diagnosands.csv"));
        }
        string one = Csv("t1", "--threads", "1");
        Assert.Equal(one, Csv("t2", "--threads", "2"));
        Assert.Equal(one, Csv("t5", "--threads", "5"));
        Assert.NotEqual(one, Csv("seed", "--threads", "2", "--seed", "32"));
    }

    [Fact]
    public void Replicates_option_overrides_the_scenario()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        CliResult r = Cli.Run("run", file, "--out", tmp.Combine("o"), "--replicates", "100");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains(",100,", File.ReadAllLines(tmp.Combine("o", "diagnosands.csv"))[1]);
        Assert.Contains("Warning: with 100 replicates", r.Stdout);
    }

    [Fact]
    public void Bundled_scenario_runs()
    {
        using var tmp = new TempFolder();
        string file = Path.Combine(Cli.RepoRoot, "scenarios", "prevent-2015-2023.yaml");
        CliResult r = Cli.Run("run", file, "--out", tmp.Combine("o"), "--replicates", "2000");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("With 64.7% of ethnicity unrecorded", r.Stdout);
        Assert.DoesNotContain("family-wise people", r.Stdout);
    }

    [Fact]
    public void Help_and_version_work()
    {
        CliResult help = Cli.Run("--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("run", help.Stdout);
        Assert.Contains("validate", help.Stdout);
        CliResult runHelp = Cli.Run("run", "--help");
        Assert.Contains("--replicates", runHelp.Stdout);
        CliResult version = Cli.Run("--version");
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Stdout.Trim());
    }
}
