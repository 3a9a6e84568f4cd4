using BiasSim.Core.Diagnosands;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;
using BiasSim.Core.Tests.Support;
using MathNet.Numerics.Distributions;

namespace BiasSim.Core.Tests.Engine;

/// <summary>
/// The simulator's flag rates against exact power computed by enumeration: the sum, over the joint pmf of
/// the recorded counts, of the detector's flag indicator (re-implemented from the formulas in
/// <see cref="ExactEnumeration"/>, not calling the detector). Tolerance: 4 Monte Carlo SE, sqrt(p(1-p)/R)
/// floored at one event in R (<see cref="McTolerance.RateSe"/>).
/// </summary>
public class ExactPowerTests
{
    [Theory]
    [InlineData(1.0, 0.0, 101UL)]
    [InlineData(1.25, 0.0, 102UL)]
    [InlineData(1.25, 0.65, 103UL)]
    [InlineData(0.7, 0.5, 104UL)]
    public void Base_rate_flag_rates_match_exact_enumeration(double rr, double share, ulong seed)
    {
        const long nRef = 200_000, nG = 20_000;
        const double baseRate = 0.005;
        const int replicates = 20_000;
        // With base_rate, Y_g ~ Bin(N_g, b RR_g) and MCAR thinning gives X_g ~ Bin(N_g, b RR_g (1 - s)), independent by group.
        double qRef = baseRate * (1 - share), qG = baseRate * rr * (1 - share);
        var exact = ExactEnumeration.KatzFlagProbability(
            from r in ExactEnumeration.Binomial(nRef, qRef) from g in ExactEnumeration.Binomial(nG, qG) select (r.K, g.K, r.P * g.P), nRef, nG);

        Scenario s = TestScenarios.TwoGroupBaseRate(nRef, nG, baseRate, rr, share, replicates, seed);
        DiagnosandRow row = MonteCarloRunner.Run(s, new RunSettings(replicates, s.Seed, 2)).Rows.Single();

        McTolerance.RateWithin4Se(exact.Up, row.FlagUpRate!.Value, replicates, "FlagUpRate", floorAtOneEvent: true);
        McTolerance.RateWithin4Se(exact.Down, row.FlagDownRate!.Value, replicates, "FlagDownRate", floorAtOneEvent: true);
        McTolerance.RateWithin4Se(exact.Up + exact.Down, row.FlagRate, replicates, "FlagRate", floorAtOneEvent: true);
    }

    [Fact]
    public void Total_mode_flag_rate_matches_exact_enumeration_of_the_multinomial()
    {
        // With total T, (X_ref, X_G, X_other, unknown) ~ Multinomial(T, pi (1 - s), s), so
        // X_G ~ Bin(T, a) and X_ref | X_G ~ Bin(T - X_G, b / (1 - a)), a = pi_G (1 - s), b = pi_ref (1 - s).
        const long nRef = 1_000_000, nG = 100_000, nOther = 200_000, total = 3000;
        const double rr = 1.3, share = 0.5;
        const int replicates = 20_000;
        double weight = nRef + nG * rr + nOther;
        double a = nG * rr / weight * (1 - share), b = nRef / weight * (1 - share);
        var exact = ExactEnumeration.KatzFlagProbability(ExactEnumeration.TwoCellsOfMultinomial(total, a, b), nRef, nG);

        Scenario s = TestScenarios.Load(FormattableString.Invariant($$"""
            name: total-mode
            seed: 555
            population:
              reference: Ref
              groups: {Ref: {{nRef}}, G: {{nG}}, Other: {{nOther}} }
            referrals:
              total: {{total}}
              rate_ratios: {G: {{rr}} }
            recording:
              missing: {mechanism: mcar, share: {{share}} }
            detectors: [rate-ratio]
            simulation:
              replicates: {{replicates}}
            """));
        DiagnosandRow row = MonteCarloRunner.Run(s, new RunSettings(replicates, s.Seed, 2)).Rows.Single(r => r.Group == "G");
        Assert.InRange(exact.Up, 0.2, 0.9); // a setting where power is informative, not 0 or 1
        McTolerance.RateWithin4Se(exact.Up, row.FlagUpRate!.Value, replicates, "FlagUpRate", floorAtOneEvent: true);
        McTolerance.RateWithin4Se(exact.Down, row.FlagDownRate!.Value, replicates, "FlagDownRate", floorAtOneEvent: true);
    }

    [Fact]
    public void Chi_square_false_alarm_rate_matches_exact_enumeration()
    {
        // Two groups in census shares 0.8/0.2 and no disproportionality: enumerate (X_ref, X_G) as in the
        // total-mode test and apply Pearson's X^2 with df = 1 and the 0.95 quantile 3.841458820694124.
        const long nRef = 800_000, nG = 200_000, total = 400;
        const double share = 0.3;
        const int replicates = 20_000;
        double a = 0.2 * (1 - share), b = 0.8 * (1 - share);
        double exact = 0;
        foreach (var (xRef, xG, p) in ExactEnumeration.TwoCellsOfMultinomial(total, a, b))
        {
            long n = xG + xRef;
            if (n == 0) continue;
            double eG = 0.2 * n, eR = 0.8 * n;
            double x2 = (xG - eG) * (xG - eG) / eG + (xRef - eR) * (xRef - eR) / eR;
            if (x2 > 3.841458820694124) exact += p;
        }
        Scenario s = TestScenarios.Load(FormattableString.Invariant($$"""
            name: chi-null
            seed: 8080
            population:
              reference: Ref
              groups: {Ref: {{nRef}}, G: {{nG}} }
            referrals:
              total: {{total}}
            recording:
              missing: {mechanism: mcar, share: {{share}} }
            detectors: [chi-square]
            simulation:
              replicates: {{replicates}}
            """));
        DiagnosandRow row = MonteCarloRunner.Run(s, new RunSettings(replicates, s.Seed, 2)).Rows.Single();
        Assert.Equal(3.841458820694124, ChiSquared.InvCDF(1, 0.95), 9);
        McTolerance.RateWithin4Se(exact, row.FlagRate, replicates, "FlagRate", floorAtOneEvent: true);
    }
}
