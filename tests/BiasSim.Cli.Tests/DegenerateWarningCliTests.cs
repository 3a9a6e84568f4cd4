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
}
