namespace BiasSim.Cli.Tests;

/// <summary>The deprecated detector option validation_share still validates, and validate says once where it belongs now.</summary>
public class ValidationShareWarningTests
{
    private const string Old = """
        name: old-validation
        seed: 5
        population:
          reference: White
          groups: {White: 800000, Black: 100000}
        referrals: {total: 2000}
        recording:
          missing: {mechanism: mcar, share: 0.5}
          misclassification:
            matrix: {White: {White: 0.95, Black: 0.05}, Black: {White: 0.1, Black: 0.9}}
        detectors:
          - {misclassification-corrected: {validation_share: 0.2}}
        simulation: {replicates: 20}
        """;

    [Fact]
    public void Validate_prints_the_deprecation_once_and_succeeds()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("old.yaml", Old);
        CliResult r = Cli.Run("validate", file);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("valid", r.Stdout);
        string[] warnings = r.Stderr.Split('\n').Where(l => l.StartsWith("warning: ", StringComparison.Ordinal)).ToArray();
        string warning = Assert.Single(warnings);
        Assert.Contains($"{file}:12:", warning);
        Assert.Contains("recording.misclassification.validation_share", warning);
    }

    [Fact]
    public void The_new_key_validates_without_a_warning_and_can_be_set_from_the_command_line()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("new.yaml", Old.Replace("{misclassification-corrected: {validation_share: 0.2}}", "misclassification-corrected"));
        CliResult r = Cli.Run("validate", file, "--set", "recording.misclassification.validation_share=0.2");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.DoesNotContain("warning", r.Stderr);
    }
}
