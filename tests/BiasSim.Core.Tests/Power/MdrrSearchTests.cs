using BiasSim.Core.Power;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;
using BiasSim.Core.Tests.Support;
using MathNet.Numerics.Distributions;
using Xunit.Abstractions;

namespace BiasSim.Core.Tests.Power;

/// <summary>
/// The simulated MDRR against the MDRR of the EXACT power curve of the Katz rule, computed by enumerating the
/// binomial pmfs of a two-group base-rate scenario with complete recording (X_ref ~ Bin(N_ref, b),
/// X_G ~ Bin(N_G, b RR), independent; the rule re-implemented from its formula in <see cref="ExactEnumeration"/>).
/// The exact curve is root-found to 1e-9 on log RR.
/// Tolerance: the simulated root's Monte Carlo SE by the delta method, derived from the EXACT curve and not
/// from the code under test: SE(log MDRR) = sqrt(p(1 - p)/R) / P'(log MDRR), with p the target power and
/// P' the exact slope. A correct search lands within 4 such SE with probability about 1 - 6e-5 per check
/// (plus a root-finding error below 1e-4 x log MDRR, far smaller); seeds are fixed, so the tests are deterministic.
/// </summary>
public class MdrrSearchTests(ITestOutputHelper output)
{
    private const int Replicates = 40_000;

    /// <summary>The exact power curve of the Katz up/down flag for two independent binomials.</summary>
    private sealed class ExactKatz
    {
        private readonly long _nRef, _nG;
        private readonly double _b;
        private readonly (long K, double P)[] _ref;
        private readonly long[] _upThreshold, _downThreshold; // per X_ref: least X_G flagged up, greatest X_G flagged down

        public ExactKatz(long nRef, long nG, double baseRate)
        {
            _nRef = nRef;
            _nG = nG;
            _b = baseRate;
            _ref = [.. ExactEnumeration.Binomial(nRef, baseRate)];
            _upThreshold = new long[_ref.Length];
            _downThreshold = new long[_ref.Length];
            for (int i = 0; i < _ref.Length; i++)
            {
                long xRef = _ref[i].K;
                // For fixed X_ref the up flag is monotone increasing in X_G (log rises, SE falls), the down flag decreasing.
                _upThreshold[i] = Search(x => Flag(xRef, x) > 0, 1, nG, firstTrue: true);
                _downThreshold[i] = Search(x => Flag(xRef, x) < 0, 1, nG, firstTrue: false);
            }
        }

        private int Flag(long xRef, long xG) => ExactEnumeration.KatzFlag(xRef, _nRef, xG, _nG);

        /// <summary>firstTrue: least x in [lo, hi] with pred (pred monotone false..true), else hi + 1.
        /// Otherwise greatest x with pred (pred monotone true..false), else lo - 1.</summary>
        private static long Search(Func<long, bool> pred, long lo, long hi, bool firstTrue)
        {
            long a = lo, b = hi;
            if (firstTrue)
            {
                if (!pred(hi)) return hi + 1;
                while (a < b) { long m = a + (b - a) / 2; if (pred(m)) b = m; else a = m + 1; }
                return a;
            }
            if (!pred(lo)) return lo - 1;
            while (a < b) { long m = a + (b - a + 1) / 2; if (pred(m)) a = m; else b = m - 1; }
            return a;
        }

        public double Power(double rr, FlagDirection direction)
        {
            (long K, double P)[] g = [.. ExactEnumeration.Binomial(_nG, _b * rr)];
            long gLo = g[0].K;
            var cdf = new double[g.Length];
            double c = 0;
            for (int j = 0; j < g.Length; j++) cdf[j] = c += g[j].P;
            double Below(long x) => x < gLo ? 0 : x - gLo >= g.Length ? 1 : cdf[x - gLo]; // P(X_G <= x)
            double power = 0;
            for (int i = 0; i < _ref.Length; i++)
            {
                power += _ref[i].P * (direction == FlagDirection.Up
                    ? 1 - Below(_upThreshold[i] - 1)
                    : Below(_downThreshold[i]) - Below(0));
            }
            return power;
        }

        /// <summary>The exact MDRR (bisection on log RR to 1e-9) and the exact slope dP/d|log RR| there.</summary>
        public (double Mdrr, double Slope) Root(double target, FlagDirection direction)
        {
            double sign = direction == FlagDirection.Up ? 1 : -1;
            double P(double t) => Power(Math.Exp(sign * t), direction);
            double lo = 0, hi = 0.05;
            while (P(hi) < target) { lo = hi; hi *= 2; }
            while (hi - lo > 1e-9)
            {
                double mid = 0.5 * (lo + hi);
                if (P(mid) < target) lo = mid; else hi = mid;
            }
            double t0 = 0.5 * (lo + hi), h = 1e-4;
            return (Math.Exp(sign * t0), (P(t0 + h) - P(t0 - h)) / (2 * h));
        }
    }

    [Theory]
    [InlineData(200_000L, 20_000L, 0.005, 0.8, "up", 301UL)]     // E[X_ref] = 1000, E[X_G] = 100 RR
    [InlineData(50_000L, 50_000L, 0.002, 0.8, "up", 302UL)]      // 100 and 100 RR
    [InlineData(1_000_000L, 100_000L, 0.0004, 0.9, "up", 303UL)] // 400 and 40 RR
    [InlineData(200_000L, 20_000L, 0.005, 0.8, "down", 304UL)]
    public void Simulated_mdrr_matches_the_root_of_the_exact_power_curve(long nRef, long nG, double baseRate, double power, string dir, ulong seed)
    {
        FlagDirection direction = dir == "up" ? FlagDirection.Up : FlagDirection.Down;
        var exact = new ExactKatz(nRef, nG, baseRate);
        (double exactMdrr, double exactSlope) = exact.Root(power, direction);
        double se = Math.Sqrt(power * (1 - power) / Replicates) / exactSlope;

        Scenario s = TestScenarios.TwoGroupBaseRate(nRef, nG, baseRate, 1.0, 0.0, Replicates, seed);
        MdrrResult r = MdrrSearch.Run(s, new MdrrRequest("G", power, direction), new RunSettings(Replicates, seed, 2));

        Assert.Null(r.Failure);
        output.WriteLine(
            FormattableString.Invariant($"exact {exactMdrr:F5}, simulated {r.Mdrr:F5} ({r.MdrrLower:F5} to {r.MdrrUpper:F5}), ") +
            FormattableString.Invariant($"|log diff| / SE = {Math.Abs(Math.Log(r.Mdrr!.Value / exactMdrr)) / se:F2}, ") +
            FormattableString.Invariant($"SE {se:F5} vs reported {r.LogMdrrSe:F5}, analytic {r.AnalyticMdrr:F5}, {r.Evaluations.Length} runs"));
        McTolerance.Within4Se(Math.Log(exactMdrr), Math.Log(r.Mdrr!.Value), se,
            FormattableString.Invariant($"log MDRR (simulated {r.Mdrr:F5}, exact {exactMdrr:F5})"));
        Assert.InRange(r.Evaluations.Length, 5, MdrrSearch.MaxEvaluations);

        // The reported uncertainty is the same delta-method SE, from the simulated slope: within 20% of the exact one
        // (the symmetric difference over +-half a Katz SE is within ~2% of the tangent; its own MC noise is ~2%).
        Assert.InRange(r.LogMdrrSe!.Value, 0.8 * se, 1.2 * se);
        Assert.True(r.MdrrLower < r.Mdrr && r.Mdrr < r.MdrrUpper);
        // At the simulated root the simulated power is the target to within its Monte Carlo error.
        Assert.InRange(r.PowerAtMdrr!.Value, power - 4 * r.PowerAtMdrrSe!.Value - 1e-9, power + 4 * r.PowerAtMdrrSe.Value + 1e-9);

        // The normal approximation (Katz SE at expected counts) is an approximation: with these counts, within 3%.
        Assert.InRange(r.AnalyticMdrr!.Value / exactMdrr, 0.97, 1.03);
    }

    [Fact]
    public void Same_seed_same_mdrr_on_any_thread_count_and_rate_ratios_stay_in_direction()
    {
        Scenario s = TestScenarios.TwoGroupBaseRate(200_000, 20_000, 0.005, 1.0, 0.5, 5000, 9);
        var request = new MdrrRequest("G", 0.8, FlagDirection.Up);
        MdrrResult one = MdrrSearch.Run(s, request, new RunSettings(5000, 9, 1));
        MdrrResult four = MdrrSearch.Run(s, request, new RunSettings(5000, 9, 4));
        Assert.Equal(string.Join("\n", one.Evaluations), string.Join("\n", four.Evaluations));
        Assert.Equal(one.Mdrr, four.Mdrr);
        Assert.All(one.Evaluations, e => Assert.True(e.RateRatio > 1));
        Assert.True(one.Mdrr > 1);

        MdrrResult down = MdrrSearch.Run(s, request with { Direction = FlagDirection.Down }, new RunSettings(5000, 9, 2));
        Assert.True(down.Mdrr < 1);
        Assert.All(down.Evaluations, e => Assert.True(e.RateRatio < 1));
    }

    [Fact]
    public void Missing_data_raise_the_mdrr()
    {
        MdrrResult Mdrr(double share)
        {
            Scenario s = TestScenarios.TwoGroupBaseRate(200_000, 20_000, 0.005, 1.0, share, 5000, 11);
            return MdrrSearch.Run(s, new MdrrRequest("G"), new RunSettings(5000, 11, 2));
        }
        double complete = Mdrr(0).Mdrr!.Value, halfMissing = Mdrr(0.5).Mdrr!.Value, mostMissing = Mdrr(0.8).Mdrr!.Value;
        Assert.True(complete < halfMissing && halfMissing < mostMissing, $"{complete} {halfMissing} {mostMissing}");
    }

    [Fact]
    public void A_calibrated_missing_share_is_recalibrated_at_every_rate_ratio()
    {
        Scenario s = TestScenarios.Load("""
            name: mnar-target
            seed: 5
            population:
              reference: Ref
              groups: {Ref: 1000000, G: 100000}
            referrals:
              total: 5000
            recording:
              missing: {mechanism: mnar, share_by_group: {Ref: 0.5, G: 0.7}, target_share: 0.6}
            detectors: [rate-ratio]
            simulation: {replicates: 2000}
            """);
        MdrrResult r = MdrrSearch.Run(s, new MdrrRequest("G"), new RunSettings(2000, 5, 2));
        Assert.NotNull(r.Mdrr);
        Assert.Equal(0.6, r.ExpectedMissingShare, 9);
        Scenario atMdrr = PowerModel.WithRateRatio(s, "G", r.Mdrr!.Value)!;
        Assert.NotEqual(s.Recording.Missing.CalibrationShift, atMdrr.Recording.Missing.CalibrationShift);
    }

    [Fact]
    public void Unreachable_power_is_reported_not_invented()
    {
        // 30 referrals with 90% unrecorded leave about 3 recorded ones: even at a rate ratio of 1000 the audit often has
        // no recorded G or no recorded reference referral (not estimable, never flagged), so 90% power is out of reach.
        Scenario s = TestScenarios.Load("""
            name: tiny
            seed: 3
            population:
              reference: Ref
              groups: {Ref: 1000000, G: 1000}
            referrals:
              total: 30
            recording:
              missing: {mechanism: mcar, share: 0.9}
            detectors: [rate-ratio]
            simulation: {replicates: 2000}
            """);
        MdrrResult r = MdrrSearch.Run(s, new MdrrRequest("G", 0.9), new RunSettings(2000, 3, 2));
        Assert.Null(r.Mdrr);
        Assert.Null(r.MdrrLower);
        Assert.Contains("the most extreme the scenario allows", r.Failure);
        Assert.InRange(r.Evaluations.Length, 1, MdrrSearch.MaxEvaluations);
    }

    [Fact]
    public void Analytic_mdrr_solves_the_katz_normal_approximation()
    {
        // Complete recording, base rate: E[X_G] = N_G b RR, E[X_ref] = N_ref b, and log RR = z SE(RR) at the root.
        Scenario s = TestScenarios.TwoGroupBaseRate(200_000, 20_000, 0.005, 1.0, 0.0, 1000, 1);
        double mdrr = PowerModel.AnalyticMdrr(s, "G", 0.8, FlagDirection.Up)!.Value;
        double z = ExactEnumeration.Z975 + Normal.InvCDF(0, 1, 0.8);
        double se = Math.Sqrt(1 / (20_000 * 0.005 * mdrr) - 1 / 20_000.0 + 1 / (200_000 * 0.005) - 1 / 200_000.0);
        Assert.Equal(z * se, Math.Log(mdrr), 10);
    }

    [Theory]
    [InlineData("Gg", 0.8, "rate-ratio", "group", "did you mean 'G'?")]
    [InlineData("Ref", 0.8, "rate-ratio", "group", "is the reference group")]
    [InlineData("G", 1.0, "rate-ratio", "power", "strictly between 0 and 1")]
    [InlineData("G", 0.0, "rate-ratio", "power", "strictly between 0 and 1")]
    [InlineData("G", 0.01, "rate-ratio", "power", "by chance")]
    [InlineData("G", 0.8, "chi-square", "detector", "no rate ratio per group")]
    [InlineData("G", 0.8, "rate-ration", "detector", "did you mean 'rate-ratio'?")]
    public void Bad_requests_are_explained(string group, double power, string detector, string field, string fragment)
    {
        Scenario s = TestScenarios.TwoGroupBaseRate(200_000, 20_000, 0.005, 1.0, 0.0, 1000, 1);
        IReadOnlyList<MdrrProblem> problems = MdrrSearch.Validate(s, new MdrrRequest(group, power, FlagDirection.Up, detector));
        Assert.Contains(problems, p => p.Field == field && p.Message.Contains(fragment, StringComparison.Ordinal));
    }
}
