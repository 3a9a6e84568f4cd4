using System.Globalization;
using System.Text.Json;

namespace BiasSim.Cli.Tests;

public class MdrrCommandTests
{
    private static readonly string[] ContractColumns =
        ["detector", "group", "direction", "power_target", "mdrr", "mdrr_lower", "mdrr_upper", "analytic_mdrr", "replicates"];

    [Fact]
    public void Mdrr_writes_mdrr_csv_with_the_contract_columns_and_a_plain_sentence()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        string outDir = tmp.Combine("out");
        CliResult r = Cli.Run("mdrr", file, "--group", "Black", "--replicates", "2000", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("", r.Stderr);

        string[] lines = File.ReadAllLines(Path.Combine(outDir, "mdrr.csv"));
        Assert.Equal(2, lines.Length);
        string[] header = lines[0].Split(',');
        Assert.Equal(ContractColumns, header.Take(ContractColumns.Length));
        Assert.Contains("power_at_mdrr", header);
        Assert.Contains("evaluations", header);
        string[] row = lines[1].Split(',');
        string Cell(string name) => row[Array.IndexOf(header, name)];
        double Num(string name) => double.Parse(Cell(name), CultureInfo.InvariantCulture);
        Assert.Equal(["rate-ratio", "Black", "up", "0.8"], row.Take(4));
        Assert.Equal("2000", Cell("replicates"));
        Assert.True(Num("mdrr") > 1 && Num("mdrr_lower") < Num("mdrr") && Num("mdrr") < Num("mdrr_upper"));
        // ~400 recorded referrals, 60% missing: the Katz normal approximation is close to the simulated root.
        Assert.InRange(Num("analytic_mdrr") / Num("mdrr"), 0.93, 1.07);
        Assert.InRange(Num("evaluations"), 3, 30);

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        Assert.Equal(Num("evaluations"), json.RootElement.GetProperty("power_curve").GetArrayLength());
        Assert.True(File.Exists(Path.Combine(outDir, "scenario.yaml")));

        Assert.Matches(
            @"With 60% of ethnicity unrecorded, the smallest true over-referral of Black people that audits flag as over-referral in 80 of 100 " +
            @"is a rate ratio of \d\.\d{2,3} \(95% MC interval \d\.\d{2,3} to \d\.\d{2,3}\)\.", r.Stdout);
    }

    [Fact]
    public void Mdrr_down_and_with_set()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        CliResult r = Cli.Run("mdrr", file, "--group", "Asian", "--direction", "down", "--power", "0.5", "--set", "recording.missing.share=0.2",
            "--replicates", "1000", "--out", tmp.Combine("o"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        string[] row = File.ReadAllLines(tmp.Combine("o", "mdrr.csv"))[1].Split(',');
        Assert.Equal(["rate-ratio", "Asian", "down", "0.5"], row.Take(4));
        Assert.True(double.Parse(row[4], CultureInfo.InvariantCulture) < 1);
        Assert.Contains("With 20% of ethnicity unrecorded, the smallest true under-referral of Asian people that audits flag as under-referral in 50 of 100",
            r.Stdout);
    }

    [Theory]
    [InlineData(new[] { "--group", "Blakc" }, "--group: 'Blakc' is not a group in the scenario (did you mean 'Black'?), expected one of: Black, Asian")]
    [InlineData(new[] { "--group", "White" }, "--group: 'White' is the reference group")]
    [InlineData(new[] { "--group", "Black", "--power", "1.5" }, "--power: found 1.5, expected a power strictly between 0 and 1")]
    [InlineData(new[] { "--group", "Black", "--power", "0" }, "--power: found 0, expected a power strictly between 0 and 1")]
    [InlineData(new[] { "--group", "Black", "--detector", "chi-square" }, "--detector: 'chi-square' gives no rate ratio per group")]
    [InlineData(new[] { "--group", "Black", "--direction", "sideways" }, "sideways")]
    [InlineData(new[] { "--power", "0.8" }, "--group")]
    public void Bad_mdrr_requests_exit_2_with_no_output(string[] options, string fragment)
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        CliResult r = Cli.Run(["mdrr", file, "--out", tmp.Combine("o"), .. options]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(fragment, r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.False(Directory.Exists(tmp.Combine("o")));
    }
}
