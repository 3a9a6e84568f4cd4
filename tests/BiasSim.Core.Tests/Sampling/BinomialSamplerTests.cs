using BiasSim.Core.Randomness;
using BiasSim.Core.Sampling;
using MathNet.Numerics.Distributions;
using Xunit.Abstractions;

namespace BiasSim.Core.Tests.Sampling;

public class BinomialSamplerTests
{
    private const int Draws = 200_000;

    private readonly ITestOutputHelper _output;

    public BinomialSamplerTests(ITestOutputHelper output) => _output = output;

    /// <summary>
    /// Pearson chi-square goodness of fit of <see cref="Draws"/> draws against MathNet's binomial
    /// pmf, plus the sample mean and variance against n·p and n·p·q.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The seed is fixed, so each case is a deterministic check, not a flaky one. The threshold
    /// p &gt; 0.001 means that, before the seed was chosen, a correct sampler would have failed a
    /// given case with probability 0.1%; a wrong sampler (wrong constants, off-by-one in a region,
    /// a biased tail) gives p ≈ 0 at 200,000 draws. Bins are single values, with neighbours pooled
    /// (tails included) until every expected count is at least 5.
    /// </para>
    /// <para>
    /// Moments: the sample mean has standard error sqrt(npq/N). For the sample variance S²,
    /// Var(S²) ≈ (μ4 − σ⁴)/N to first order. The binomial's excess kurtosis is (1 − 6pq)/(npq), so
    /// μ4 = σ⁴·(3 + (1 − 6pq)/σ²) = 3σ⁴ + σ²(1 − 6pq) with σ² = npq, and
    /// μ4 − σ⁴ = 2σ⁴ + σ²(1 − 6pq). Both moments must lie within 4 standard errors.
    /// </para>
    /// </remarks>
    [Theory]
    [InlineData(20L, 0.1, 1UL)]                // n·p = 2: inversion
    [InlineData(100L, 0.29, 2UL)]              // n·p = 29: inversion, just below the switch
    [InlineData(100L, 0.31, 3UL)]              // n·p = 31: BTPE, just above the switch
    [InlineData(60L, 0.5, 4UL)]                // n·p = 30 exactly: BTPE at its smallest mean
    [InlineData(59L, 0.5, 5UL)]                // n·p = 29.5: inversion with the smallest P(X = 0)
    [InlineData(1000L, 0.5, 6UL)]              // p = 1/2: BTPE, no reflection
    [InlineData(1000L, 0.9, 7UL)]              // p > 1/2: BTPE on q = 0.1, reflected
    [InlineData(31L, 0.97, 8UL)]               // p > 1/2: inversion on q, reflected
    [InlineData(51204L, 0.35, 9UL)]            // moderate n
    [InlineData(10_000_000L, 0.0051204, 10UL)] // large n, mean 51204
    [InlineData(10_000_000L, 1e-6, 11UL)]      // large n, tiny p: inversion, mean 10
    [InlineData(10_000_000L, 0.5, 12UL)]       // large n and variance
    public void Sample_MatchesBinomialPmf(long n, double p, ulong seed)
    {
        var rng = new Xoshiro256(seed);
        var draws = new long[Draws];
        for (int i = 0; i < draws.Length; i++)
        {
            draws[i] = BinomialSampler.Sample(ref rng, n, p);
        }

        Assert.All(draws, x => Assert.InRange(x, 0L, n));

        double pValue = ChiSquarePValue(draws, (int)n, p, out int df, out double x2);
        _output.WriteLine($"n={n}, p={p}: X²={x2:F1}, df={df}, p-value={pValue:F4}");
        Assert.True(pValue > 0.001, $"chi-square p-value {pValue} (X²={x2}, df={df})");

        AssertMoments(draws, n, p);
    }

    /// <summary>
    /// n beyond <see cref="int.MaxValue"/>, where MathNet's pmf cannot be used: moments only.
    /// (1e15, 1e-14) would be visibly biased if P(X = 0) were computed as Math.Pow(1 − p, n), since
    /// 1 − 1e-14 carries a relative error of about 1% in its logarithm.
    /// </summary>
    [Theory]
    [InlineData(5_000_000_000L, 0.3, 21UL)]
    [InlineData(1_000_000_000_000L, 1e-11, 22UL)]
    [InlineData(1_000_000_000_000_000L, 1e-14, 23UL)]
    [InlineData(1_000_000_000_000_000_000L, 0.999_999_999_999_99, 24UL)] // BTPE, n·q ≈ 1e4
    [InlineData(1_000_000_000_000_000_000L, 0.3, 25UL)]                  // n·p above 2^53
    public void Sample_HugeN_HasBinomialMoments(long n, double p, ulong seed)
    {
        var rng = new Xoshiro256(seed);
        var draws = new long[Draws];
        for (int i = 0; i < draws.Length; i++)
        {
            draws[i] = BinomialSampler.Sample(ref rng, n, p);
        }

        Assert.All(draws, x => Assert.InRange(x, 0L, n));
        AssertMoments(draws, n, p);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(1.0)]
    public void Sample_ZeroTrials_ReturnsZero(double p)
    {
        var rng = new Xoshiro256(31);
        Assert.Equal(0L, BinomialSampler.Sample(ref rng, 0, p));
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(1000L)]
    [InlineData(long.MaxValue)]
    public void Sample_ZeroAndUnitProbability_AreDegenerate(long n)
    {
        var rng = new Xoshiro256(32);
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(0L, BinomialSampler.Sample(ref rng, n, 0.0));
            Assert.Equal(n, BinomialSampler.Sample(ref rng, n, 1.0));
        }
    }

    [Theory]
    [InlineData(-1L, 0.5)]
    [InlineData(long.MinValue, 0.5)]
    [InlineData(10L, -1e-300)]
    [InlineData(10L, 1.0000000000000002)]
    [InlineData(10L, double.NaN)]
    [InlineData(10L, double.PositiveInfinity)]
    [InlineData(10L, double.NegativeInfinity)]
    public void Sample_InvalidArguments_Throw(long n, double p)
    {
        var rng = new Xoshiro256(33);
        Assert.Throws<ArgumentOutOfRangeException>(() => BinomialSampler.Sample(ref rng, n, p));
    }

    /// <summary>
    /// At p = 1/2 the law is symmetric, so for odd n exactly half the mass lies at or below
    /// (n − 1)/2. Checked on both algorithms; the fraction must be within 4 standard errors of 1/2.
    /// </summary>
    [Theory]
    [InlineData(41L, 34UL)]     // inversion (n·p = 20.5)
    [InlineData(1001L, 35UL)]   // BTPE
    [InlineData(9_999_999L, 36UL)]
    public void Sample_HalfProbability_IsSymmetric(long n, ulong seed)
    {
        var rng = new Xoshiro256(seed);
        int below = 0;
        for (int i = 0; i < Draws; i++)
        {
            if (BinomialSampler.Sample(ref rng, n, 0.5) <= (n - 1) / 2)
            {
                below++;
            }
        }

        double fraction = (double)below / Draws;
        Assert.InRange(fraction, 0.5 - 4 * Math.Sqrt(0.25 / Draws), 0.5 + 4 * Math.Sqrt(0.25 / Draws));
    }

    /// <summary>
    /// X ~ Bin(n, p) and n − X ~ Bin(n, 1 − p); when 1 − p is exact in binary the sampler must
    /// realise this draw by draw from the same stream.
    /// </summary>
    [Theory]
    [InlineData(40L, 0.75)]
    [InlineData(1000L, 0.75)]
    [InlineData(10_000_000L, 0.875)]
    public void Sample_ComplementProbability_MirrorsDrawForDraw(long n, double p)
    {
        var a = new Xoshiro256(37);
        var b = new Xoshiro256(37);
        for (int i = 0; i < 10_000; i++)
        {
            Assert.Equal(n - BinomialSampler.Sample(ref b, n, 1.0 - p), BinomialSampler.Sample(ref a, n, p));
        }
    }

    [Fact]
    public void Sample_StaysWithinZeroToN()
    {
        var rng = new Xoshiro256(38);
        var pick = new Xoshiro256(39);
        for (int i = 0; i < 200_000; i++)
        {
            long n = (long)(pick.NextDouble() * 400);
            double p = pick.NextDouble();
            long x = BinomialSampler.Sample(ref rng, n, p);
            Assert.InRange(x, 0L, n);
        }
    }

    [Fact]
    public void SameSeed_GivesSameSequence_DifferentSeedDoesNot()
    {
        long[] first = Sequence(40);
        long[] again = Sequence(40);
        long[] other = Sequence(41);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);

        static long[] Sequence(ulong seed)
        {
            (long N, double P)[] cases =
            [
                (20, 0.1), (100, 0.31), (1000, 0.9), (51204, 0.35), (10_000_000, 0.0051204), (31, 0.97),
            ];
            var rng = new Xoshiro256(seed);
            var result = new List<long>();
            Span<long> counts = stackalloc long[4];
            for (int i = 0; i < 200; i++)
            {
                foreach (var (n, p) in cases)
                {
                    result.Add(BinomialSampler.Sample(ref rng, n, p));
                }

                BinomialSampler.SampleMultinomial(ref rng, 1000, [0.1, 0.2, 0.3, 0.4], counts);
                result.AddRange(counts.ToArray());
            }

            return result.ToArray();
        }
    }

    [Fact]
    public void Sample_And_Multinomial_DoNotAllocate()
    {
        var rng = new Xoshiro256(42);
        ReadOnlySpan<double> weights = [0.2, 0.0, 0.5, 0.3];
        Span<long> counts = stackalloc long[4];
        long sink = 0;

        // Warm up so that tiering and static initialisation happen outside the measured window.
        for (int i = 0; i < 1000; i++)
        {
            sink += Draw(ref rng, weights, counts);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            sink += Draw(ref rng, weights, counts);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0L, allocated);
        Assert.True(sink > 0);

        static long Draw(ref Xoshiro256 rng, ReadOnlySpan<double> weights, Span<long> counts)
        {
            long s = BinomialSampler.Sample(ref rng, 20, 0.1)
                + BinomialSampler.Sample(ref rng, 51204, 0.35)
                + BinomialSampler.Sample(ref rng, 1000, 0.9);
            BinomialSampler.SampleMultinomial(ref rng, 51204, weights, counts);
            return s + counts[0];
        }
    }

    /// <summary>
    /// Weights are deliberately unnormalised and include zeros in the middle and at the end (so
    /// the last category is not the one that takes the remainder). Each marginal of a multinomial
    /// is Bin(n, p_i), so its mean over the draws must be within 4 standard errors of n·p_i, and
    /// every vector must sum to n.
    /// </summary>
    [Theory]
    [InlineData(1L, 51UL)]
    [InlineData(10L, 52UL)]
    [InlineData(51204L, 53UL)]
    [InlineData(10_000_000L, 54UL)]
    public void Multinomial_MarginalsAndTotals(long n, ulong seed)
    {
        double[] weights = [2.0, 0.0, 5.0, 0.001, 3.0, 0.0];
        double total = weights.Sum();
        const int draws = 50_000;

        var rng = new Xoshiro256(seed);
        var counts = new long[weights.Length];
        var sums = new double[weights.Length];
        for (int d = 0; d < draws; d++)
        {
            BinomialSampler.SampleMultinomial(ref rng, n, weights, counts);
            Assert.Equal(n, counts.Sum());
            for (int i = 0; i < weights.Length; i++)
            {
                Assert.InRange(counts[i], 0L, n);
                sums[i] += counts[i];
            }

            Assert.Equal(0L, counts[1]);
            Assert.Equal(0L, counts[5]);
        }

        for (int i = 0; i < weights.Length; i++)
        {
            double pi = weights[i] / total;
            double expected = n * pi;
            double se = Math.Sqrt(n * pi * (1 - pi) / draws);
            double mean = sums[i] / draws;
            Assert.True(
                Math.Abs(mean - expected) <= 4 * se,
                $"category {i}: mean {mean}, expected {expected}, SE {se}");
        }
    }

    [Fact]
    public void Multinomial_SingleCategoryAndZeroTrials()
    {
        var rng = new Xoshiro256(55);
        Span<long> one = stackalloc long[1];
        BinomialSampler.SampleMultinomial(ref rng, 1234, [0.7], one);
        Assert.Equal(1234L, one[0]);

        Span<long> three = [9, 9, 9];
        BinomialSampler.SampleMultinomial(ref rng, 0, [0.0, 0.0, 0.0], three);
        Assert.Equal([0L, 0L, 0L], three.ToArray());

        BinomialSampler.SampleMultinomial(ref rng, 0, [0.2, 0.8, 0.0], three);
        Assert.Equal([0L, 0L, 0L], three.ToArray());
    }

    [Fact]
    public void Multinomial_InvalidArguments_Throw()
    {
        var rng = new Xoshiro256(56);
        var counts = new long[3];

        Assert.Throws<ArgumentException>(() => BinomialSampler.SampleMultinomial(ref rng, 10, [0.5, 0.5], counts));
        Assert.Throws<ArgumentOutOfRangeException>(() => BinomialSampler.SampleMultinomial(ref rng, -1, [0.2, 0.3, 0.5], counts));
        Assert.Throws<ArgumentOutOfRangeException>(() => BinomialSampler.SampleMultinomial(ref rng, 10, [0.2, -0.3, 0.5], counts));
        Assert.Throws<ArgumentOutOfRangeException>(() => BinomialSampler.SampleMultinomial(ref rng, 10, [0.2, double.NaN, 0.5], counts));
        Assert.Throws<ArgumentOutOfRangeException>(() => BinomialSampler.SampleMultinomial(ref rng, 10, [0.2, double.PositiveInfinity, 0.5], counts));
        Assert.Throws<ArgumentException>(() => BinomialSampler.SampleMultinomial(ref rng, 10, [0.0, 0.0, 0.0], counts));
        Assert.Throws<ArgumentException>(() => BinomialSampler.SampleMultinomial(ref rng, 10, [double.MaxValue, double.MaxValue, 0.0], counts));
    }

    private static void AssertMoments(long[] draws, long n, double p)
    {
        // Work with the rarer outcome, Y = X or n − X ~ Bin(n, r), r = min(p, 1 − p) (1 − p is
        // exact for p ≥ 1/4), so that n·r is accurate even when n·p is not representable, and
        // centre on it so that the sums stay small for n up to 1e18.
        bool reflect = p > 0.5;
        double r = reflect ? 1.0 - p : p;
        double mu = n * r;
        double sigma2 = mu * (1.0 - r);
        long centre = (long)Math.Round(mu);
        double centreError = centre - mu;

        double sum = 0, sumSq = 0;
        foreach (long x in draws)
        {
            long y = reflect ? n - x : x;
            double d = (y - centre) + centreError;
            sum += d;
            sumSq += d * d;
        }

        int count = draws.Length;
        double meanDev = sum / count;
        double variance = (sumSq - count * meanDev * meanDev) / (count - 1);

        double seMean = Math.Sqrt(sigma2 / count);
        double seVar = Math.Sqrt((2 * sigma2 * sigma2 + sigma2 * (1 - 6 * r * (1 - r))) / count);
        Assert.True(Math.Abs(meanDev) <= 4 * seMean, $"mean off by {meanDev}, SE {seMean}");
        Assert.True(Math.Abs(variance - sigma2) <= 4 * seVar, $"variance {variance}, expected {sigma2}, SE {seVar}");
    }

    private static double ChiSquarePValue(long[] draws, int n, double p, out int df, out double x2)
    {
        // Beyond 10 standard deviations the mass is below 1e-20 even for skewed small-mean cases
        // (checked below), so values there are pooled into the outermost bins.
        double mu = (double)n * p;
        double sd = Math.Sqrt(mu * (1 - p));
        int lo = (int)Math.Max(0, Math.Floor(mu - 10 * sd - 10));
        int hi = (int)Math.Min(n, Math.Ceiling(mu + 10 * sd + 10));

        var observed = new long[hi - lo + 1];
        foreach (long x in draws)
        {
            observed[Math.Clamp(x, lo, hi) - lo]++;
        }

        var pmf = new double[hi - lo + 1];
        double mass = 0;
        for (int k = lo; k <= hi; k++)
        {
            pmf[k - lo] = Binomial.PMF(p, n, k);
            mass += pmf[k - lo];
        }

        // MathNet's pmf is exp(lnΓ differences); for n = 1e7 the error of lnΓ(n + 1) shifts the
        // whole pmf by a common factor of about 1 ± 1e-8, so the reference is renormalised.
        Assert.InRange(mass, 1 - 1e-6, 1 + 1e-6);

        var binExpected = new List<double>();
        var binObserved = new List<long>();
        double e = 0;
        long o = 0;
        for (int i = 0; i < pmf.Length; i++)
        {
            e += pmf[i] / mass * draws.Length;
            o += observed[i];
            if (e >= 5)
            {
                binExpected.Add(e);
                binObserved.Add(o);
                e = 0;
                o = 0;
            }
        }

        binExpected[^1] += e;
        binObserved[^1] += o;

        x2 = 0;
        for (int i = 0; i < binExpected.Count; i++)
        {
            double diff = binObserved[i] - binExpected[i];
            x2 += diff * diff / binExpected[i];
        }

        df = binExpected.Count - 1;
        return 1.0 - ChiSquared.CDF(df, x2);
    }
}
