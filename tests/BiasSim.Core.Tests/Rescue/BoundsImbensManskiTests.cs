using BiasSim.Core.Detectors;
using BiasSim.Core.Diagnosands;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;
using MathNet.Numerics.Distributions;

namespace BiasSim.Core.Tests.Rescue;

/// <summary>
/// The bounds detector's interval is Imbens and Manski's (2004, Econometrica 72:1845-1857) confidence interval for a
/// partially identified rate ratio, not the bare identification bounds.
/// </summary>
public class BoundsImbensManskiTests
{
    [Theory]
    [InlineData(0.05)]
    [InlineData(0.01)]
    public void Critical_value_reaches_its_closed_form_limits(double alpha)
    {
        // Delta = 0: a point is identified, Phi(c) - Phi(-c) = 1 - alpha, so c = z_{1-alpha/2}.
        Assert.Equal(Normal.InvCDF(0, 1, 1 - alpha / 2), BoundsDetector.ImbensManskiCritical(0, 0.1, alpha), 12);
        // Delta / se -> infinity: only one end can be crossed, Phi(c) = 1 - alpha, so c = z_{1-alpha}. At Delta/se = 40
        // the second tail Q(c + 40) is below 1e-300, so the limit holds to rounding.
        Assert.Equal(Normal.InvCDF(0, 1, 1 - alpha), BoundsDetector.ImbensManskiCritical(4, 0.1, alpha), 12);
        Assert.Equal(Normal.InvCDF(0, 1, 1 - alpha), BoundsDetector.ImbensManskiCritical(double.PositiveInfinity, 0.1, alpha), 12);
    }

    [Theory]
    [InlineData(0.05, 0.01)]
    [InlineData(0.05, 0.5)]
    [InlineData(0.05, 1.0)]
    [InlineData(0.05, 3.0)]
    [InlineData(0.10, 0.7)]
    [InlineData(0.01, 2.0)]
    public void Critical_value_solves_the_defining_equation(double alpha, double ratio)
    {
        // Checked with MathNet's Normal.CDF (the detector solves with erfc upper tails and Newton steps), and against the
        // bracket z_{1-alpha} < c < z_{1-alpha/2} that Imbens and Manski state for 0 < Delta < infinity.
        double c = BoundsDetector.ImbensManskiCritical(ratio * 0.2, 0.2, alpha);
        Assert.Equal(1 - alpha, Normal.CDF(0, 1, c + ratio) - Normal.CDF(0, 1, -c), 12);
        Assert.InRange(c, Normal.InvCDF(0, 1, 1 - alpha), Normal.InvCDF(0, 1, 1 - alpha / 2));
    }

    [Fact]
    public void Interval_on_given_counts_matches_the_hand_computation()
    {
        // x_ref = 20 of 2000, x_g = 30 of 1000, 50 unknown. Bounds L = (30/1000)/(70/2000) = 6/7, U = (80/1000)/(20/2000) = 8.
        // Katz SEs: SE_L = sqrt(1/30 - 1/1000 + 1/70 - 1/2000), SE_U = sqrt(1/80 - 1/1000 + 1/20 - 1/2000);
        // c solves the IM equation with Delta = ln 8 - ln(6/7) (checked above); interval [L e^{-c SE_L}, U e^{c SE_U}].
        Scenario s = TestScenarios.TwoGroupBaseRate(2000, 1000, 0.01, 1.0, 0.5, 1, 1);
        var detector = new BoundsDetector(new GroupComparison(s.Population, [1.0, 1.0], 0.05));
        var o = new DetectorOutcome[1];
        detector.Evaluate(new RecordedCounts([20, 30], 50), o);
        double seL = Math.Sqrt(1.0 / 30 - 1.0 / 1000 + 1.0 / 70 - 1.0 / 2000);
        double seU = Math.Sqrt(1.0 / 80 - 1.0 / 1000 + 1.0 / 20 - 1.0 / 2000);
        double c = BoundsDetector.ImbensManskiCritical(Math.Log(8 / (6.0 / 7)), Math.Max(seL, seU), 0.05);
        Assert.Equal(6.0 / 7 * Math.Exp(-c * seL), o[0].Lower, 12);
        Assert.Equal(8 * Math.Exp(c * seU), o[0].Upper, 12);
        Assert.Equal(Math.Sqrt(6.0 / 7 * 8), o[0].Estimate, 12);
        Assert.Equal(0, o[0].Flag);

        // x_g = 300, 5 unknown: L = (300/1000)/(25/2000) = 24, SE_L = sqrt(1/300 - 1/1000 + 1/25 - 1/2000) = 0.2057, so even
        // with c = 1.96 the interval starts at 24 e^{-0.403} = 16 > 1: flagged up.
        detector.Evaluate(new RecordedCounts([20, 300], 5), o);
        Assert.Equal(1, o[0].Flag);
        Assert.True(o[0].Lower > 1);
    }

    [Fact]
    public void Group_with_no_recorded_referral_is_estimable_with_lower_end_zero()
    {
        // x_g = 0 of 1000, x_ref = 1000 of 2000, 3 unknown: identified set [0, U], U = (3/1000)/(1000/2000) = 0.006,
        // SE_U = sqrt(1/3 - 1/1000 + 1/1000 - 1/2000); Delta is infinite so c = z_{0.95} = 1.6449;
        // upper end 0.006 e^{1.6449 x 0.5769} = 0.0155 < 1: the data show g is referred less, whatever the unknown are.
        Scenario s = TestScenarios.TwoGroupBaseRate(2000, 1000, 0.01, 1.0, 0.5, 1, 1);
        var detector = new BoundsDetector(new GroupComparison(s.Population, [1.0, 1.0], 0.05));
        var o = new DetectorOutcome[1];
        detector.Evaluate(new RecordedCounts([1000, 0], 3), o);
        Assert.True(o[0].Estimable);
        Assert.Equal(0, o[0].Lower);
        double seU = Math.Sqrt(1.0 / 3 - 1.0 / 1000 + 1.0 / 1000 - 1.0 / 2000);
        Assert.Equal(0.006 * Math.Exp(Normal.InvCDF(0, 1, 0.95) * seU), o[0].Upper, 12);
        Assert.Equal(0.006, o[0].Estimate, 12);
        Assert.Equal(-1, o[0].Flag);

        // With nothing recorded as g and nothing unknown there is nothing to bound; with no reference, U is infinite.
        detector.Evaluate(new RecordedCounts([1000, 0], 0), o);
        Assert.False(o[0].Estimable);
        detector.Evaluate(new RecordedCounts([0, 10], 3), o);
        Assert.False(o[0].Estimable);
    }

    [Fact]
    public void False_alarm_rate_under_one_percent_mcar_is_at_most_alpha()
    {
        // No true disproportionality, 1% MCAR: the identified set [L, U] is narrow (about 0.14 wide on the log scale for
        // Black) and sampling error alone put a bare identification interval wholly on one side of 1 in about 40% of
        // replicates. The Imbens-Manski interval covers every point of the identified set, so also the truth 1, with
        // probability at least 1 - alpha. Tolerance: the flag rate is a binomial share of R = 2000 replicates, so its
        // MC SE at rate alpha is sqrt(alpha (1 - alpha) / R) = 0.0049; the check is rate <= alpha + 4 SE (seed fixed).
        Scenario s = TestScenarios.Load("""
            name: bounds-null
            seed: 2004
            population:
              reference: White
              groups: {White: 1000000, Black: 100000, Asian: 200000}
            referrals: {total: 5000}
            recording:
              missing: {mechanism: mcar, share: 0.01}
            detectors: [bounds]
            simulation: {replicates: 2000, alpha: 0.05}
            """);
        SimulationResult result = MonteCarloRunner.Run(s, new RunSettings(2000, s.Seed, 2));
        const double alpha = 0.05;
        foreach (DiagnosandRow row in result.Rows.Where(r => r.Detector == BoundsDetector.DetectorName && r.Group is "Black" or "Asian"))
        {
            Assert.Equal(2000, row.Estimable);
            double tolerance = 4 * Math.Sqrt(alpha * (1 - alpha) / row.Estimable);
            Assert.True(row.FlagRate <= alpha + tolerance, $"{row.Group}: false-alarm rate {row.FlagRate:F4} > alpha + 4 SE = {alpha + tolerance:F4}");
            // Coverage of the truth (1, inside the identified set) is at least 1 - alpha, to the same tolerance.
            Assert.True(row.Coverage >= 1 - alpha - tolerance, $"{row.Group}: coverage {row.Coverage:F4}");
        }
    }
}
