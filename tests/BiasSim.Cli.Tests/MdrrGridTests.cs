using System.Globalization;

namespace BiasSim.Cli.Tests;

public class MdrrGridTests
{
    [Fact]
    public void Mdrr_over_missing_shares_writes_one_row_per_value_and_draws_mdrr_against_the_share()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario);
        CliResult r = Cli.Run("mdrr", file, "--group", "Black", "--set", "recording.missing.share=0,0.4,0.8", "--replicates", "1000", "--out",
            tmp.Combine("m"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        string[] lines = File.ReadAllLines(tmp.Combine("m", "mdrr.csv"));
        Assert.StartsWith("recording.missing.share,detector,group,direction,power_target,mdrr,mdrr_lower,mdrr_upper,analytic_mdrr,replicates", lines[0]);
        Assert.Equal(4, lines.Length);
        // Losing more of the data can only raise the smallest detectable rate ratio. The steps (analytic MDRR 1.18,
        // 1.24, 1.42 here) are several Monte Carlo SEs apart: SE(log MDRR) = SE(power)/slope = 0.0126/2.4 to 0.0126/4.6,
        // at most 0.005, against log steps of 0.045 and 0.14.
        double[] mdrr = [.. lines.Skip(1).Select(l => double.Parse(l.Split(',')[5], CultureInfo.InvariantCulture))];
        Assert.True(mdrr[0] < mdrr[1] && mdrr[1] < mdrr[2], string.Join(", ", mdrr));
        Assert.True(File.Exists(tmp.Combine("m", "plots", "mdrr.png")));
        Assert.Contains("\"points\"", File.ReadAllText(tmp.Combine("m", "summary.json")));
    }
}

public class SummaryEchoTests
{
    [Fact]
    public void Summary_json_echoes_detector_options()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Cli.Scenario.Replace("detectors: [rate-ratio, chi-square]", "detectors: [chi-square, {rate-ratio: {adjust: holm}}]"));
        CliResult r = Cli.Run("run", file, "--out", tmp.Combine("o"), "--replicates", "100", "--no-plots");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(tmp.Combine("o", "summary.json")));
        var detectors = doc.RootElement.GetProperty("scenario").GetProperty("detectors");
        Assert.Equal("chi-square", detectors[0].GetString());
        Assert.Equal("holm", detectors[1].GetProperty("rate-ratio").GetProperty("adjust").GetString());
    }
}
