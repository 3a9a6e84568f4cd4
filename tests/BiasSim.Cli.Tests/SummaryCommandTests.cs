using System.Text.Json;

namespace BiasSim.Cli.Tests;

/// <summary>Every summary.json names the command that wrote it, so a reader never guesses a folder's kind from its files;
/// detect writes one too.</summary>
public class SummaryCommandTests
{
    private static string CommandOf(string folder)
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
        Assert.Equal("biassim", json.RootElement.GetProperty("tool").GetString());
        return json.RootElement.GetProperty("command").GetString()!;
    }

    [Fact]
    public void Run_sweep_mdrr_and_detect_each_write_a_summary_naming_their_command()
    {
        using var tmp = new TempFolder();
        string scenario = tmp.File("s.yaml", Cli.Scenario);
        string run = tmp.Combine("run"), sweep = tmp.Combine("sweep"), mdrr = tmp.Combine("mdrr"), detect = tmp.Combine("detect");
        Assert.Equal(0, Cli.Run("run", scenario, "--out", run, "--replicates", "200", "--no-plots", "--quiet").ExitCode);
        Assert.Equal(0, Cli.Run("sweep", scenario, "--set", "recording.missing.share=0.2,0.5", "--out", sweep, "--replicates", "200", "--quiet").ExitCode);
        Assert.Equal(0, Cli.Run("mdrr", scenario, "--group", "Black", "--out", mdrr, "--replicates", "500", "--quiet").ExitCode);
        string data = Path.Combine(Cli.RepoRoot, "scenarios", "data", "prevent-2024-25-counts.csv");
        string census = Path.Combine(Cli.RepoRoot, "scenarios", "data", "census-2021-ethnicity.csv");
        CliResult d = Cli.Run("detect", data, "--census", census, "--reference", "White", "--out", detect);
        Assert.True(d.ExitCode == 0, d.Stderr + d.Stdout);

        Assert.Equal("run", CommandOf(run));
        Assert.Equal("sweep", CommandOf(sweep));
        Assert.Equal("mdrr", CommandOf(mdrr));
        Assert.Equal("detect", CommandOf(detect));

        // detect's summary holds the same rows as detection.csv.
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(detect, "summary.json")));
        int csvRows = File.ReadAllLines(Path.Combine(detect, "detection.csv")).Length - 1;
        Assert.Equal(csvRows, json.RootElement.GetProperty("rows").GetArrayLength());

        // report reads the kind from the command and says what to do with a detect folder instead of guessing.
        CliResult r = Cli.Run("report", detect);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("biassim detect ... --report", r.Stderr);
    }
}
