using System.Runtime.CompilerServices;
using BiasSim.Core.Randomness;

namespace BiasSim.Core.Sampling;

/// <summary>
/// Exact binomial and multinomial variates in O(1) expected time, drawing uniforms from a
/// caller-owned <see cref="Xoshiro256"/>.
/// </summary>
/// <remarks>
/// <para>
/// Small means (n·min(p, 1−p) &lt; <see cref="InversionThreshold"/>) use sequential-search inversion
/// from 0, whose cost is proportional to the mean and so bounded by the threshold; larger means use
/// BTPE: V. Kachitvichyanukul and B. W. Schmeiser, "Binomial random variate generation",
/// Communications of the ACM 31(2):216–222, 1988. The structure follows NumPy's
/// <c>random_binomial_inversion</c> / <c>random_binomial_btpe</c>
/// (numpy/random/src/distributions/distributions.c), including its switch point of 30, which is the
/// one recommended in the paper.
/// </para>
/// <para>
/// Nothing is cached between calls (NumPy caches the BTPE set-up per (n, p)): in this project
/// consecutive draws almost always have different parameters, so a cache would only add a branch
/// and mutable shared state.
/// </para>
/// </remarks>
public static class BinomialSampler
{
    /// <summary>
    /// Below this mean (of the rarer outcome) inversion is used, above it BTPE. BTPE's envelope is
    /// only tight, and its set-up only pays off, for means of about this size or more; inversion
    /// costs one multiply-add per unit of mean.
    /// </summary>
    public const double InversionThreshold = 30.0;

    /// <summary>Draws X ~ Binomial(<paramref name="n"/>, <paramref name="p"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> &lt; 0, or <paramref name="p"/> outside [0, 1] or NaN.</exception>
    public static long Sample(ref Xoshiro256 rng, long n, double p)
    {
        if (n < 0)
        {
            ThrowNegativeN(n);
        }

        // Written so that NaN fails too.
        if (!(p >= 0.0 && p <= 1.0))
        {
            ThrowBadProbability(p);
        }

        return SampleUnchecked(ref rng, n, p);
    }

    /// <summary>
    /// Draws a multinomial vector: <paramref name="n"/> trials spread over the categories of
    /// <paramref name="probabilities"/>, written to <paramref name="counts"/>.
    /// </summary>
    /// <remarks>
    /// Uses the chain of conditional binomials: given the counts of categories before i, the count
    /// of category i is Binomial(remaining trials, p_i / remaining mass). The weights need not sum
    /// to 1; they are normalised by their sum. The last category with positive weight takes the
    /// remainder, so rounding in the running mass can never leak trials into a zero-weight
    /// category.
    /// </remarks>
    /// <exception cref="ArgumentException">Span lengths differ, or the weights are all zero while <paramref name="n"/> &gt; 0.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> &lt; 0, or a weight is negative, infinite or NaN.</exception>
    public static void SampleMultinomial(ref Xoshiro256 rng, long n, ReadOnlySpan<double> probabilities, Span<long> counts)
    {
        if (n < 0)
        {
            ThrowNegativeN(n);
        }

        if (counts.Length != probabilities.Length)
        {
            throw new ArgumentException(
                $"counts has length {counts.Length} but probabilities has length {probabilities.Length}.", nameof(counts));
        }

        double total = 0.0;
        int last = -1;
        for (int i = 0; i < probabilities.Length; i++)
        {
            double w = probabilities[i];
            if (!(w >= 0.0 && w <= double.MaxValue))
            {
                throw new ArgumentOutOfRangeException(
                    nameof(probabilities), w, $"Weight {i} must be finite and non-negative.");
            }

            if (w > 0.0)
            {
                total += w;
                last = i;
            }
        }

        counts.Clear();
        if (n == 0)
        {
            return;
        }

        if (last < 0 || !(total <= double.MaxValue))
        {
            throw new ArgumentException("The weights must be finite with a positive sum.", nameof(probabilities));
        }

        long remaining = n;
        double remainingMass = total;
        for (int i = 0; i < last && remaining > 0; i++)
        {
            double w = probabilities[i];
            if (w == 0.0)
            {
                continue;
            }

            // The running mass can drift below the true remaining sum by a few ulps, so the ratio
            // can exceed 1 slightly; it can never be legitimately above 1.
            double conditional = Math.Min(w / remainingMass, 1.0);
            long c = SampleUnchecked(ref rng, remaining, conditional);
            counts[i] = c;
            remaining -= c;
            remainingMass -= w;
        }

        counts[last] = remaining;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long SampleUnchecked(ref Xoshiro256 rng, long n, double p)
    {
        if (n == 0 || p == 0.0)
        {
            return 0;
        }

        if (p == 1.0)
        {
            return n;
        }

        // Both branches below assume p <= 1/2: inversion needs the probability of 0 not to
        // underflow, and BTPE's constants are derived for the mode at or left of the centre.
        if (p <= 0.5)
        {
            return n * p < InversionThreshold ? Inversion(ref rng, n, p) : Btpe(ref rng, n, p);
        }

        double q = 1.0 - p;
        return n - (n * q < InversionThreshold ? Inversion(ref rng, n, q) : Btpe(ref rng, n, q));
    }

    /// <summary>Sequential search from 0 for 0 &lt; p ≤ 1/2 and n·p &lt; 30.</summary>
    private static long Inversion(ref Xoshiro256 rng, long n, double p)
    {
        double q = 1.0 - p;

        // P(X = 0) = q^n. With p <= 1/2, -log(q) <= 2 ln 2 · p, so n·log(q) >= -2 ln 2 · 30 ≈ -41.6:
        // q^n >= 8e-19 and never underflows. log1p keeps tiny p (1e-12 and below) from being
        // rounded away in 1 - p before the logarithm, which Math.Pow(1 - p, n) would suffer.
        double q0 = Math.Exp(n * Log1P(-p));

        // Successive pmf ratios are (n - x + 1)/x · p/q = a/x - s.
        double s = p / q;
        double a = (n + 1) * s;

        // The search stops 10 standard deviations (plus 10) above the mean. Rounding in the
        // running subtraction can make the tail sum fall short of U; restarting then (rather than
        // walking on to n, which for n = 1e12 would never finish) conditions on a set whose
        // probability is far below double precision anyway.
        double np = n * p;
        long bound = (long)Math.Min(n, np + 10.0 * Math.Sqrt(np * q + 1.0));

        while (true)
        {
            double u = rng.NextDouble();
            double px = q0;
            long x = 0;
            while (u > px)
            {
                u -= px;
                x++;
                if (x > bound)
                {
                    goto Restart;
                }

                px *= a / x - s;
            }

            return x;

        Restart:;
        }
    }

    /// <summary>
    /// BTPE (Kachitvichyanukul and Schmeiser 1988) for 0 &lt; p ≤ 1/2 and n·p ≥ 30. Step numbers
    /// refer to the paper. The hat function is a triangle over the centre, parallelograms either
    /// side of it and exponential tails; most draws are accepted from the triangle with two
    /// uniforms and no transcendental function.
    /// </summary>
    /// <remarks>
    /// Candidates are formed as the mode m plus a floored offset rather than as floor(x) of an
    /// absolute abscissa, and the Stirling test uses log1p of exact integer differences. The two
    /// are algebraically the paper's formulas, but keep every returned value reachable and the
    /// acceptance test accurate when n·p is too large for m + 0.5 to be represented (above 2^52).
    /// Beyond that size only the hat's constants carry rounding, which changes its efficiency
    /// by a relative 1e-8 or so, not the values it can produce.
    /// </remarks>
    private static long Btpe(ref Xoshiro256 rng, long n, double p)
    {
        // Step 0: set-up. Offsets (…Off) are measured from the mode m.
        double q = 1.0 - p;
        double nDouble = n;
        double npq = nDouble * p * q;
        double fm = nDouble * p + p;
        long m = (long)Math.Floor(fm);
        double mDouble = m;
        double p1 = Math.Floor(2.195 * Math.Sqrt(npq) - 4.6 * q) + 0.5; // triangle half-width
        double xlOff = 0.5 - p1;                    // xl − m
        double xrOff = 0.5 + p1;                    // xr − m
        double c = 0.134 + 20.5 / (15.3 + mDouble);
        double fmOff = fm - mDouble;                // fm − m, in [0, 1)
        double xl = mDouble + xlOff;
        double a = (fmOff - xlOff) / (fm - xl * p);
        double lambdaL = a * (1.0 + 0.5 * a);
        double xr = mDouble + xrOff;
        a = (xrOff - fmOff) / (xr * q);
        double lambdaR = a * (1.0 + 0.5 * a);
        double p2 = p1 * (1.0 + 2.0 * c);
        double p3 = p2 + c / lambdaL;
        double p4 = p3 + c / lambdaR;

        while (true)
        {
            // Step 1: choose a region in proportion to its area under the hat.
            double u = rng.NextDouble() * p4;
            double v = rng.NextDouble();
            long y;

            if (u <= p1)
            {
                // The triangle lies entirely under the scaled pmf: accept without a test.
                return m + (long)Math.Floor(0.5 - p1 * v + u);
            }

            if (u <= p2)
            {
                // Step 2: parallelograms. xOff = x − m, and |m − x + 0.5| = |0.5 − xOff|.
                double xOff = xlOff + (u - p1) / c;
                v = v * c + 1.0 - Math.Abs(0.5 - xOff) / p1;
                if (v > 1.0)
                {
                    continue;
                }

                y = m + (long)Math.Floor(xOff);
            }
            else if (u <= p3)
            {
                // Step 3: left exponential tail. v == 0 would give log(0) = -inf; reject it
                // before any conversion to long rather than rely on saturation.
                if (v == 0.0)
                {
                    continue;
                }

                double yOff = Math.Floor(xlOff + Math.Log(v) / lambdaL);
                if (yOff < -mDouble)
                {
                    continue;
                }

                y = m + (long)yOff;
                v *= (u - p2) * lambdaL;
            }
            else
            {
                // Step 4: right exponential tail.
                if (v == 0.0)
                {
                    continue;
                }

                double yOff = Math.Floor(xrOff - Math.Log(v) / lambdaR);
                if (yOff > nDouble - mDouble)
                {
                    continue;
                }

                y = m + (long)yOff;
                if (y > n)
                {
                    continue;
                }

                v *= (u - p3) * lambdaR;
            }

            // Step 5: acceptance test of v against f(y)/f(m).
            long k = Math.Abs(y - m);
            if (k <= 20 || k >= npq / 2.0 - 1.0)
            {
                // Step 5.1: near the mode (or for small npq, where the squeeze is not valid)
                // the ratio f(y)/f(m) is a short product of pmf recurrences.
                if (ExplicitRatioAccepts(v, y, m, nDouble, p / q))
                {
                    return y;
                }

                continue;
            }

            // Step 5.2: squeeze on log(v) using bounds on log(f(y)/f(m)) from the normal
            // approximation, so most far-from-mode candidates skip the Stirling evaluation.
            double kd = k;
            double rho = kd / npq * ((kd * (kd / 3.0 + 0.625) + 0.1666666666666667) / npq + 0.5);
            double t = -kd * kd / (2.0 * npq);
            double logV = Math.Log(v); // v == 0 gives -inf, which is correctly accepted below
            if (logV < t - rho)
            {
                return y;
            }

            if (logV > t + rho)
            {
                continue;
            }

            // Step 5.3: exact test with log(f(y)/f(m)) from Stirling's series (to 1/x^9) for
            // the four factorials involved.
            if (logV <= LogRatioStirling(y, m, nDouble, p, q))
            {
                return y;
            }
        }
    }

    /// <summary>Step 5.1: v ≤ f(y)/f(m), the ratio built from f(i)/f(i−1) = (n−i+1)/i · s with s = p/q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ExplicitRatioAccepts(double v, long y, long m, double n, double s)
    {
        double a = s * (n + 1.0);
        double f = 1.0;
        if (m < y)
        {
            for (long i = m + 1; i <= y; i++)
            {
                f *= a / i - s;
            }
        }
        else if (m > y)
        {
            for (long i = y + 1; i <= m; i++)
            {
                f /= a / i - s;
            }
        }

        return v <= f;
    }

    /// <summary>Step 5.3: log(f(y)/f(m)) via Stirling's formula with its correction series.</summary>
    /// <remarks>
    /// With log x! = (x + ½)·log(x + 1) − (x + 1) + ½·log 2π + δ(x + 1), the ratio
    /// m!(n−m)! / (y!(n−y)!) · (p/q)^(y−m) gives the three log terms below plus
    /// δ(f1) + δ(z) − δ(x1) − δ(w). The paper (and NumPy until numpy/numpy#31238)
    /// adds all four corrections; the denominators' factorials must be subtracted.
    /// </remarks>
    private static double LogRatioStirling(long y, long m, double n, double p, double q)
    {
        double d = y - m;           // exact: f1 − x1 = −d and z − w = d
        double x1 = y + 1.0;
        double f1 = m + 1.0;
        double z = n + 1.0 - m;
        double w = n - y + 1.0;
        return (m + 0.5) * Log1P(-d / x1)       // xm·log(f1/x1)
            + (n - m + 0.5) * Log1P(d / w)      // (n − m + ½)·log(z/w)
            + d * Math.Log(w * p / (x1 * q))
            + StirlingCorrection(f1)
            + StirlingCorrection(z)
            - StirlingCorrection(x1)
            - StirlingCorrection(w);
    }

    /// <summary>
    /// δ(x) = log Γ(x) − [(x − ½)·log x − x + ½·log 2π]
    /// ≈ 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷) + 1/(1188x⁹), over the common denominator
    /// 166320. The leading numerator is 166320/12 = 13860; NumPy's source long had the digit swap
    /// 13680.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double StirlingCorrection(double x)
    {
        double x2 = x * x;
        return (13860.0 - (462.0 - (132.0 - (99.0 - 140.0 / x2) / x2) / x2) / x2) / x / 166320.0;
    }

    /// <summary>
    /// log(1 + x) accurate for small |x|. <c>double.LogP1</c> is not used because it is computed as
    /// <c>Math.Log(1 + x)</c>, which loses all precision for |x| below about 1e-16.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Log1P(double x)
    {
        double u = 1.0 + x;
        if (u == 1.0)
        {
            return x;
        }

        // Goldberg's correction: log(u) * x / (u - 1) cancels the rounding error made in 1 + x.
        return Math.Log(u) * x / (u - 1.0);
    }

    private static void ThrowNegativeN(long n) =>
        throw new ArgumentOutOfRangeException(nameof(n), n, "The number of trials must be non-negative.");

    private static void ThrowBadProbability(double p) =>
        throw new ArgumentOutOfRangeException(nameof(p), p, "The probability must lie in [0, 1].");
}
