using BiasSim.Core.Detectors;
using BiasSim.Core.Engine;
using MathNet.Numerics.Distributions;

namespace BiasSim.Core.Tests.Detectors;

/// <summary>p-values are upper tails computed directly, so a decisive test reports p = 1e-45, not 0.</summary>
public class UpperTailPValueTests
{
    [Fact]
    public void Missing_share_all_row_reports_a_tiny_p_value_instead_of_zero()
    {
        // Three forces, 400 referrals each: unknown 100, 300 and 200. Overall share 0.5, so the expected unknown count is
        // 200 per force and Pearson's X^2 = sum over both columns of d^2/e = 2 x (100^2 + 100^2 + 0) / 200 = 200 on 2 df.
        // With 2 df the chi-square upper tail has the closed form exp(-X^2/2) = exp(-100) = 3.72e-44; 1 - CDF gives 0.
        var strata = new StratifiedCounts(3, 2);
        long[] recorded = [150, 150, 50, 50, 100, 100]; // force-major: White, Black
        recorded.CopyTo(strata.Recorded, 0);
        strata.Unknown[0] = 100; strata.Unknown[1] = 300; strata.Unknown[2] = 200;
        var detector = new MissingShareDetector(["A", "B", "C"], [0, 1, 2], [1.0, 1.0, 1.0], 1.0, 0.05);
        var o = new DetectorOutcome[4];
        detector.Evaluate(new RecordedCounts([300, 300], 600) { Strata = strata }, o);
        Assert.Equal(200, o[3].Estimate, 10);
        Assert.Equal(2, detector.DegreesOfFreedom);
        Assert.Equal(0.0, 1 - ChiSquared.CDF(2, o[3].Estimate)); // what the old code reported
        double p = detector.PValue(o[3].Estimate);
        Assert.True(Math.Abs(p / Math.Exp(-100) - 1) < 1e-10, $"p = {p:R}, expected exp(-100) = {Math.Exp(-100):R}");
    }

    [Fact]
    public void Normal_and_t_p_values_of_extreme_statistics_stay_positive()
    {
        // z = 12: two-sided normal p = erfc(12 / sqrt 2) = 3.55e-33 (Abramowitz and Stegun 26.2.12 asymptotics give
        // 2 phi(12)/12 (1 - 1/144 + 3/144^2) = 3.5529e-33); with t on 50 df the p-value is larger but still far below 1e-16.
        var normal = new DetectorOutcome { Estimable = true, Z = 12, Df = double.PositiveInfinity, LogEstimate = 1 };
        double expected = 2 * Normal.PDF(0, 1, 12) / 12 * (1 - 1.0 / 144 + 3.0 / (144 * 144) - 15.0 / (144.0 * 144 * 144));
        Assert.True(Math.Abs(MultipleComparisons.PValue(normal) / expected - 1) < 1e-6);
        var t = normal with { Df = 50 };
        double pt = MultipleComparisons.PValue(t);
        Assert.InRange(pt, 1e-30, 1e-12);
    }
}
