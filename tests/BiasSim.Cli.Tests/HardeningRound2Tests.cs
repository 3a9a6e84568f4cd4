using System.Diagnostics;
using BiasSim.Cli.Output;
using BiasSim.Core.Simulation;

namespace BiasSim.Cli.Tests;

/// <summary>Issue 13: each case found by attacking the CLI, reproduced; each test failed before its fix.</summary>
public class HardeningRound2Tests
{
    private const string Sweep = "--set";

    private static CliResult Run(CancellationToken token, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr, token);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    private static string[] RunArgs(string file, string folder, params string[] extra) =>
        ["run", file, "--out", folder, "--replicates", "40000", "--no-plots", "--threads", "2", .. extra];

    private static void AssertRejected(CliResult r, string expected)
    {
        Assert.True(r.ExitCode == ExitCodes.BadInput, $"exit {r.ExitCode}: {r.Stderr}");
        Assert.Contains(expected, r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr); // no stack trace
    }

    // ---- Silent wrong results and data loss ----

    [Fact]
    public void A_fresh_sweep_removes_an_older_sweeps_points_so_its_resume_cannot_mix_them()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        string[] Args(string folder, string seed) =>
            ["sweep", file, Sweep, "recording.missing.share=0.2,0.4", "--replicates", "2000", "--seed", seed, "--threads", "1", "-q", "--out", folder];
        Assert.Equal(0, Cli.Run(Args(tmp.Combine("clean"), "2")).ExitCode);
        Assert.Equal(0, Cli.Run(Args(tmp.Combine("reused"), "1")).ExitCode);
        // A new sweep in the same folder, stopped by Ctrl+C before its first point, then resumed.
        Assert.Equal(ExitCodes.Interrupted, Run(new CancellationToken(canceled: true), Args(tmp.Combine("reused"), "2")).ExitCode);
        CliResult resumed = Cli.Run("sweep", "--resume", tmp.Combine("reused"), "-q");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Equal(File.ReadAllText(tmp.Combine("clean", "sweep.csv")), File.ReadAllText(tmp.Combine("reused", "sweep.csv")));
    }

    [Fact]
    public void A_tally_file_copied_from_a_run_with_another_seed_is_refused()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        Assert.Equal(0, Cli.Run(RunArgs(file, tmp.Combine("other"), "--seed", "1")).ExitCode);
        Assert.Equal(ExitCodes.Interrupted, Run(new CancellationToken(canceled: true), RunArgs(file, tmp.Combine("cut"), "--seed", "2")).ExitCode);
        File.Copy(tmp.Combine("other", RunState.TallyFile), tmp.Combine("cut", RunState.TallyFile), overwrite: true);
        AssertRejected(Cli.Run("run", "--resume", tmp.Combine("cut"), "--no-plots"), "holds the tallies of another run");
    }

    [Fact]
    public void A_second_run_into_a_locked_folder_exits_2_and_names_the_holder()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        using (FolderLock.Acquire(tmp.Combine("out")))
        {
            CliResult r = Cli.Run(RunArgs(file, tmp.Combine("out")));
            AssertRejected(r, "another BiasSim run is writing there");
            Assert.Contains($"pid {Environment.ProcessId} on {Environment.MachineName}", r.Stderr);
            Assert.False(File.Exists(tmp.Combine("out", "diagnosands.csv")));
        }
        // Released: the folder is usable again, and the lock file is gone with the run.
        Assert.Equal(0, Cli.Run(RunArgs(file, tmp.Combine("out"))).ExitCode);
        Assert.False(File.Exists(tmp.Combine("out", FolderLock.FileName)));
    }

    [Fact]
    public void Links_in_the_output_folder_are_never_written_through()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        string victim = tmp.File("victim.txt", "precious");
        Directory.CreateDirectory(tmp.Combine("elsewhere"));
        Directory.CreateDirectory(tmp.Combine("out"));
        File.CreateSymbolicLink(tmp.Combine("out", RunState.TallyFile), victim);
        File.CreateSymbolicLink(tmp.Combine("out", "diagnosands.csv"), victim);
        Directory.CreateSymbolicLink(tmp.Combine("out", "plots"), tmp.Combine("elsewhere"));

        AssertRejected(Cli.Run(RunArgs(file, tmp.Combine("out"))), "a link");
        Assert.Equal("precious", File.ReadAllText(victim));

        // With --force the links are removed (not followed) and the run writes plain files of its own.
        CliResult forced = Cli.Run(["run", file, "--out", tmp.Combine("out"), "--replicates", "2000", "--threads", "2", "--force"]);
        Assert.True(forced.ExitCode == 0, forced.Stderr);
        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp.Combine("elsewhere")));
        Assert.Null(new FileInfo(tmp.Combine("out", RunState.TallyFile)).LinkTarget);
        Assert.Null(new DirectoryInfo(tmp.Combine("out", "plots")).LinkTarget);
    }

    [Fact]
    public void Detect_refuses_a_row_with_more_fields_than_the_header()
    {
        using var tmp = new TempFolder();
        string census = tmp.File("census.csv", "group,population\nWhite,1000000\nBlack,100000\n");
        string data = tmp.File("counts.csv", "group,referrals\nWhite,2,747\nBlack,80\n");
        CliResult r = Cli.Run("detect", data, "--census", census, "--reference", "White", "--out", tmp.Combine("out"));
        AssertRejected(r, $"{data}:2:3:");
        Assert.False(Directory.Exists(tmp.Combine("out")));
        // A spreadsheet's trailing empty field holds nothing, and is still accepted.
        string trailing = tmp.File("trailing.csv", "group,referrals\nWhite,500,\nBlack,80,\n");
        Assert.Equal(0, Cli.Run("detect", trailing, "--census", census, "--reference", "White", "--out", tmp.Combine("ok")).ExitCode);
    }

    [Fact]
    public void A_new_run_removes_the_previous_runs_report_and_plots()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        Assert.Equal(0, Cli.Run(RunArgs(file, tmp.Combine("out"), "--report", "--seed", "1")).ExitCode);
        Assert.True(File.Exists(tmp.Combine("out", "report.html")));
        Directory.CreateDirectory(tmp.Combine("out", "plots"));
        File.WriteAllText(tmp.Combine("out", "plots", "old.svg"), "<svg/>");
        Assert.Equal(0, Cli.Run(RunArgs(file, tmp.Combine("out"), "--seed", "2")).ExitCode);
        Assert.False(File.Exists(tmp.Combine("out", "report.html")));
        Assert.False(File.Exists(tmp.Combine("out", "report.md")));
        Assert.False(Directory.Exists(tmp.Combine("out", "plots")));
        Assert.Contains("\"seed\": 2", File.ReadAllText(tmp.Combine("out", "summary.json")));
    }

    // ---- Crashes ----

    private sealed class BrokenWriter : StringWriter
    {
        public override void WriteLine(string? value) => throw new InvalidOperationException("writer broke");
        public override void Write(string? value) => throw new InvalidOperationException("writer broke");
    }

    [Fact]
    public void An_unexpected_exception_exits_1_with_one_line_and_no_stack_trace()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        var stderr = new StringWriter();
        int code = CliApp.Run(["validate", file], new BrokenWriter(), stderr);
        Assert.Equal(ExitCodes.InternalError, code);
        string[] lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("biassim validate: internal error (InvalidOperationException: writer broke)", lines[0]);
        Assert.Contains("please report it", lines[0]);
    }

    [Fact]
    public void Guarded_yaml_in_the_sweep_section_and_in_set_values_fails_fast_and_cleanly()
    {
        using var tmp = new TempFolder();
        var bomb = new List<string> { "  description: [&a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (int i = 1; i < 10; i++) bomb.Add($"    , &a{i} [" + string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10)) + "]");
        string aliasBomb = tmp.File("bomb.yaml", Cli.Scenario + "\nsweep:\n" + string.Join("\n", bomb) + "]\n");
        string brackets = tmp.File("deep.yaml", Cli.Scenario + "\nsweep:\n  description: " + new string('[', 5000) + new string(']', 5000) + "\n");
        string good = tmp.File("good.yaml", Cli.Scenario);
        string nestedAliases = "[&a0 [x, x, x, x, x, x, x, x, x, x]" +
            string.Concat(Enumerable.Range(1, 9).Select(i => $", &a{i} [" + string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10)) + "]")) + "]";

        var clock = Stopwatch.StartNew();
        AssertRejected(Cli.Run("validate", aliasBomb), "expand to more than");
        AssertRejected(Cli.Run("sweep", aliasBomb, "--out", tmp.Combine("o1")), "expand to more than");
        AssertRejected(Cli.Run("validate", brackets), "nested more than 64 deep");
        AssertRejected(Cli.Run("validate", good, "--set", "description=" + new string('[', 20_000) + new string(']', 20_000)), "nested more than 64 deep");
        AssertRejected(Cli.Run("validate", good, "--set", "description=" + nestedAliases), "expand to more than");
        // Each took milliseconds; a hang took minutes.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Overrides_stored_in_a_resumed_runs_state_pass_the_same_guard()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        Assert.Equal(ExitCodes.Interrupted, Run(new CancellationToken(canceled: true), RunArgs(file, tmp.Combine("cut"))).ExitCode);
        string meta = tmp.Combine("cut", RunState.MetaFile);
        File.WriteAllText(meta, File.ReadAllText(meta).Replace("\"overrides\": []", $"\"overrides\": [\"description={new string('[', 20_000)}\"]"));
        AssertRejected(Cli.Run("run", "--resume", tmp.Combine("cut")), "nested more than 64 deep");
    }

    [Fact]
    public void A_long_sweep_line_is_not_mistaken_for_deep_nesting()
    {
        using var tmp = new TempFolder();
        string values = string.Join(", ", Enumerable.Range(0, 80).Select(i => (3000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(values.Length > 256);
        string file = tmp.File("long.yaml", Cli.Scenario + "\nsweep:\n  referrals.total: " + values + "\n");
        CliResult r = Cli.Run("validate", file);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("sweep of 80 design points", r.Stdout);
    }

    [Theory]
    [InlineData("alpha: 0.05", "alpha: 1e-16", "at least 1E-10")]
    [InlineData("total: 4000", "total: 9007199254740991", "more than the 1,230,000 people")]
    [InlineData("White: 1000000", "White: 9007199254740991", "of at most 10,000,000,000")]
    [InlineData("White: 1000000, Black", "White: 1000000, \"\": 5, Black", "an empty key")]
    [InlineData("Asian: 150000}", "all: 150000}", "'all' is reserved")]
    [InlineData("Asian: 150000}", "family-wise: 150000}", "'family-wise' is reserved")]
    [InlineData("Asian: 150000}", "\"As\\u001bian\": 150000}", "control character (U+001B)")]
    public void Values_that_crashed_later_or_slipped_through_are_rejected_at_validation(string find, string replace, string expected)
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario.Replace(find, replace));
        AssertRejected(Cli.Run("run", file, "--out", tmp.Combine("out"), "--no-plots"), expected);
        Assert.False(Directory.Exists(tmp.Combine("out")));
    }

    [Fact]
    public void A_folder_in_place_of_state_bin_is_an_error_not_a_crash()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        Assert.Equal(ExitCodes.Interrupted, Run(new CancellationToken(canceled: true), RunArgs(file, tmp.Combine("cut"))).ExitCode);
        File.Delete(tmp.Combine("cut", RunState.TallyFile));
        Directory.CreateDirectory(tmp.Combine("cut", RunState.TallyFile));
        AssertRejected(Cli.Run("run", "--resume", tmp.Combine("cut"), "--no-plots"), "is a folder");
        AssertRejected(Cli.Run(RunArgs(file, tmp.Combine("cut"))), "which BiasSim did not write");
    }

    [Fact]
    public void A_failed_checkpoint_append_is_a_clear_error()
    {
        // /dev/full fails every write with "no space left on device", as a full disk does.
        if (!File.Exists("/dev/full")) return;
        using var tmp = new TempFolder();
        var tally = new SegmentTally(0, 1, [], default);
        var e = Assert.Throws<UserInputException>(() => AppendTo("/dev/full", tmp, tally));
        Assert.Contains("cannot save a checkpoint", e.Message);
    }

    private static void AppendTo(string target, TempFolder tmp, SegmentTally tally)
    {
        // A link is refused before anything is written; a plain file on a full disk fails on write. Both are user errors.
        File.CreateSymbolicLink(tmp.Combine(RunState.TallyFile), target);
        RunState.Append(tmp.Path, tally);
    }

    // ---- Validation gaps ----

    [Fact]
    public void Detect_rejects_more_referrals_than_people_control_characters_reserved_names_and_a_tiny_alpha()
    {
        using var tmp = new TempFolder();
        string census = tmp.File("census.csv", "group,population\nWhite,1000\nBlack,100\nall,50\n");
        string data = tmp.File("counts.csv", "group,referrals\nWhite,500\nBlack,101\nall,1\n");
        CliResult r = Cli.Run("detect", data, "--census", census, "--reference", "White", "--alpha", "1e-20", "--out", tmp.Combine("out"));
        AssertRejected(r, "more than its census population of 100");
        Assert.Contains("'all' is reserved", r.Stderr);
        Assert.Contains("--alpha: found 1E-20, expected a significance level of at least 1E-10", r.Stderr);

        string control = tmp.File("control.csv", "group,referrals\nWhite,5\n\"Bl\u001b[2Jack\",1\n");
        AssertRejected(Cli.Run("detect", control, "--census", census, "--reference", "White", "--out", tmp.Combine("out")), "control character (U+001B)");
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        using var tmp = new TempFolder();
        // A wrong reference and a rate ratio for an unknown group: both, in one go.
        string file = tmp.File("s.yaml", Cli.Scenario.Replace("reference: White", "reference: Whyte").Replace("{Black: 1.4}", "{Blak: 1.4}"));
        CliResult r = Cli.Run("validate", file);
        AssertRejected(r, "population.reference");
        Assert.Contains("referrals.rate_ratios.Blak", r.Stderr);

        // detect: a bad count and a group missing from the census, both reported.
        string census = tmp.File("census.csv", "group,population\nWhite,1000000\nBlack,100000\n");
        string data = tmp.File("counts.csv", "group,referrals\nWhite,five\nMixed,80\nBlack,3\n");
        CliResult d = Cli.Run("detect", data, "--census", census, "--reference", "White", "--out", tmp.Combine("out"));
        AssertRejected(d, $"{data}:2:2: referrals: found 'five'");
        Assert.Contains("'Mixed' is not a group of the census", d.Stderr);
    }

    [Fact]
    public void A_semicolon_cell_is_quoted_so_semicolon_spreadsheets_do_not_run_a_formula()
    {
        Assert.Equal("\"x;=1+1\"", Csv.Cell("x;=1+1"));
        Assert.Equal("0.5", Csv.Cell("0.5"));
    }

    [Fact]
    public void A_device_or_pipe_as_the_scenario_is_refused_without_reading_it()
    {
        using var tmp = new TempFolder();
        string fifo = tmp.Combine("pipe.yaml");
        using (Process mkfifo = Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
        var clock = Stopwatch.StartNew();
        AssertRejected(Cli.Run("validate", "/dev/zero"), "not a regular file");
        AssertRejected(Cli.Run("validate", fifo), "not a regular file");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public void An_absurd_thread_count_is_refused()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        AssertRejected(Cli.Run("run", file, "--threads", "2000000", "--out", tmp.Combine("out")), "expected a whole number from 1 to 1024");
        AssertRejected(Cli.Run("sweep", file, "--set", "recording.missing.share=0.1,0.2", "--threads", "2000000", "--out", tmp.Combine("out")),
            "from 1 to 1024");
    }

    [Fact]
    public void Generate_replaces_only_its_own_datasets_and_never_the_scenario()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        string notes = tmp.File("notes.csv", "my,own\n1,2\n");
        AssertRejected(Cli.Run("generate", file, "--out", notes), "not a dataset BiasSim wrote");
        Assert.Equal("my,own\n1,2\n", File.ReadAllText(notes));
        AssertRejected(Cli.Run("generate", file, "--out", file, "--force"), "is the scenario file itself");
        Assert.Equal(Cli.Scenario, File.ReadAllText(file));

        string data = tmp.Combine("data.csv");
        Assert.Equal(0, Cli.Run("generate", file, "--out", data).ExitCode);
        Assert.Equal(0, Cli.Run("generate", file, "--out", data, "--seed", "5").ExitCode); // its own dataset: replaced
        Assert.Equal(0, Cli.Run("generate", file, "--out", notes, "--force").ExitCode);
        Assert.StartsWith(Records.DatasetWriter.HeaderPrefix, File.ReadAllText(notes));
    }

    [Fact]
    public void Ctrl_c_stops_generate_and_leaves_no_file_or_temporary_file()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        CliResult r = Run(new CancellationToken(canceled: true), "generate", file, "--out", tmp.Combine("d.csv"));
        Assert.Equal(ExitCodes.Interrupted, r.ExitCode);
        Assert.Equal(["s.yaml"], Directory.EnumerateFileSystemEntries(tmp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Report_out_refuses_a_folder_of_foreign_files()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        Assert.Equal(0, Cli.Run(RunArgs(file, tmp.Combine("run"))).ExitCode);
        Directory.CreateDirectory(tmp.Combine("docs"));
        File.WriteAllText(tmp.Combine("docs", "thesis.tex"), "mine");
        AssertRejected(Cli.Run("report", tmp.Combine("run"), "--out", tmp.Combine("docs"), "--no-plots"), "thesis.tex");
        Assert.False(File.Exists(tmp.Combine("docs", "report.html")));
    }

    [Fact]
    public void A_torn_checkpoint_record_does_not_make_merge_refuse_the_resumed_run()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        Assert.Equal(0, Cli.Run(RunArgs(file, tmp.Combine("whole"))).ExitCode);
        Assert.Equal(0, Cli.Run(RunArgs(file, tmp.Combine("crash"))).ExitCode);

        // A crash after the first segment, in the middle of writing the second (three segments of equal size).
        string state = tmp.Combine("crash", RunState.TallyFile);
        byte[] bytes = File.ReadAllBytes(state);
        int header = SegmentTallyCodec.ReadHeader(bytes)!.Value.Length;
        int record = (bytes.Length - header) / 3;
        File.WriteAllBytes(state, bytes[..(header + record + record / 2)]);
        CliResult resumed = Cli.Run("run", "--resume", tmp.Combine("crash"), "--no-plots");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);

        CliResult merged = Cli.Run("merge", tmp.Combine("crash"), "--out", tmp.Combine("merged"));
        Assert.True(merged.ExitCode == 0, merged.Stderr);
        Assert.Equal(File.ReadAllText(tmp.Combine("whole", "diagnosands.csv")), File.ReadAllText(tmp.Combine("merged", "diagnosands.csv")));
    }
}
