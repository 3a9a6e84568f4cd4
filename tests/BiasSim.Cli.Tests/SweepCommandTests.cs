using System.Globalization;
using System.Text.Json;
using BiasSim.Cli.Output;

namespace BiasSim.Cli.Tests;

public class SweepCommandTests
{
    [Fact]
    public void Sweep_writes_sweep_csv_with_parameter_columns_first_then_every_diagnosand_column()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        string outDir = tmp.Combine("out");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        CliResult r = Cli.Run("sweep", file, "--set", "recording.missing.share=0.2,0.5", "--set", "referrals.rate_ratios.Black=1:1.2:0.2",
            "--set", "referrals.total=3000", "--replicates", "500", "--out", outDir);
        TimeSpan wall = clock.Elapsed;
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("", r.Stderr); // no progress bar into a StringWriter

        string[] lines = File.ReadAllLines(Path.Combine(outDir, "sweep.csv"));
        Assert.Equal(["recording.missing.share", "referrals.rate_ratios.Black", .. DiagnosandColumns.All.Select(c => c.Name)], lines[0].Split(','));
        Assert.StartsWith("0.2,1,rate-ratio,Black,", lines[1]);
        Assert.StartsWith("0.5,1.2,chi-square,", lines[^1]);
        Assert.Equal(File.ReadAllText(file), File.ReadAllText(Path.Combine(outDir, "scenario.yaml")));

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        JsonElement root = json.RootElement;
        // 2 x 2 points, each with its rows (Black, Asian, ..., chi-square all): sweep.csv holds every one.
        Assert.Equal(4, root.GetProperty("points").GetArrayLength());
        Assert.Equal(1 + root.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("rows").GetArrayLength()), lines.Length);
        Assert.Equal(31UL, root.GetProperty("seed").GetUInt64());
        Assert.Equal(500, root.GetProperty("replicates").GetInt32());
        Assert.Equal("referrals.total=3000", root.GetProperty("overrides")[0].GetString());
        Assert.Equal("recording.missing.share", root.GetProperty("parameters")[0].GetProperty("path").GetString());
        Assert.Equal(0.5, root.GetProperty("parameters")[0].GetProperty("values")[1].GetDouble());
        JsonElement last = root.GetProperty("points")[3];
        Assert.Equal(1.2, last.GetProperty("values").GetProperty("referrals.rate_ratios.Black").GetDouble());
        Assert.Equal(["recording.missing.share=0.5", "referrals.rate_ratios.Black=1.2", "referrals.total=3000"],
            last.GetProperty("overrides").EnumerateArray().Select(e => e.GetString()));
        Assert.False(string.IsNullOrEmpty(root.GetProperty("version").GetString()));
        double total = ElapsedSeconds.AssertWithin(root, wall, "sweep");
        // The points run one after another inside the sweep's own clock, so their times add up to no more than its total.
        // Each of the 4 rounded point times and the rounded total may be off by half a millisecond.
        double points = root.GetProperty("points").EnumerateArray().Sum(p => ElapsedSeconds.AssertWithin(p, wall, "sweep point"));
        Assert.True(points <= total + 5 * ElapsedSeconds.Rounding, FormattableString.Invariant($"points took {points} s in all, the sweep {total} s"));

        Assert.Contains("Swept: recording.missing.share = 0.2, 0.5 (2 values)", r.Stdout);
        Assert.Contains("rate-ratio Black", r.Stdout);
        Assert.Contains("sweep.csv", r.Stdout);
    }

    [Fact]
    public void A_sweep_point_equals_a_single_run_with_the_same_set_and_seed_byte_for_byte()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        CliResult sweep = Cli.Run("sweep", file, "--set", "recording.missing.share=0,0.3,0.6", "--seed", "77", "--replicates", "1500",
            "--threads", "3", "--out", tmp.Combine("sweep"));
        Assert.True(sweep.ExitCode == 0, sweep.Stderr);
        CliResult run = Cli.Run("run", file, "--set", "recording.missing.share=0.3", "--seed", "77", "--replicates", "1500",
            "--threads", "1", "--out", tmp.Combine("run"));
        Assert.True(run.ExitCode == 0, run.Stderr);

        string[] sweepLines = File.ReadAllLines(tmp.Combine("sweep", "sweep.csv"));
        string[] runLines = File.ReadAllLines(tmp.Combine("run", "diagnosands.csv"));
        // The swept parameter is the first column; without it, the point's rows are the run's rows exactly.
        Assert.Equal(runLines[0], sweepLines[0]["recording.missing.share,".Length..]);
        string[] point = [.. sweepLines.Skip(1).Where(l => l.StartsWith("0.3,", StringComparison.Ordinal)).Select(l => l["0.3,".Length..])];
        Assert.Equal(runLines[1..], point);
        Assert.NotEqual(runLines[1], sweepLines[1]["0,".Length..]); // and the other points differ
    }

    [Fact]
    public void A_seeded_power_curve_over_the_missing_share_falls_steadily()
    {
        // Black at RR 1.2, total 4000: normal-approximation power from about 90% (nothing missing) to about 31% (80% missing),
        // at least 7 percentage points between neighbours. With 3000 replicates each flag rate's MC SE is at most 0.9 points,
        // and common random numbers make neighbours positively correlated, so the SE of a difference is below 1.3 points:
        // a strict decrease fails by chance with probability far below 1e-6 (and the seed is fixed).
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        CliResult r = Cli.Run("sweep", file, "--set", "referrals.rate_ratios.Black=1.2", "--set", "recording.missing.share=0:0.8:0.2",
            "--replicates", "3000", "--out", tmp.Combine("o"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        string[] lines = File.ReadAllLines(tmp.Combine("o", "sweep.csv"));
        string[] header = lines[0].Split(',');
        int detector = Array.IndexOf(header, "detector"), group = Array.IndexOf(header, "group"), flag = Array.IndexOf(header, "flag_up_rate");
        double[] power = [.. lines.Skip(1).Select(l => l.Split(','))
            .Where(c => c[detector] == "rate-ratio" && c[group] == "Black")
            .Select(c => double.Parse(c[flag], CultureInfo.InvariantCulture))];
        Assert.Equal(5, power.Length);
        for (int i = 1; i < power.Length; i++) Assert.True(power[i] < power[i - 1], $"power rose from {power[i - 1]} to {power[i]}");
        Assert.InRange(power[0], 0.8, 0.97);
        Assert.InRange(power[^1], 0.2, 0.45);
    }

    private const string ScenarioWithSweep = """
        name: swept
        seed: 5
        population:
          reference: White
          groups: {White: 1000000, Black: 80000}
        referrals:
          total: 3000
          rate_ratios: {Black: 1.3}
        recording:
          missing: {mechanism: mcar, share: 0.5}
        sweep:
          recording.missing.share: [0.1, 0.7]
          referrals.total: 1000, 2000
        detectors: [rate-ratio]
        simulation: {replicates: 400, alpha: 0.05}
        """;

    [Fact]
    public void A_sweep_section_in_the_file_is_swept_and_the_other_commands_read_the_base_scenario()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", ScenarioWithSweep);
        Assert.Equal(0, Cli.Run("sweep", file, "--out", tmp.Combine("o")).ExitCode);
        string[] lines = File.ReadAllLines(tmp.Combine("o", "sweep.csv"));
        Assert.StartsWith("recording.missing.share,referrals.total,detector,", lines[0]);
        Assert.Equal(1 + 4, lines.Length); // 2 x 2 points x one rate-ratio row (Black)
        Assert.StartsWith("0.7,2000,rate-ratio,Black,", lines[^1]);

        // The command line replaces a file entry of the same path.
        Assert.Equal(0, Cli.Run("sweep", file, "--set", "referrals.total=500,600,700", "--out", tmp.Combine("o2")).ExitCode);
        Assert.Equal(1 + 6, File.ReadAllLines(tmp.Combine("o2", "sweep.csv")).Length);

        CliResult run = Cli.Run("run", file, "--out", tmp.Combine("run"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        CliResult validate = Cli.Run("validate", file);
        Assert.Equal(0, validate.ExitCode);
        Assert.Contains("sweep of 4 design points over recording.missing.share, referrals.total", validate.Stdout);
    }

    [Fact]
    public void Errors_in_a_sweep_value_are_reported_before_anything_runs()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", ScenarioWithSweep.Replace("[0.1, 0.7]", "[0.1, 1.7]"));
        CliResult r = Cli.Run("sweep", file, "--out", tmp.Combine("o"));
        Assert.Equal(2, r.ExitCode);
        Assert.False(Directory.Exists(tmp.Combine("o")));
        // The value came from the file's sweep: section, so the error points at that line, not at a --set.
        Assert.Contains("s.yaml:12:28: recording.missing.share: found 1.7", r.Stderr);
        Assert.Contains("2 of 4 design points are invalid; nothing was run", r.Stderr);

        CliResult set = Cli.Run("sweep", tmp.File("t.yaml", Cli.Scenario), "--set", "recording.missing.share=0.2,1.5", "--out", tmp.Combine("o"));
        Assert.Equal(2, set.ExitCode);
        Assert.Contains("--set recording.missing.share=1.5:", set.Stderr);
        Assert.False(Directory.Exists(tmp.Combine("o")));
    }

    [Theory]
    [InlineData("run")]
    [InlineData("sweep")]
    [InlineData("mdrr")]
    [InlineData("validate")]
    public void A_malformed_set_exits_2_with_a_clear_message_and_no_output_folder(string command)
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        string[] extra = command switch
        {
            "validate" => [],
            "mdrr" => ["--group", "Black", "--out", tmp.Combine("o")],
            _ => ["--out", tmp.Combine("o")],
        };
        CliResult r = Cli.Run([command, file, "--set", "recording.missing.share", .. extra]);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("--set recording.missing.share: expected path=value with a dot path to a scenario key, such as recording.missing.share=0.35",
            r.Stderr.Trim());
        Assert.Equal("", r.Stdout);
        Assert.False(Directory.Exists(tmp.Combine("o")));
    }

    [Fact]
    public void Nothing_to_sweep_is_an_error()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        CliResult r = Cli.Run("sweep", file, "--set", "recording.missing.share=0.2", "--out", tmp.Combine("o"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("nothing to sweep", r.Stderr);
        Assert.False(Directory.Exists(tmp.Combine("o")));
    }

    [Fact]
    public void Run_applies_set_and_records_it_in_summary_json()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        CliResult r = Cli.Run("run", file, "--set", "recording.missing.share=0.35", "--set", "referrals.rate_ratios.Black=1.3",
            "--replicates", "300", "--out", tmp.Combine("o"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("", r.Stderr);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(tmp.Combine("o", "summary.json")));
        JsonElement root = json.RootElement;
        Assert.Equal(["recording.missing.share=0.35", "referrals.rate_ratios.Black=1.3"],
            root.GetProperty("overrides").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0.35, root.GetProperty("scenario").GetProperty("recording").GetProperty("missing").GetProperty("share").GetDouble());
        Assert.Equal(1.3, root.GetProperty("scenario").GetProperty("referrals").GetProperty("rate_ratios").GetProperty("Black").GetDouble());
        Assert.Contains("rate-ratio,Black,1.3,300,", File.ReadAllText(tmp.Combine("o", "diagnosands.csv")));
    }

    [Fact]
    public void Errors_from_a_set_name_the_argument()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        CliResult bad = Cli.Run("run", file, "--set", "recording.missing.share=1.5", "--out", tmp.Combine("o"));
        Assert.Equal(2, bad.ExitCode);
        Assert.StartsWith("--set recording.missing.share=1.5:1:1: recording.missing.share: found 1.5", bad.Stderr);
        CliResult typo = Cli.Run("run", file, "--set", "recording.missing.shrae=0.2", "--out", tmp.Combine("o"));
        Assert.Equal(2, typo.ExitCode);
        Assert.StartsWith("--set recording.missing.shrae=0.2:1:1: recording.missing.shrae: unknown key (did you mean 'share'?)", typo.Stderr);
        Assert.False(Directory.Exists(tmp.Combine("o")));
        Assert.Equal(0, Cli.Run("validate", file, "--set", "referrals.total=100").ExitCode);
        Assert.Equal(2, Cli.Run("validate", file, "--set", "referrals.total=-1").ExitCode);
    }
}
