using BiasSim.Core.Diagnosands;
using BiasSim.Core.Engine;
using BiasSim.Core.Scenarios;
using MathNet.Numerics.Distributions;

namespace BiasSim.Core.Tests.Engine;

/// <summary>
/// The simulator's flag rates against exact power computed by enumeration: the sum, over the joint pmf of
/// the recorded counts, of the detector's flag indicator (re-implemented here from the formulas, not
/// calling the detector). Tolerance: 4 Monte Carlo SE, sqrt(p(1-p)/R), so a correct simulator fails a
/// given check with probability about 6e-5 over seeds; the seeds are fixed, so the tests are deterministic.
/// </summary>
public class ExactPowerTests
{
    private const double Z975 = 1.959963984540054;

    private static (double Up, double Down) KatzFlagProbability(Func<IEnumerable<(long xRef, long xG, double p)>> joint, long nRef, long nG)
    {
        double up = 0, down = 0;
        foreach (var (xRef, xG, p) in joint())
        {
            if (xRef == 0 || xG == 0) continue; // not estimable: never flagged
            double log = Math.Log((double)xG / nG / ((double)xRef / nRef));
            double se = Math.Sqrt(1.0 / xG - 1.0 / nG + 1.0 / xRef - 1.0 / nRef);
            if (log - Z975 * se > 0) up += p;
            else if (log + Z975 * se < 0) down += p;
        }
        return (up, down);
    }

    /// <summary>Support of a binomial out to 12 SD either side: the mass left out is below 1e-30.</summary>
    private static IEnumerable<(long k, double p)> Binomial(long n, double q)
    {
        double mean = n * q, sd = Math.Sqrt(n * q * (1 - q));
        long lo = Math.Max(0, (long)Math.Floor(mean - 12 * sd - 5));
        long hi = Math.Min(n, (long)Math.Ceiling(mean + 12 * sd + 5));
        for (long k = lo; k <= hi; k++) yield return (k, MathNet.Numerics.Distributions.Binomial.PMF(q, (int)n, (int)k));
    }

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
        var exact = KatzFlagProbability(
            () => from r in Binomial(nRef, qRef) from g in Binomial(nG, qG) select (r.k, g.k, r.p * g.p), nRef, nG);

        Scenario s = TestScenarios.TwoGroupBaseRate(nRef, nG, baseRate, rr, share, replicates, seed);
        DiagnosandRow row = MonteCarloRunner.Run(s, new RunSettings(replicates, s.Seed, 2)).Rows.Single();

        AssertWithin4Se(exact.Up, row.FlagUpRate!.Value, replicates);
        AssertWithin4Se(exact.Down, row.FlagDownRate!.Value, replicates);
        AssertWithin4Se(exact.Up + exact.Down, row.FlagRate, replicates);
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
        var exact = KatzFlagProbability(
            () => from g in Binomial(total, a)
                  from r in Binomial(total - g.k, b / (1 - a))
                  select (r.k, g.k, g.p * r.p),
            nRef, nG);

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
        AssertWithin4Se(exact.Up, row.FlagUpRate!.Value, replicates);
        AssertWithin4Se(exact.Down, row.FlagDownRate!.Value, replicates);
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
        foreach (var g in Binomial(total, a))
        {
            foreach (var r in Binomial(total - g.k, b / (1 - a)))
            {
                long n = g.k + r.k;
                if (n == 0) continue;
                double eG = 0.2 * n, eR = 0.8 * n;
                double x2 = (g.k - eG) * (g.k - eG) / eG + (r.k - eR) * (r.k - eR) / eR;
                if (x2 > 3.841458820694124) exact += g.p * r.p;
            }
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
        AssertWithin4Se(exact, row.FlagRate, replicates);
    }

    private static void AssertWithin4Se(double exact, double simulated, int replicates)
    {
        double se = Math.Sqrt(Math.Max(exact * (1 - exact), 1.0 / replicates) / replicates);
        Assert.True(Math.Abs(simulated - exact) <= 4 * se,
            $"simulated {simulated:F5}, exact {exact:F5}, |diff| = {Math.Abs(simulated - exact):F5} > 4 SE = {4 * se:F5}");
    }
}
