using BiasSim.Core.Randomness;
using BiasSim.Core.Sampling;
using BiasSim.Core.Tests.Support;
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
    [InlineData(100L, 0.29, 2UL)]              // n·p = 29: BTRD, squeeze never used (npq < 32)
    [InlineData(100L, 0.31, 3UL)]              // n·p = 31: BTRD
    [InlineData(60L, 0.5, 4UL)]                // n·p = 30: BTRD
    [InlineData(59L, 0.5, 5UL)]                // n·p = 29.5: BTRD, no reflection
    [InlineData(1000L, 0.5, 6UL)]              // p = 1/2: BTRD, no reflection
    [InlineData(1000L, 0.9, 7UL)]              // p > 1/2: BTRD on q = 0.1, reflected
    [InlineData(31L, 0.97, 8UL)]               // p > 1/2: inversion on q, reflected
    [InlineData(51204L, 0.35, 9UL)]            // moderate n
    [InlineData(10_000_000L, 0.0051204, 10UL)] // large n, mean 51204
    [InlineData(10_000_000L, 1e-6, 11UL)]      // large n, tiny p: BTRD at n·p = 10 exactly
    [InlineData(10_000_000L, 0.5, 12UL)]       // large n and variance
    [InlineData(100L, 0.099, 13UL)]            // n·p = 9.9: inversion, just below the switch
    [InlineData(100L, 0.101, 14UL)]            // n·p = 10.1: BTRD, just above the switch
    [InlineData(40L, 0.26, 15UL)]              // n·p = 10.4: BTRD near the switch, larger p
    [InlineData(20L, 0.5, 16UL)]               // n·p = 10: BTRD at its smallest mean, p = 1/2
    [InlineData(19L, 0.5, 17UL)]               // n·p = 9.5: inversion with the smallest P(X = 0)
    [InlineData(100L, 0.901, 18UL)]            // n·q = 9.9: inversion on q, reflected
    [InlineData(100L, 0.899, 19UL)]            // n·q = 10.1: BTRD on q, reflected
    [InlineData(40L, 0.74, 20UL)]              // n·q = 10.4: BTRD on q, reflected
    [InlineData(10_000_000L, 0.99e-6, 26UL)]   // large n, tiny p: inversion at n·p = 9.9
    [InlineData(10_000_000L, 1.01e-6, 27UL)]   // large n, tiny p: BTRD at n·p = 10.1
    [InlineData(3800L, 0.1, 28UL)]             // mean 380, as in the engine
    [InlineData(200L, 0.05, 29UL)]             // n·p = 10, npq = 9.5: every |k − m| > 15 takes the exact test
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
    /// (1e15, 9e-15) would be visibly biased if P(X = 0) were computed as Math.Pow(1 − p, n), since
    /// 1 − 9e-15 carries a relative error of about 1% in its logarithm.
    /// </summary>
    [Theory]
    [InlineData(5_000_000_000L, 0.3, 21UL)]
    [InlineData(1_000_000_000_000L, 1e-11, 22UL)]                        // BTRD, n·p = 10
    [InlineData(1_000_000_000_000_000L, 1e-14, 23UL)]                    // BTRD, n·p = 10
    [InlineData(1_000_000_000_000_000L, 9e-15, 30UL)]                    // inversion, n·p = 9
    [InlineData(1_000_000_000_000_000_000L, 0.999_999_999_999_99, 24UL)] // BTRD, n·q ≈ 1e4
    [InlineData(1_000_000_000_000_000_000L, 0.3, 25UL)]                  // n·p above 2^53
    [InlineData(long.MaxValue, 0.5, 31UL)]                               // largest σ: step 3.1's products near their bound
    [InlineData(long.MaxValue, 2e-18, 32UL)]                             // BTRD with m ≈ 18, where n − m rounds to 2^63
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

    /// <summary>
    /// Draws from several (n, p) in turn from one stream, as the engine does, and tests each
    /// marginal by chi-square as in <see cref="Sample_MatchesBinomialPmf"/>: any state carried from
    /// one call into the next (a cached set-up, a leftover uniform) would show as a misfit. The
    /// pairs cover both algorithms on both sides of the switch, reflected and not, and the engine's
    /// means (about 14,600, 1,700, 380).
    /// </summary>
    [Fact]
    public void Sample_MixedSequence_EachMarginalMatchesPmf()
    {
        (int N, double P)[] cases =
        [
            (51204, 0.2851), (14600, 0.1164), (100, 0.099), (100, 0.101), (3800, 0.1), (40, 0.74), (20, 0.1), (1000, 0.9),
        ];
        var draws = new long[cases.Length][];
        for (int c = 0; c < cases.Length; c++)
        {
            draws[c] = new long[Draws];
        }

        var rng = new Xoshiro256(60);
        for (int i = 0; i < Draws; i++)
        {
            for (int c = 0; c < cases.Length; c++)
            {
                draws[c][i] = BinomialSampler.Sample(ref rng, cases[c].N, cases[c].P);
            }
        }

        var failures = new List<string>();
        for (int c = 0; c < cases.Length; c++)
        {
            var (n, p) = cases[c];
            double pValue = ChiSquarePValue(draws[c], n, p, out int df, out double x2);
            _output.WriteLine($"n={n}, p={p}: X²={x2:F1}, df={df}, p-value={pValue:F4}");
            if (!(pValue > 0.001))
            {
                failures.Add($"n={n}, p={p}: p-value {pValue} (X²={x2}, df={df})");
            }

            AssertMoments(draws[c], n, p);
        }

        Assert.Empty(failures);
    }

    /// <summary>
    /// BTRD's exact acceptance test, log(f(k)/f(m)) from Stirling's formula with the correction
    /// fc, against MathNet's log pmf. The cases put k, m, n − k or n − m at 9 or below, where fc
    /// comes from the table rather than the series, and at 10 where the series takes over; a wrong
    /// table entry or a correction added with the wrong sign is off by 1e-4 or more.
    /// </summary>
    [Theory]
    [InlineData(26L, 10L, 1000L, 0.01)]  // k ≤ 9 left of m: table for fc(k)
    [InlineData(0L, 10L, 500L, 0.02)]
    [InlineData(9L, 30L, 1000L, 0.03)]
    [InlineData(10L, 30L, 1000L, 0.03)]  // first argument on the series
    [InlineData(41L, 25L, 50L, 0.5)]     // n − k = 9: table for fc(n − k)
    [InlineData(50L, 25L, 50L, 0.5)]     // k = n: fc(0)
    [InlineData(40L, 10L, 40L, 0.26)]
    [InlineData(380L, 330L, 3800L, 0.0868)]
    [InlineData(14_800L, 14_598L, 51_204L, 0.2851)]
    public void LogRatioStirling_MatchesLogPmfRatio(long k, long m, long n, double p)
    {
        double expected = Binomial.PMFLn(p, (int)n, (int)k) - Binomial.PMFLn(p, (int)n, (int)m);
        double actual = BinomialSampler.LogRatioStirling(k, m, n, p, 1.0 - p);
        Assert.True(
            Math.Abs(actual - expected) <= 1e-10 * Math.Max(1.0, Math.Abs(expected)),
            $"log ratio {actual}, expected {expected}, difference {actual - expected}");
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
    [InlineData(19L, 43UL)]     // inversion (n·p = 9.5)
    [InlineData(41L, 34UL)]     // BTRD (n·p = 20.5)
    [InlineData(1001L, 35UL)]   // BTRD
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
        McTolerance.RateWithin4Se(0.5, fraction, Draws, "share at or below the median");
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

        // No draw allocates: a single object per draw would be at least 24 bytes x 10,000 draws = 240,000 bytes. Below one byte
        // per draw is what the runtime itself may allocate once on this thread (3,152 bytes were seen once in a full run,
        // as tiered compilation replaced the warmed-up code), not the sampler.
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 10_000, $"{allocated} bytes allocated over 10,000 draws");
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
            McTolerance.Within4Se(expected, mean, se, $"category {i}");
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
        McTolerance.Within4Se(0.0, meanDev, seMean, "mean deviation from n p");
        McTolerance.Within4Se(sigma2, variance, seVar, "variance");
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
