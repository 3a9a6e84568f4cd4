using System.Collections.Immutable;
using BiasSim.Core.BiasAnalysis;
using BiasSim.Core.Tests.Support;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Integration;

namespace BiasSim.Core.Tests.BiasAnalysis;

/// <summary>
/// Probabilistic bias analysis checked against closed forms and a second method. Quantile tolerances: the sample
/// p-quantile of n draws has SD sqrt(p (1 - p) / n) / f(q_p) (Cramér 1946; David and Nagaraja, Order Statistics,
/// 10.2), with f the density at the quantile; the tests allow 4 of those (McTolerance.Sigmas).
/// </summary>
public class BiasAnalysisTests
{
    // A rate ratio near 1.5 with a sampling SE of about 0.09 on the log scale.
    private static readonly string[] Groups = ["White", "Black"];
    private static readonly long[] Census = [1_000_000, 100_000];
    private static readonly long[] Recorded = [2_000, 300];
    private const int Draws = 20_000;

    private static double LogRr => Math.Log(300.0 / 100_000) - Math.Log(2_000.0 / 1_000_000);
    private static double Se => Math.Sqrt(1.0 / 300 - 1.0 / 100_000 + 1.0 / 2_000 - 1.0 / 1_000_000);

    private static BiasAdjustedRow RunWith(Prior prior, ulong seed = 7, double alpha = 0.05) =>
        ProbabilisticBiasAnalysis.Run(Groups, Recorded, Census, "White",
            new BiasPriors(ImmutableDictionary<string, Prior>.Empty.Add("Black", prior), null), Draws, seed, alpha).Single();

    private static double QuantileSdLog(double p) => Se * Math.Sqrt(p * (1 - p) / Draws) / Normal.PDF(0, 1, Normal.InvCDF(0, 1, p));

    [Fact]
    public void A_point_prior_divides_the_observed_rate_ratio_and_its_katz_interval_by_the_ratio()
    {
        const double r = 0.8;
        BiasAdjustedRow row = RunWith(new PointPrior(r));
        Assert.Equal(Math.Exp(LogRr), row.ObservedRateRatio!.Value, 12);
        double z = Normal.InvCDF(0, 1, 0.975);
        // Closed form: log RR_adj ~ Normal(log RR_obs - log r, SE), so its quantiles are the Katz interval / r.
        Within(LogRr - Math.Log(r), Math.Log(row.Median!.Value), QuantileSdLog(0.5), "median");
        Within(LogRr - z * Se - Math.Log(r), Math.Log(row.Lower!.Value), QuantileSdLog(0.025), "lower");
        Within(LogRr + z * Se - Math.Log(r), Math.Log(row.Upper!.Value), QuantileSdLog(0.975), "upper");
        double above = Normal.CDF(0, 1, (LogRr - Math.Log(r)) / Se);
        McTolerance.RateWithin4Se(above, row.ShareAbove1!.Value, Draws, "share above 1", floorAtOneEvent: true);
    }

    [Fact]
    public void A_uniform_prior_matches_numerical_integration_of_the_mixture()
    {
        // Wide enough that the adjusted ratio straddles 1: log RR_adj = log RR* - log r with r ~ U(1, 2).
        const double a = 1.0, b = 2.0;
        BiasAdjustedRow row = RunWith(new UniformPrior(a, b), seed: 11);
        // Second method: P(RR_adj <= m) = (1 / (b - a)) * integral over r of Phi((log m + log r - log RR_obs) / SE), by Gauss-Legendre.
        double Cdf(double m) => GaussLegendreRule.Integrate(r => Normal.CDF(0, 1, (Math.Log(m) + Math.Log(r) - LogRr) / Se), a, b, 64) / (b - a);
        double pAbove = 1 - Cdf(1);
        Assert.InRange(pAbove, 0.2, 0.9); // the check is informative only away from 0 and 1
        McTolerance.RateWithin4Se(pAbove, row.ShareAbove1!.Value, Draws, "share above 1");

        double median = MathNet.Numerics.RootFinding.Brent.FindRoot(m => Cdf(m) - 0.5, 0.2, 5, 1e-12);
        // SD of the sample median: sqrt(0.25 / n) / f(median), f = dCdf/dm by a central difference.
        double h = 1e-4 * median;
        double density = (Cdf(median + h) - Cdf(median - h)) / (2 * h);
        double sd = Math.Sqrt(0.25 / Draws) / density;
        Assert.True(Math.Abs(row.Median!.Value - median) <= McTolerance.Sigmas * sd,
            FormattableString.Invariant($"median {row.Median:F5} vs integrated {median:F5}, 4 SD {4 * sd:E2}"));
    }

    [Fact]
    public void Draws_are_reproducible_and_each_group_has_its_own_stream()
    {
        var priors = new BiasPriors(ImmutableDictionary<string, Prior>.Empty.Add("Black", new UniformPrior(0.5, 1.5)), null);
        string[] groups = ["White", "Black", "Asian"];
        long[] census = [1_000_000, 100_000, 150_000], recorded = [2_000, 300, 400];
        var first = ProbabilisticBiasAnalysis.Run(groups, recorded, census, "White", priors, 2_000, 3, 0.05);
        var again = ProbabilisticBiasAnalysis.Run(groups, recorded, census, "White", priors, 2_000, 3, 0.05);
        Assert.Equal(first[0].Sorted.ToArray(), again[0].Sorted.ToArray()); // ImmutableArray's own Equals compares references
        var withAsian = priors with { RecordingRatios = priors.RecordingRatios.Add("Asian", new PointPrior(1.2)) };
        var more = ProbabilisticBiasAnalysis.Run(groups, recorded, census, "White", withAsian, 2_000, 3, 0.05);
        Assert.Equal(first[0].Sorted.ToArray(), more[0].Sorted.ToArray()); // Black's draws do not move when Asian gets a prior
        Assert.False(first[1].PriorGiven);
        Assert.True(more[1].PriorGiven);
        var otherSeed = ProbabilisticBiasAnalysis.Run(groups, recorded, census, "White", priors, 2_000, 4, 0.05);
        Assert.NotEqual(first[0].Sorted.ToArray(), otherSeed[0].Sorted.ToArray());
    }

    [Fact]
    public void A_zero_count_cannot_be_measured()
    {
        var none = new BiasPriors(ImmutableDictionary<string, Prior>.Empty, null);
        var row = ProbabilisticBiasAnalysis.Run(Groups, [2_000, 0], Census, "White", none, 100, 1, 0.05).Single();
        Assert.Null(row.ObservedRateRatio);
        Assert.Null(row.Median);
        Assert.Empty(row.Sorted);
    }

    [Theory]
    [InlineData(0.5, 1.0, 1.5, 2.0)]
    [InlineData(0.5, 0.5, 1.5, 2.0)] // no rising edge
    [InlineData(0.5, 1.0, 2.0, 2.0)] // no falling edge
    [InlineData(0.5, 1.2, 1.2, 2.0)] // triangular
    [InlineData(0.5, 0.5, 2.0, 2.0)] // uniform
    public void Trapezoidal_inverse_cdf_inverts_the_cdf_and_matches_the_closed_form_mean(double a, double b, double c, double d)
    {
        for (double u = 0.01; u < 1; u += 0.01)
        {
            Assert.Equal(u, Trapezoidal.Cdf(Trapezoidal.InverseCdf(u, a, b, c, d), a, b, c, d), 12);
        }
        Assert.Equal(0, Trapezoidal.Cdf(a, a, b, c, d));
        Assert.Equal(1, Trapezoidal.Cdf(d, a, b, c, d));
        // The closed-form mean against integral of (1 - F) from a to d plus a (a second, independent route to E[X]).
        double integrated = a + GaussLegendreRule.Integrate(x => 1 - Trapezoidal.Cdf(x, a, b, c, d), a, d, 256);
        Assert.Equal(integrated, Trapezoidal.Mean(a, b, c, d), 4);
        if (b == c && a < b && c < d)
        {
            // With one mode it is MathNet's triangular distribution.
            foreach (double x in new[] { 0.6, 0.9, 1.2, 1.5, 1.9 }) Assert.Equal(Triangular.CDF(a, d, b, x), Trapezoidal.Cdf(x, a, b, c, d), 12);
        }
    }

    [Fact]
    public void Trapezoidal_draws_follow_the_cdf_and_the_mean()
    {
        var prior = new TrapezoidalPrior(0.67, 0.9, 1.5, 2.0);
        var random = new SeededRandom(99);
        const int n = 100_000;
        double[] x = [.. Enumerable.Range(0, n).Select(_ => prior.Sample(random))];
        foreach (double q in new[] { 0.8, 1.0, 1.2, 1.6, 1.9 })
        {
            double f = Trapezoidal.Cdf(q, 0.67, 0.9, 1.5, 2.0);
            McTolerance.RateWithin4Se(f, (double)x.Count(v => v <= q) / n, n, $"F({q})");
        }
        double mean = x.Average();
        double sd = Math.Sqrt(x.Select(v => (v - mean) * (v - mean)).Sum() / (n - 1));
        McTolerance.Within4Se(Trapezoidal.Mean(0.67, 0.9, 1.5, 2.0), mean, sd / Math.Sqrt(n), "mean");
    }

    private static void Within(double expected, double actual, double sd, string what) =>
        Assert.True(Math.Abs(actual - expected) <= McTolerance.Sigmas * sd,
            FormattableString.Invariant($"{what}: {actual:F5} vs {expected:F5}, 4 SD {McTolerance.Sigmas * sd:E2}"));
}

/// <summary>Misclassification priors: a near-point Dirichlet recovers the self-defined counts by hand, and draws whose
/// correction leaves no referrals are counted, not hidden.</summary>
public class BiasAnalysisMisclassificationTests
{
    private static readonly string[] Groups = ["White", "Black"];
    private static readonly long[] Census = [1_000_000, 100_000];

    [Fact]
    public void A_near_point_matrix_recovers_the_self_defined_rate_ratio()
    {
        // By hand: self-defined White 2,000 and Black 300, recorded through M = [[0.9, 0.1], [0.2, 0.8]] (rows self-defined):
        // recorded White = 0.9 x 2000 + 0.2 x 300 = 1,860, recorded Black = 0.1 x 2000 + 0.8 x 300 = 440.
        long[] recorded = [1_860, 440];
        ImmutableArray<ImmutableArray<double>> concentrations = [[0.9e9, 0.1e9], [0.2e9, 0.8e9]]; // matrix SD about 1e-5: a point
        var priors = new BiasPriors(ImmutableDictionary<string, Prior>.Empty, null) { Misclassification = concentrations };
        const int draws = 20_000;
        BiasAdjustedRow row = ProbabilisticBiasAnalysis.Run(Groups, recorded, Census, "White", priors, draws, 5, 0.05).Single();
        Assert.Equal(0, row.DroppedDraws);
        double logTruth = Math.Log(300.0 / 100_000) - Math.Log(2_000.0 / 1_000_000); // 1.5
        double se = Math.Sqrt(1.0 / 300 - 1.0 / 100_000 + 1.0 / 2_000 - 1.0 / 1_000_000);
        // 4 SDs of a sample median of normal draws on the log scale: sqrt(0.25 / n) / phi(0) x SE.
        double tolerance = McTolerance.Sigmas * se * Math.Sqrt(0.25 / draws) / Normal.PDF(0, 1, 0);
        Assert.InRange(Math.Log(row.Median!.Value) - logTruth, -tolerance, tolerance);
        Assert.Equal(440.0 / 100_000 / (1_860.0 / 1_000_000), row.ObservedRateRatio!.Value, 12); // the observed ratio stays uncorrected
    }

    [Fact]
    public void Draws_whose_correction_leaves_no_referrals_are_counted()
    {
        long[] recorded = [1_860, 440];
        ImmutableArray<ImmutableArray<double>> vague = [[1, 1], [1, 1]]; // flat rows: many draws over-correct
        var priors = new BiasPriors(ImmutableDictionary<string, Prior>.Empty, null) { Misclassification = vague };
        BiasAdjustedRow row = ProbabilisticBiasAnalysis.Run(Groups, recorded, Census, "White", priors, 2_000, 5, 0.05).Single();
        Assert.True(row.DroppedDraws > 0);
        Assert.Equal(2_000, row.Draws + row.DroppedDraws);
        Assert.Equal(row.Draws, row.Sorted.Length);
    }

    [Fact]
    public void The_loader_reads_a_matrix_and_names_a_bad_row()
    {
        const string text = """
            recording_ratios: {Black: 1}
            misclassification:
              White: {White: 90, Black: 10}
              Black: {White: 0, Black: 0}
            """;
        var errors = BiasPriorsLoader.Load(text, "p.yaml", Groups, "White").Errors;
        Assert.Contains(errors, e => e.ToString().StartsWith("p.yaml:4:", StringComparison.Ordinal) && e.Path == "misclassification.Black");
        var ok = BiasPriorsLoader.Load(text.Replace("{White: 0, Black: 0}", "{White: 20, Black: 80}"), "p.yaml", Groups, "White");
        Assert.Empty(ok.Errors);
        Assert.Equal([90.0, 10.0], ok.Priors!.Misclassification!.Value[0].ToArray());
        Assert.Equal([20.0, 80.0], ok.Priors.Misclassification.Value[1].ToArray());
    }
}
