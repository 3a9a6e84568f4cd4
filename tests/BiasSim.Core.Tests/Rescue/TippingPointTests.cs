using BiasSim.Core.Detectors;
using BiasSim.Core.Diagnosands;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;
using MathNet.Numerics.Distributions;

namespace BiasSim.Core.Tests.Rescue;

/// <summary>tipping-point reports the recording ratio at which the complete-case finding stops being significant.</summary>
public class TippingPointTests
{
    private static readonly Population Census = new("White",
        [new PopulationGroup("White", 1_000_000), new PopulationGroup("Black", 100_000), new PopulationGroup("Asian", 200_000)]);

    [Fact]
    public void Tipping_point_is_the_katz_end_nearest_one_on_given_counts()
    {
        // Hand-derived (as in DetectCommandTests): White 500, Black 80, Asian 120 recorded. RR_Black = 1.6, SE = 0.120370262108213,
        // Katz 95% interval 1.26374843213136 to 2.02571962497509: flagged up, tipping point = the lower end 1.2637.
        // RR_Asian = 1.2, interval 0.98328 to 1.46448: not significant, so no tipping point (estimate 1, not flagged).
        // Black 20 recorded instead: RR 0.4, SE = sqrt(1/20 - 1/100,000 + 1/500 - 1/1,000,000), flagged down, tipping point
        // = the upper end 0.4 e^{1.96 SE}.
        var detector = new TippingPointDetector(new GroupComparison(Census, [1.0, 1.0, 1.0], 0.05), [1.0, 0.7, 0.9]);
        Assert.False(detector.JudgesDisproportionality);
        Assert.Equal(0.7, detector.TrueValue(0));
        var o = new DetectorOutcome[2];
        detector.Evaluate(new RecordedCounts([500, 80, 120], 250), o);
        Assert.Equal(1, o[0].Flag);
        Assert.Equal(1.2637484321313635, o[0].Estimate, 12);
        Assert.Equal(Math.Log(o[0].Estimate), o[0].LogEstimate, 12);
        Assert.Equal(1.2637484321313635, o[0].Lower, 12);
        Assert.Equal(2.0257196249750873, o[0].Upper, 12);
        Assert.Equal(3.9046490471475437, o[0].Z, 10);
        // The defining property: corrected by the tipping point, the finding sits exactly at the critical value.
        double z = Normal.InvCDF(0, 1, 0.975);
        Assert.Equal(z, (Math.Log(1.6) - o[0].LogEstimate) / 0.120370262108213, 9);
        Assert.Equal(0, o[1].Flag);
        Assert.Equal(1.0, o[1].Estimate);
        Assert.Equal(0.9832844613606322, o[1].Lower, 12);
        Assert.Equal(1.4644795647511624, o[1].Upper, 12);

        detector.Evaluate(new RecordedCounts([500, 20, 120], 250), o);
        double se = Math.Sqrt(1.0 / 20 - 1.0 / 100_000 + 1.0 / 500 - 1.0 / 1_000_000);
        Assert.Equal(-1, o[0].Flag);
        Assert.Equal(0.4 * Math.Exp(z * se), o[0].Estimate, 12);
        Assert.Equal(o[0].Upper, o[0].Estimate, 12);
    }

    [Fact]
    public void Coverage_is_the_share_of_audits_the_actual_recording_explains_away()
    {
        // Independent binomial counts (base rate), MCAR 50%: the actual recording ratio is 1 and the true RR 1.03, so the
        // recording explains the finding away exactly when the complete-case Katz interval holds 1. Two checks:
        // (1) per replicate that is the complement of rate-ratio's flag, so coverage = 1 - rate-ratio's flag rate exactly;
        // (2) closed form (normal approximation of the log rate ratio, Katz variance exact for binomial counts):
        //     E X_ref = 4e6 x 0.01 x 0.5 = 20,000, E X_g = 1e6 x 0.0103 x 0.5 = 5,150,
        //     SE = sqrt(1/5150 - 1/1e6 + 1/20000 - 1/4e6), delta = ln 1.03 / SE, coverage = Phi(z - delta) - Phi(-z - delta).
        // Tolerance 4 MC SE with SE = sqrt(c (1 - c) / R), R = 2000 (0.045); the approximation error at 5,000 counts is
        // of order 1/sqrt(5150) x skew, far below that.
        Scenario s = TestScenarios.Load("""
            name: tip-mcar
            seed: 1303
            population:
              reference: Ref
              groups: {Ref: 4000000, G: 1000000}
            referrals:
              base_rate: 0.01
              rate_ratios: {G: 1.03}
            recording:
              missing: {mechanism: mcar, share: 0.5}
            detectors: [rate-ratio, tipping-point]
            simulation: {replicates: 2000}
            """);
        SimulationResult result = MonteCarloRunner.Run(s, new RunSettings(2000, s.Seed, 2));
        DiagnosandRow tip = result.Rows.Single(r => r.Detector == TippingPointDetector.DetectorName && r.Group == "G");
        DiagnosandRow cc = result.Rows.Single(r => r.Detector == RateRatioDetector.DetectorName && r.Group == "G");
        Assert.Equal(1.0, tip.TrueRateRatio!.Value, 12);
        Assert.Equal(1 - cc.FlagRate, tip.Coverage!.Value, 12);

        double se = Math.Sqrt(1 / 5150.0 - 1 / 1e6 + 1 / 20000.0 - 1 / 4e6);
        double delta = Math.Log(1.03) / se, z = Normal.InvCDF(0, 1, 0.975);
        double expected = Normal.CDF(0, 1, z - delta) - Normal.CDF(0, 1, -z - delta);
        double tolerance = 4 * Math.Sqrt(expected * (1 - expected) / 2000);
        Assert.True(Math.Abs(tip.Coverage.Value - expected) <= tolerance, $"coverage {tip.Coverage:F4} vs closed form {expected:F4} +- {tolerance:F4}");
        // Flagged replicates carry a tipping point beyond 1 in the flagged direction; the rest report 1.
        Assert.Equal(cc.FlagRate, tip.FlagRate, 12);
    }
}
