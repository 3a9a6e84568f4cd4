using BiasSim.Core.Detectors;
using BiasSim.Core.Scenarios;
using MathNet.Numerics.Distributions;

namespace BiasSim.Core.Tests.Detectors;

public class DetectorArithmeticTests
{
    private static Scenario TwoGroups(long nRef, long nGroup, double alpha = 0.05) => TestScenarios.Load(FormattableString.Invariant($$"""
        name: arithmetic
        seed: 1
        population:
          reference: Ref
          groups: {Ref: {{nRef}}, G: {{nGroup}} }
        referrals: {total: 100}
        recording:
          missing: {mechanism: none}
        detectors: [rate-ratio]
        simulation:
          replicates: 1
          alpha: {{alpha}}
        """));

    [Fact]
    public void Katz_interval_matches_hand_derived_values()
    {
        // Katz et al. (1978): SE(log RR) = sqrt(1/a - 1/N1 + 1/c - 1/N2). By hand (python, math module):
        // a=30 of N1=1000, c=20 of N2=2000: RR = 0.03/0.01 = 3, SE = sqrt(1/30 - 1/1000 + 1/20 - 1/2000)
        // = 0.286065260619554, 95% CI = 3 exp(-/+ 1.959963984540054 x SE) = 1.7124664172991912 to 5.255577516196965.
        Scenario s = TwoGroups(nRef: 2000, nGroup: 1000);
        var detector = new RateRatioDetector(s.Population, [1.0, 1.0, 1.0, 1.0, 1.0], 0.05);
        var outcomes = new DetectorOutcome[1];
        detector.Evaluate(new RecordedCounts([20, 30], 0), outcomes);
        Assert.True(outcomes[0].Estimable);
        Assert.Equal(3.0, outcomes[0].Estimate, 12);
        Assert.Equal(1.7124664172991912, outcomes[0].Lower, 10);
        Assert.Equal(5.255577516196965, outcomes[0].Upper, 10);
        Assert.Equal(1, outcomes[0].Flag);
    }

    [Fact]
    public void Katz_flags_downwards_and_not_at_all()
    {
        Scenario s = TwoGroups(nRef: 2000, nGroup: 1000);
        var detector = new RateRatioDetector(s.Population, [1.0, 1.0, 1.0, 1.0, 1.0], 0.05);
        var outcomes = new DetectorOutcome[1];
        detector.Evaluate(new RecordedCounts([200, 20], 0), outcomes); // RR = 0.02/0.1 = 0.2
        Assert.Equal(-1, outcomes[0].Flag);
        detector.Evaluate(new RecordedCounts([20, 11], 0), outcomes); // RR = 1.1, tiny counts
        Assert.Equal(0, outcomes[0].Flag);
        Assert.True(outcomes[0].Lower < 1 && outcomes[0].Upper > 1);
    }

    [Theory]
    [InlineData(0, 20)]
    [InlineData(30, 0)]
    public void Zero_counts_are_not_estimable_and_never_flagged(long xGroup, long xRef)
    {
        Scenario s = TwoGroups(nRef: 2000, nGroup: 1000);
        var detector = new RateRatioDetector(s.Population, [1.0, 1.0, 1.0, 1.0, 1.0], 0.05);
        var outcomes = new DetectorOutcome[1];
        detector.Evaluate(new RecordedCounts([xRef, xGroup], 7), outcomes);
        Assert.False(outcomes[0].Estimable);
        Assert.Equal(0, outcomes[0].Flag);
    }

    [Fact]
    public void Chi_square_statistic_and_p_value_match_closed_form()
    {
        // Five equal census groups, observed 5, 8, 9, 8, 20 (n = 50, expected 10 each):
        // X^2 = (25 + 4 + 1 + 4 + 100) / 10 = 13.4 by hand. For even df the chi-square survival
        // function has the closed form exp(-x/2) sum_{i<df/2} (x/2)^i / i!, so with df = 4,
        // p = exp(-6.7) (1 + 6.7) = 0.009478021650585804 (independent of MathNet).
        Scenario s = TestScenarios.Load("""
            name: chi
            seed: 1
            population: {reference: A, groups: {A: 1000, B: 1000, C: 1000, D: 1000, E: 1000}}
            referrals: {total: 50}
            recording:
              missing: {mechanism: none}
            detectors: [chi-square]
            simulation: {replicates: 1}
            """);
        var detector = new ChiSquareDetector(s.Population, [1.0, 1.0, 1.0, 1.0, 1.0], 0.05);
        var outcomes = new DetectorOutcome[1];
        detector.Evaluate(new RecordedCounts([5, 8, 9, 8, 20], 0), outcomes);
        Assert.Equal(13.4, outcomes[0].Estimate, 12);
        Assert.Equal(4, detector.DegreesOfFreedom);
        Assert.Equal(0.009478021650585804, detector.PValue(13.4), 12);
        Assert.Equal(1 - ChiSquared.CDF(4, 13.4), detector.PValue(13.4), 14);
        // Far in the tail the p-value is computed, not rounded to 0: closed form exp(-x/2)(1 + x/2) at x = 200.
        Assert.Equal(Math.Exp(-100) * 101, detector.PValue(200), 1e-50);
        Assert.Equal(1, outcomes[0].Flag);

        // The Monte Carlo path flags by the critical value; it must agree with p < alpha at the boundary.
        Assert.Equal(0.05, detector.PValue(detector.CriticalValue), 10);
        detector.Evaluate(new RecordedCounts([10, 10, 10, 10, 10], 0), outcomes);
        Assert.Equal(0.0, outcomes[0].Estimate);
        Assert.Equal(0, outcomes[0].Flag);
    }

    [Fact]
    public void Chi_square_with_nothing_recorded_is_not_estimable()
    {
        Scenario s = TwoGroups(2000, 1000);
        var detector = new ChiSquareDetector(s.Population, [1.0, 1.0, 1.0, 1.0, 1.0], 0.05);
        var outcomes = new DetectorOutcome[1];
        detector.Evaluate(new RecordedCounts([0, 0], 40), outcomes);
        Assert.False(outcomes[0].Estimable);
        Assert.Equal(0, outcomes[0].Flag);
    }
}
