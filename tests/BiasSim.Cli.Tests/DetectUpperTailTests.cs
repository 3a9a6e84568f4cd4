using System.Globalization;

namespace BiasSim.Cli.Tests;

/// <summary><c>detect</c> writes p-values as upper tails, so a decisive test does not report p = 0.</summary>
public class DetectUpperTailTests
{
    [Fact]
    public void Missing_share_all_row_p_value_is_the_upper_tail_not_zero()
    {
        using var tmp = new TempFolder();
        // Force A: 300 recorded, 100 unknown; B: 100 recorded, 300 unknown. The 2 x 2 Pearson X^2 = n (ad - bc)^2 / (row and
        // column totals) = 800 (300 x 300 - 100 x 100)^2 / 400^4 = 200 on 1 df, p = erfc(sqrt(100)) = erfc(10) = 2.0885e-45
        // (closed form of the 1-df chi-square tail); 1 - CDF rounds it to 0.
        string data = tmp.File("counts.csv",
            "group,referrals,population,force\nWhite,200,600000,A\nBlack,100,50000,A\nUnknown,100,,A\nWhite,50,400000,B\nBlack,50,50000,B\nUnknown,300,,B\n");
        string outDir = tmp.Combine("out");
        CliResult r = Cli.Run("detect", data, "--reference", "White", "--detectors", "missing-share", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.Stderr);
        string line = File.ReadAllLines(Path.Combine(outDir, "detection.csv")).Single(l => l.StartsWith("missing-share,all,", StringComparison.Ordinal));
        string[] f = line.Split(',');
        Assert.Equal(200, double.Parse(f[5], CultureInfo.InvariantCulture), 9);
        double p = double.Parse(f[7], CultureInfo.InvariantCulture);
        double expected = MathNet.Numerics.SpecialFunctions.Erfc(10);
        Assert.True(Math.Abs(p / expected - 1) < 1e-9, $"p = {p:R}, expected erfc(10) = {expected:R}");
    }
}
