using System.Text.Json;

namespace BiasSim.Cli.Tests;

/// <summary>A degenerate detector's warning reaches the user once (validate: stderr; run: the console report) and summary.json.</summary>
public class DegenerateWarningCliTests
{
    private const string Scenario = """
        name: no-strata
        seed: 3
        population:
          reference: White
          groups: {White: 800000, Black: 100000}
        referrals: {total: 2000}
        recording:
          missing: {mechanism: mcar, share: 0.5}
        detectors: [rate-ratio, ipw]
        simulation: {replicates: 200}
        """;

    [Fact]
    public void Run_prints_it_once_and_writes_it_into_summary_json()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Scenario);
        CliResult validate = Cli.Run("validate", file);
        Assert.Equal(0, validate.ExitCode);
        Assert.Single(validate.Stderr.Split('\n'), l => l.Contains("ipw: no 'by' is given", StringComparison.Ordinal));

        CliResult run = Cli.Run("run", file, "--no-plots", "-q", "-o", tmp.Combine("o"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        int mentions = (run.Stdout + run.Stderr).Split('\n').Count(l => l.Contains("ipw: no 'by' is given", StringComparison.Ordinal));
        Assert.Equal(1, mentions);
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(tmp.Combine("o", "summary.json")));
        string[] warnings = [.. summary.RootElement.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!)];
        string warning = Assert.Single(warnings, w => w.Contains("ipw: no 'by' is given", StringComparison.Ordinal));
        Assert.Contains("s.yaml:9:", warning);
    }

    [Fact]
    public void Sweep_and_mdrr_print_it_once_and_write_it_into_summary_json()
    {
        // Every design point shares the scenario's warning: it is said once, not once per point, and never left out.
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Scenario);
        CliResult sweep = Cli.Run("sweep", file, "--set", "recording.missing.share=0.3,0.6", "--no-plots", "-q", "-o", tmp.Combine("sweep"));
        Assert.True(sweep.ExitCode == 0, sweep.Stderr);
        CliResult grid = Cli.Run("mdrr", file, "--group", "Black", "--set", "recording.missing.share=0.3,0.6", "-r", "200", "-q", "-o", tmp.Combine("grid"));
        Assert.True(grid.ExitCode == 0, grid.Stderr);
        CliResult single = Cli.Run("mdrr", file, "--group", "Black", "-r", "200", "-q", "-o", tmp.Combine("single"));
        Assert.True(single.ExitCode == 0, single.Stderr);
        foreach (var (result, folder) in new[] { (sweep, "sweep"), (grid, "grid"), (single, "single") })
        {
            Assert.Equal(1, (result.Stdout + result.Stderr).Split('\n').Count(l => l.Contains("ipw: no 'by' is given", StringComparison.Ordinal)));
            using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(tmp.Combine(folder, "summary.json")));
            string[] warnings = [.. summary.RootElement.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!)];
            Assert.Single(warnings, w => w.Contains("ipw: no 'by' is given", StringComparison.Ordinal) && w.Contains("s.yaml:9:"));
        }
    }
}
