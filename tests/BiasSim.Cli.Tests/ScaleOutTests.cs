namespace BiasSim.Cli.Tests;

/// <summary>Interrupted and resumed runs, shards and merge, and the output-folder guard.</summary>
public class ScaleOutTests
{
    // 40,000 replicates make three 16,384-replicate segments, the unit of checkpoints and shards.
    private static string[] RunArgs(string file, string folder, params string[] extra) =>
        ["run", file, "--out", folder, "--replicates", "40000", "--no-plots", "--threads", "2", .. extra];

    [Fact]
    public void A_resumed_run_writes_the_same_diagnosands_as_an_uninterrupted_one()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        Assert.Equal(0, Cli.Run(RunArgs(file, tmp.Combine("whole"))).ExitCode);

        // Interrupted before anything ran: partial results, exit 130, and a resumable folder.
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(RunArgs(file, tmp.Combine("cut")), stdout, stderr, new CancellationToken(canceled: true));
        Assert.Equal(ExitCodes.Interrupted, code);
        Assert.Contains("\"partial\": true", File.ReadAllText(tmp.Combine("cut", "summary.json")));
        Assert.Contains("--resume", stderr.ToString());
        CliResult resumed = Cli.Run("run", "--resume", tmp.Combine("cut"), "--no-plots");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Equal(File.ReadAllText(tmp.Combine("whole", "diagnosands.csv")), File.ReadAllText(tmp.Combine("cut", "diagnosands.csv")));
    }

    [Fact]
    public void A_run_resumed_from_a_checkpoint_after_a_crash_matches_byte_for_byte()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        Assert.Equal(0, Cli.Run(RunArgs(file, tmp.Combine("whole"))).ExitCode);
        Assert.Equal(0, Cli.Run(RunArgs(file, tmp.Combine("crash"))).ExitCode);
        string expected = File.ReadAllText(tmp.Combine("whole", "diagnosands.csv"));

        // A crash after the first segment: keep its record, then half of the next one (a torn write).
        string state = tmp.Combine("crash", RunState.TallyFile);
        byte[] bytes = File.ReadAllBytes(state);
        int record = bytes.Length / 3;
        File.WriteAllBytes(state, bytes[..(record + record / 2)]);
        File.Delete(tmp.Combine("crash", "diagnosands.csv"));

        CliResult resumed = Cli.Run("run", "--resume", tmp.Combine("crash"), "--no-plots");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Equal(expected, File.ReadAllText(tmp.Combine("crash", "diagnosands.csv")));
    }

    [Fact]
    public void Resume_refuses_different_settings()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        Assert.Equal(0, Cli.Run(RunArgs(file, tmp.Combine("r"))).ExitCode);
        CliResult r = Cli.Run("run", "--resume", tmp.Combine("r"), "--seed", "99");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--seed 99 differs", r.Stderr);
    }

    [Fact]
    public void Merged_shards_equal_a_single_run_byte_for_byte()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        Assert.Equal(0, Cli.Run(RunArgs(file, tmp.Combine("whole"))).ExitCode);
        for (int k = 0; k < 3; k++)
        {
            CliResult shard = Cli.Run(RunArgs(file, tmp.Combine($"shard{k}"), "--shard", $"{k}/3"));
            Assert.True(shard.ExitCode == 0, shard.Stderr);
            Assert.False(File.Exists(tmp.Combine($"shard{k}", "diagnosands.csv")));
        }
        CliResult merged = Cli.Run("merge", tmp.Combine("shard2"), tmp.Combine("shard0"), tmp.Combine("shard1"), "--out", tmp.Combine("merged"));
        Assert.True(merged.ExitCode == 0, merged.Stderr);
        Assert.Equal(File.ReadAllText(tmp.Combine("whole", "diagnosands.csv")), File.ReadAllText(tmp.Combine("merged", "diagnosands.csv")));
    }

    [Fact]
    public void Merge_names_the_missing_shard()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        Assert.Equal(0, Cli.Run(RunArgs(file, tmp.Combine("a"), "--shard", "0/3")).ExitCode);
        Assert.Equal(0, Cli.Run(RunArgs(file, tmp.Combine("c"), "--shard", "2/3")).ExitCode);
        CliResult r = Cli.Run("merge", tmp.Combine("a"), tmp.Combine("c"), "--out", tmp.Combine("m"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("shard 1/3", r.Stderr);
        Assert.False(Directory.Exists(tmp.Combine("m")));
    }

    [Fact]
    public void Merge_refuses_shards_of_different_runs()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        Assert.Equal(0, Cli.Run(RunArgs(file, tmp.Combine("a"), "--shard", "0/2")).ExitCode);
        Assert.Equal(0, Cli.Run(RunArgs(file, tmp.Combine("b"), "--shard", "1/2", "--seed", "5")).ExitCode);
        CliResult r = Cli.Run("merge", tmp.Combine("a"), tmp.Combine("b"), "--out", tmp.Combine("m"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("differ", r.Stderr);
    }

    [Fact]
    public void Shards_come_from_the_scheduler_environment()
    {
        var slurm = new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = "5", ["SLURM_ARRAY_TASK_MIN"] = "1", ["SLURM_ARRAY_TASK_COUNT"] = "8" };
        Assert.Equal((4, 8), Sharding.Parse("auto", k => slurm.GetValueOrDefault(k)));
        var kubernetes = new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = "3" };
        Assert.Equal((3, 10), Sharding.Parse("auto/10", k => kubernetes.GetValueOrDefault(k)));
        Assert.Equal((2, 4), Sharding.Parse("2/4", _ => null));
        Assert.Throws<UserInputException>(() => Sharding.Parse("auto", _ => null));
        Assert.Throws<UserInputException>(() => Sharding.Parse("4/4", _ => null));
        Assert.Throws<UserInputException>(() => Sharding.Parse("x/2", _ => null));
    }

    [Fact]
    public void A_folder_holding_other_files_is_refused_unless_forced()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        string folder = tmp.Combine("mine");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "thesis.docx"), "precious");
        CliResult refused = Cli.Run(RunArgs(file, folder));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("thesis.docx", refused.Stderr);
        Assert.False(File.Exists(Path.Combine(folder, "diagnosands.csv")));
        Assert.Equal(0, Cli.Run(RunArgs(file, folder, "--force")).ExitCode);
        Assert.Equal("precious", File.ReadAllText(Path.Combine(folder, "thesis.docx")));
        // A folder holding only BiasSim output is reused without --force.
        Assert.Equal(0, Cli.Run(RunArgs(file, tmp.Combine("again"))).ExitCode);
        Assert.Equal(0, Cli.Run(RunArgs(file, tmp.Combine("again"))).ExitCode);
    }

    [Fact]
    public void Runs_above_the_replicate_limit_need_an_explicit_override()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        CliResult r = Cli.Run("run", file, "--out", tmp.Combine("o"), "--replicates", "5000", "--max-replicates", "1000");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--max-replicates 5000", r.Stderr);
        Assert.False(Directory.Exists(tmp.Combine("o")));
    }
}

public class GuardsOnEveryCommandTests
{
    [Fact]
    public void Sweep_mdrr_and_detect_refuse_a_folder_of_other_files()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        string folder = tmp.Combine("busy");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");
        CliResult sweep = Cli.Run("sweep", file, "--set", "recording.missing.share=0.2,0.4", "--replicates", "100", "--out", folder);
        Assert.Equal(2, sweep.ExitCode);
        Assert.Contains("notes.txt", sweep.Stderr);
        CliResult mdrr = Cli.Run("mdrr", file, "--group", "Black", "--replicates", "200", "--out", folder);
        Assert.Equal(2, mdrr.ExitCode);
        Assert.Contains("notes.txt", mdrr.Stderr);
        Assert.Equal(["notes.txt"], Directory.GetFiles(folder).Select(f => Path.GetFileName(f)!).ToArray());
    }

    [Fact]
    public void Sweep_checks_its_total_replicates_against_the_limit()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        CliResult r = Cli.Run("sweep", file, "--set", "recording.missing.share=0.1,0.2,0.3", "--replicates", "1000", "--max-replicates", "2500", "--out",
            tmp.Combine("o"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("3,000 replicates", r.Stderr);
        Assert.False(Directory.Exists(tmp.Combine("o")));
    }

    [Fact]
    public void Ctrl_c_during_a_sweep_exits_130_without_a_stack_trace()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(["sweep", file, "--set", "recording.missing.share=0.2,0.4", "--replicates", "100", "--out", tmp.Combine("o")],
            stdout, stderr, new CancellationToken(canceled: true));
        Assert.Equal(ExitCodes.Interrupted, code);
        Assert.Contains("Interrupted", stderr.ToString());
        Assert.DoesNotContain("   at ", stderr.ToString());
        Assert.False(File.Exists(tmp.Combine("o", "sweep.csv")));
    }
}

public class SweepShardTests
{
    [Fact]
    public void Merged_sweep_shards_equal_a_single_sweep_byte_for_byte()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        string[] Args(string folder, params string[] extra) =>
            ["sweep", file, "--set", "recording.missing.share=0,0.3,0.6", "--set", "referrals.rate_ratios.Black=1.2,1.4", "--replicates", "500", "--out",
                folder, .. extra];
        Assert.Equal(0, Cli.Run(Args(tmp.Combine("whole"))).ExitCode);
        for (int k = 0; k < 4; k++)
        {
            CliResult shard = Cli.Run(Args(tmp.Combine($"s{k}"), "--shard", $"{k}/4"));
            Assert.True(shard.ExitCode == 0, shard.Stderr);
        }
        CliResult merged = Cli.Run("merge", tmp.Combine("s3"), tmp.Combine("s1"), tmp.Combine("s0"), tmp.Combine("s2"), "--out", tmp.Combine("merged"));
        Assert.True(merged.ExitCode == 0, merged.Stderr);
        Assert.Equal(File.ReadAllText(tmp.Combine("whole", "sweep.csv")), File.ReadAllText(tmp.Combine("merged", "sweep.csv")));
        Assert.Contains("\"points\"", File.ReadAllText(tmp.Combine("merged", "summary.json")));
        Assert.Equal(0, Cli.Run("report", tmp.Combine("merged"), "--no-plots").ExitCode);

        CliResult incomplete = Cli.Run("merge", tmp.Combine("s0"), tmp.Combine("s2"), "--out", tmp.Combine("m2"));
        Assert.Equal(2, incomplete.ExitCode);
        Assert.Contains("1/4", incomplete.Stderr);
    }
}

public class SweepResumeTests
{
    private static string[] Args(string file, string folder) =>
        ["sweep", file, "--set", "recording.missing.share=0,0.3,0.6", "--replicates", "20000", "--out", folder];

    [Fact]
    public void An_interrupted_sweep_resumes_to_the_same_sweep_csv()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        Assert.Equal(0, Cli.Run(Args(file, tmp.Combine("whole"))).ExitCode);

        int code = CliApp.Run(Args(file, tmp.Combine("cut")), new StringWriter(), new StringWriter(), new CancellationToken(canceled: true));
        Assert.Equal(ExitCodes.Interrupted, code);
        CliResult resumed = Cli.Run("sweep", "--resume", tmp.Combine("cut"));
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Equal(File.ReadAllText(tmp.Combine("whole", "sweep.csv")), File.ReadAllText(tmp.Combine("cut", "sweep.csv")));
    }

    [Fact]
    public void A_crashed_sweep_resumes_from_its_point_checkpoints()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        Assert.Equal(0, Cli.Run(Args(file, tmp.Combine("whole"))).ExitCode);
        Assert.Equal(0, Cli.Run(Args(file, tmp.Combine("crash"))).ExitCode);
        // As if the process died during point 1: its second segment is torn, point 2 never started.
        string point1 = tmp.Combine("crash", "points", "1", RunState.TallyFile);
        byte[] bytes = File.ReadAllBytes(point1);
        File.WriteAllBytes(point1, bytes[..(bytes.Length * 3 / 4)]);
        File.Delete(tmp.Combine("crash", "points", "2", RunState.TallyFile));
        File.Delete(tmp.Combine("crash", "sweep.csv"));
        CliResult resumed = Cli.Run("sweep", "--resume", tmp.Combine("crash"));
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Equal(File.ReadAllText(tmp.Combine("whole", "sweep.csv")), File.ReadAllText(tmp.Combine("crash", "sweep.csv")));
        Assert.Equal(2, Cli.Run("sweep", "--resume", tmp.Combine("crash"), "--seed", "3").ExitCode);
    }
}
