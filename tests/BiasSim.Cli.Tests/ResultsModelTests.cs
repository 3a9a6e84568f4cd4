using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BiasSim.Cli.Report;
using BiasSim.Cli.Results;

namespace BiasSim.Cli.Tests;

/// <summary>
/// Each command's summary.json is one typed model (Cli/Results): what a command writes must deserialise into that type
/// and serialise back to the very same bytes, or a field would be lost on the way to 'biassim report'; and the report a
/// command renders from its in-memory results must equal the one 'biassim report' renders from the folder.
/// </summary>
public sealed class ResultsModelTests
{
    private static void AssertRoundTrip<T>(string folder, JsonTypeInfo<T> type)
    {
        string written = File.ReadAllText(Path.Combine(folder, "summary.json"));
        T model = JsonSerializer.Deserialize(written, type)!;
        Assert.Equal(written, ResultsJson.Serialize(model, type));
    }

    [Fact]
    public void Run_summary_round_trips_byte_for_byte_through_its_type()
    {
        using var tmp = new TempFolder();
        // religion.yaml has a second attribute, officer-assigned categories and not-estimable rows: most of the format.
        string folder = tmp.Combine("run");
        CliResult r = Cli.Run("run", Path.Combine(Cli.RepoRoot, "scenarios", "religion.yaml"), "--replicates", "300", "--quiet", "--no-plots",
            "--out", folder);
        Assert.True(r.ExitCode == 0, r.Stderr);
        AssertRoundTrip(folder, ResultsJson.Default.RunSummary);
        RunSummary summary = JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(folder, "summary.json")), ResultsJson.Default.RunSummary)!;
        Assert.Equal("run", summary.Command);
        Assert.Contains(summary.Rows, row => row.Attribute == "religion");
        Assert.Contains(summary.Rows, row => row.Distribution is not null);
    }

    [Fact]
    public void Sweep_and_mdrr_summaries_round_trip_byte_for_byte_through_their_types()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        string sweep = tmp.Combine("sweep"), mdrr = tmp.Combine("mdrr"), grid = tmp.Combine("grid");
        Assert.Equal(0, Cli.Run("sweep", file, "--set", "recording.missing.share=0.2,0.50", "--set", "recording.missing.mechanism=mcar",
            "--replicates", "200", "--quiet", "--no-plots", "--out", sweep).ExitCode);
        Assert.Equal(0, Cli.Run("mdrr", file, "--group", "Black", "--replicates", "200", "--quiet", "--out", mdrr).ExitCode);
        Assert.Equal(0, Cli.Run("mdrr", file, "--group", "Black", "--set", "recording.missing.share=0.3,0.6", "--replicates", "200", "--quiet",
            "--out", grid).ExitCode);
        AssertRoundTrip(sweep, ResultsJson.Default.SweepSummary);
        AssertRoundTrip(mdrr, ResultsJson.Default.MdrrSummary);
        AssertRoundTrip(grid, ResultsJson.Default.MdrrGridSummary);
        // A value is written as a JSON number and read back as the text of that number (0.50 is the number 0.5).
        SweepSummary s = JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(sweep, "summary.json")), ResultsJson.Default.SweepSummary)!;
        Assert.Equal(["0.2", "0.5"], s.Parameters[0].Values.ToArray());
        Assert.Single(s.Parameters); // a --set with one value is fixed, not swept
        Assert.Equal(["recording.missing.mechanism=mcar"], s.Overrides.ToArray());
    }

    [Fact]
    public void Detect_summary_round_trips_byte_for_byte_through_its_type()
    {
        using var tmp = new TempFolder();
        string folder = tmp.Combine("detect");
        string data = Path.Combine(Cli.RepoRoot, "scenarios", "data", "prevent-2024-25-counts.csv");
        string census = Path.Combine(Cli.RepoRoot, "scenarios", "data", "census-2021-ethnicity.csv");
        CliResult r = Cli.Run("detect", data, "--reference", "White", "--census", census, "--no-plots", "--out", folder);
        Assert.True(r.ExitCode == 0, r.Stderr);
        AssertRoundTrip(folder, ResultsJson.Default.DetectSummary);
        // Bounds have an open upper end where a group could hold every unrecorded referral: written "Infinity", read back.
        DetectSummary summary = JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(folder, "summary.json")), ResultsJson.Default.DetectSummary)!;
        Assert.Equal("detect", summary.Command);
        Assert.NotEmpty(summary.Rows);
    }

    [Fact]
    public void Report_rendered_by_run_from_memory_equals_report_rendered_from_the_folder()
    {
        using var tmp = new TempFolder();
        string folder = ReportFixtures.Run(tmp, "run", null, "--report");
        string again = tmp.Combine("again");
        CliResult r = Cli.Run("report", folder, "--out", again);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(File.ReadAllText(Path.Combine(folder, "report.md")), File.ReadAllText(Path.Combine(again, "report.md")));
        Assert.Equal(File.ReadAllText(Path.Combine(folder, "report.html")), File.ReadAllText(Path.Combine(again, "report.html")));
    }

    [Fact]
    public void Report_of_a_second_attribute_says_what_the_console_says()
    {
        // The report used to rebuild rows from summary.json without their attribute, so religion's rows read as ethnic
        // groups ("for No religion people (referred at the same rate as White people) ... could not measure"). The typed
        // row carries its attribute, and the report's words are the console's.
        using var tmp = new TempFolder();
        string folder = tmp.Combine("religion");
        CliResult r = Cli.Run("run", Path.Combine(Cli.RepoRoot, "scenarios", "religion.yaml"), "--replicates", "300", "--quiet", "--no-plots",
            "--out", folder);
        Assert.True(r.ExitCode == 0, r.Stderr);
        CliResult report = Cli.Run("report", folder, "--no-plots");
        Assert.True(report.ExitCode == 0, report.Stderr);
        string markdown = File.ReadAllText(Path.Combine(folder, "report.md"));
        const string unrecorded = "Religion is not recorded, so disproportionality by religion cannot be measured at all";
        Assert.Contains(unrecorded, r.Stdout);
        Assert.Contains(unrecorded, markdown);
        Assert.DoesNotContain("for No religion people", markdown);
        string verdict = r.Stdout.Split('\n').Single(line => line.StartsWith("Verdict: ", StringComparison.Ordinal));
        Assert.Contains("- " + verdict, markdown);
    }

    [Fact]
    public void Plots_drawn_by_sweep_from_memory_equal_plots_drawn_from_the_folder()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario), folder = tmp.Combine("sweep");
        CliResult sweep = Cli.Run("sweep", file, "--set", "recording.missing.share=0.2,0.8", "--replicates", "300", "--quiet", "--out", folder);
        Assert.True(sweep.ExitCode == 0, sweep.Stderr);
        ResultsFolder loaded = ResultsFolder.Load(folder);
        Assert.Equal(ResultsKind.Sweep, loaded.Kind);
        foreach (Plots.RenderedPlot plot in Plots.PlotSet.Draw(loaded))
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(folder, "plots", plot.FileStem + ".png")), plot.Png);
        }
    }

    [Fact]
    public void A_summary_whose_rows_are_not_diagnosand_rows_is_refused_with_the_field_named()
    {
        using var tmp = new TempFolder();
        string folder = ReportFixtures.Run(tmp, "run", null, "--no-plots");
        string path = Path.Combine(folder, "summary.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"flag_rate\": ", "\"flag_rate_was\": "));
        CliResult r = Cli.Run("report", folder, "--out", tmp.Combine("out"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("summary.json: not a BiasSim run summary at $.rows[0]: has no number in 'flag_rate'", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }
}
