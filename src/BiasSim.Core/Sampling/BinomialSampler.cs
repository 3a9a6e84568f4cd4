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
/// BTRD, transformed rejection with decomposition: W. Hörmann, "The generation of binomial random
/// variates", Journal of Statistical Computation and Simulation 46:101–110, 1993. Its switch point
/// of 10 is the paper's range of validity. Step numbers in <see cref="Btrd"/> refer to the paper;
/// the constants are the paper's, as in Boost's <c>binomial_distribution</c> (BTRD) and
/// TensorFlow's <c>random_binomial_op.cc</c> (the paper's BTRS, the same hat without the
/// decomposition).
/// </para>
/// <para>
/// BTRD replaced BTPE (Kachitvichyanukul and Schmeiser 1988): its set-up is smaller, and each
/// iteration lands in a box that needs no acceptance test with probability 0.86·v_r (72% at mean
/// 380, 78% at mean 15,000, 79% in the limit, 40% at mean 10), at the cost of two uniforms, a
/// square root and one division; in the engine's mixed sequence about 86% of draws end there, after
/// 1.15 iterations per draw on average. That is what matters here because nothing is cached between
/// calls: in this project consecutive draws almost always have different parameters, so a cache
/// would only add a branch and mutable shared state.
/// </para>
/// </remarks>
internal static class BinomialSampler
{
    /// <summary>
    /// Below this mean (of the rarer outcome) inversion is used, above it BTRD. Hörmann's constants
    /// are valid for means of 10 or more; inversion costs one multiply-add and a division per unit
    /// of mean, so it is only used below that.
    /// </summary>
    public const double InversionThreshold = 10.0;

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
        // underflow, and BTRD's constants are derived for p <= 1/2.
        if (p <= 0.5)
        {
            return n * p < InversionThreshold ? Inversion(ref rng, n, p) : Btrd(ref rng, n, p);
        }

        double q = 1.0 - p;
        return n - (n * q < InversionThreshold ? Inversion(ref rng, n, q) : Btrd(ref rng, n, q));
    }

    /// <summary>Sequential search from 0 for 0 &lt; p ≤ 1/2 and n·p &lt; <see cref="InversionThreshold"/>.</summary>
    private static long Inversion(ref Xoshiro256 rng, long n, double p)
    {
        double q = 1.0 - p;

        // P(X = 0) = q^n. With p <= 1/2, -log(q) <= 2 ln 2 · p, so n·log(q) >= -2 ln 2 · 10 ≈ -13.9:
        // q^n >= 9e-7 and never underflows. log1p keeps tiny p (1e-12 and below) from being
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
    /// BTRD (Hörmann 1993) for 0 &lt; p ≤ 1/2 and n·p ≥ <see cref="InversionThreshold"/>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Transformed rejection: u uniform on (−½, ½) is mapped to x = G(u) = (2a/(½ − |u|) + b)·u + c,
    /// whose density, scaled by α, is a hat with Cauchy-like tails over f(⌊x⌋)/f(m), m the mode;
    /// k = ⌊x⌋ is accepted when v, uniform on (0, 1), times α/G′(u) lies under f(k)/f(m). The
    /// decomposition: the box |u| ≤ 0.43, v ≤ v_r (v_r = 0.92 − 4.2/b) lies wholly under that
    /// ratio, so a point in it is accepted without a test. A uniform w picks the box with
    /// probability 0.86·v_r; the rest of the unit square is reached as in the paper's step 2.
    /// </para>
    /// <para>Departures from the paper, none of which changes the distribution:</para>
    /// <list type="bullet">
    /// <item>In step 1 the paper reuses w for u (u = w/v_r − 0.43, uniform given w ≤ 0.86·v_r);
    /// here u is a second uniform. That costs a draw from the generator but takes a division off
    /// the path from (n, p) to the result, and u/(½ − |u|) no longer waits for the square root.
    /// With a and b affine in σ = √(npq), G(u) − m is then one multiply-add in σ.</item>
    /// <item>The squeeze of step 3.2 (BTPE's bounds on log f(k)/f(m)) is used only for
    /// |k − m| &lt; npq/2 − 1, the range in which Kachitvichyanukul and Schmeiser derived it; the
    /// paper applies it to every |k − m| &gt; 15. Checked against exact log-factorials (40 digits),
    /// its lower bound then exceeds the true log ratio for candidates far left of the mode when p is
    /// small (for n·p = 30, p = 10⁻³, at k = m − 30 by 1.2 in the log), which would accept them too
    /// often. With the restriction the bounds held in every case checked (means 10 to 10⁸, p from
    /// 10⁻⁹ to ½); candidates outside it go straight to the exact test. The same check found the
    /// hat and the box valid throughout, with log margins of at least 0.0047, far above rounding.</item>
    /// <item>v·α/G′(u) is kept as a fraction, so that step 3.1 (a product of pmf ratios, each also
    /// kept as a fraction) needs no division at all.</item>
    /// <item>As in the BTPE this replaced, candidates are the mode plus a floored offset, and the
    /// exact test is written in log1p of exact integer differences (<see cref="LogRatioStirling"/>),
    /// so every value stays reachable and the test accurate when n·p is too large for
    /// c = n·p + ½ to carry a fraction (above 2^52). Beyond that size only the hat's constants carry
    /// rounding, which changes its efficiency by a relative 1e-8 or so, not the values it can
    /// produce.</item>
    /// </list>
    /// </remarks>
    private static long Btrd(ref Xoshiro256 rng, long n, double p)
    {
        // Step 0: set-up. The paper's constants, with b = B0 + B1·σ and a = A0 + A1·b + A2·p, so
        // that 2a = TwoA0 + TwoA1·σ.
        const double B0 = 1.15, B1 = 2.53;
        const double A0 = -0.0873, A1 = 0.0248, A2 = 0.01;
        const double TwoA1 = 2.0 * A1 * B1;
        double q = 1.0 - p;
        double np = n * p;
        double npq = np * q;
        double sigma = Math.Sqrt(npq);
        double b = B0 + B1 * sigma;
        double twoA0 = 2.0 * (A0 + A1 * B0 + A2 * p);
        double mDouble = Math.Floor(np + p);                        // m = ⌊(n + 1)·p⌋
        long m = double.ConvertToIntegerNative<long>(mDouble);      // exact: 0 ≤ m < 2^63
        double cOff = np - mDouble + 0.5;                           // c − m; np − m is exact
        double boxW = 0.86 * (0.92 * b - 4.2);                      // 0.86·v_r·b

        // A local copy lets the JIT keep the generator's state in registers.
        Xoshiro256 r = rng;
        while (true)
        {
            double w = r.NextDouble();
            double u = r.NextDouble();
            if (w * b <= boxW)
            {
                // Step 1: the box, accepted outright. |u| ≤ 0.43 keeps k within [0, n] for means
                // of 10 or more.
                u = 0.86 * u - 0.43;
                double t = u / (0.5 - Math.Abs(u));
                rng = r;
                return m + double.ConvertToIntegerNative<long>(
                    Math.Floor(sigma * (TwoA1 * t + B1 * u) + (twoA0 * t + B0 * u + cOff)));
            }

            // Step 2: the rest of the unit square, as (u, v). vb is v·b.
            double vrb = 0.92 * b - 4.2;                            // v_r·b
            double vb;
            if (w * b >= vrb)
            {
                u -= 0.5;                                           // the second uniform, on [−½, ½)
                vb = w * b;                                         // v = w, uniform on [v_r, 1)
            }
            else
            {
                u = w * b / vrb - 0.93;                             // uniform on (−0.07, 0.07)
                u = (u < 0.0 ? -0.5 : 0.5) - u;                     // 0.43 < |u| ≤ ½
                vb = r.NextDouble() * vrb;                          // v uniform on [0, v_r)
            }

            // Step 3.0: the candidate, as an offset from m. |u| = ½ gives ±∞ (2a > 0), rejected with
            // anything else outside [0, n], as NaN would be. The comparison in doubles makes the
            // conversion safe (kOff < 2^63: n − m rounds to 2^63 only for m < 1024, where σ < 32
            // bounds |kOff| by 2a·2^53 < 2^56); the one in integers is exact.
            double us = 0.5 - Math.Abs(u);
            double kOff = Math.Floor((twoA0 + TwoA1 * sigma) * (u / us) + b * u + cOff);
            if (!(kOff >= -mDouble && kOff <= n - mDouble))
            {
                continue;
            }

            long kOffset = double.ConvertToIntegerNative<long>(kOff);
            if (kOffset > n - m)
            {
                continue;
            }

            long k = m + kOffset;

            // v·α/G′(u) = num/den, with α = (2.83 + 5.1/b)·σ and G′(u) = a/us² + b.
            double us2 = us * us;
            double a = 0.5 * (twoA0 + TwoA1 * sigma);
            double num = vb * (2.83 * b + 5.1) * sigma * us2;
            double den = b * b * (a + b * us2);
            long km = Math.Abs(k - m);

            if (km <= 15)
            {
                // Step 3.1: f(k)/f(m) as a short product of f(i)/f(i − 1) = (n − i + 1)·p / (i·q).
                if (ExplicitRatioAccepts(num, den, k, m, n, p, q))
                {
                    rng = r;
                    return k;
                }

                continue;
            }

            double logV = Math.Log(num / den);                     // v == 0 gives −∞: accepted
            if (km < npq / 2.0 - 1.0)
            {
                // Step 3.2: squeeze with BTPE's bounds on log(f(k)/f(m)), valid in this range.
                double kd = km;
                double invNpq = 1.0 / npq;
                double rho = kd * invNpq * ((kd * (kd / 3.0 + 0.625) + 1.0 / 6.0) * invNpq + 0.5);
                double tq = -0.5 * kd * kd * invNpq;
                if (logV < tq - rho)
                {
                    rng = r;
                    return k;
                }

                if (logV > tq + rho)
                {
                    continue;
                }
            }

            // Steps 3.3 and 3.4: the exact test.
            if (logV <= LogRatioStirling(k, m, n, p, q))
            {
                rng = r;
                return k;
            }
        }
    }

    /// <summary>
    /// Step 3.1: num/den ≤ f(k)/f(m) for |k − m| ≤ 15, with f(i)/f(i − 1) = (n − i + 1)·p / (i·q)
    /// multiplied out on both sides.
    /// </summary>
    /// <remarks>
    /// No overflow: with σ² = npq, each factor is at most about σ² + 16 and num and den at most
    /// about 5σ³, so each side stays below about 5σ³³, which is under 1e304 for σ ≤ √(2^63/4).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ExplicitRatioAccepts(double num, double den, long k, long m, long n, double p, double q)
    {
        if (m < k)
        {
            for (long i = m + 1; i <= k; i++)
            {
                den *= (n - i + 1) * p;
                num *= i * q;
            }
        }
        else
        {
            for (long i = k + 1; i <= m; i++)
            {
                num *= (n - i + 1) * p;
                den *= i * q;
            }
        }

        return num <= den;
    }

    /// <summary>Steps 3.3–3.4: log(f(k)/f(m)) via Stirling's formula with the correction <see cref="Fc"/>.</summary>
    /// <remarks>
    /// With log j! = (j + ½)·log(j + 1) − (j + 1) + ½·log 2π + fc(j), the ratio
    /// m!(n−m)! / (k!(n−k)!) · (p/q)^(k−m) is, with d = k − m,
    /// (m + ½)·log((m+1)/(k+1)) + (n − m + ½)·log((n−m+1)/(n−k+1)) + d·log((n−k+1)p / ((k+1)q))
    /// + fc(m) + fc(n − m) − fc(k) − fc(n − k). This is the paper's h and step 3.4 regrouped so that
    /// each logarithm is log1p of an exact integer difference: the paper's
    /// (n + 1)·log((n−m+1)/(n−k+1)) would lose all accuracy to rounding for n of 1e12 and more.
    /// </remarks>
    internal static double LogRatioStirling(long k, long m, long n, double p, double q)
    {
        long nm = n - m;
        long nk = n - k;
        double d = k - m;
        double x1 = k + 1.0;
        double w = nk + 1.0;
        return (m + 0.5) * Log1P(-d / x1)           // (m + ½)·log((m + 1)/(k + 1))
            + (nm + 0.5) * Log1P(d / w)             // (n − m + ½)·log((n − m + 1)/(n − k + 1))
            + d * Math.Log(w * p / (x1 * q))
            + Fc(m)
            + Fc(nm)
            - Fc(k)
            - Fc(nk);
    }

    /// <summary>
    /// fc(j) = log j! − [(j + ½)·log(j + 1) − (j + 1) + ½·log 2π], from a table of exact values
    /// (computed to 40 digits) for j ≤ 9, where the series is not accurate, and from the series
    /// <see cref="StirlingCorrection"/>(j + 1) above (error below 1e-14 at j = 10).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Fc(long j) => j <= 9 ? FcTable[(int)j] : StirlingCorrection(j + 1.0);

    private static ReadOnlySpan<double> FcTable =>
    [
        0.08106146679532726,
        0.0413406959554093,
        0.02767792568499834,
        0.020790672103765093,
        0.016644691189821193,
        0.013876128823070748,
        0.01189670994589177,
        0.010411265261972096,
        0.009255462182712733,
        0.00833056343336287,
    ];

    /// <summary>
    /// δ(x) = log Γ(x) − [(x − ½)·log x − x + ½·log 2π]
    /// ≈ 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷) + 1/(1188x⁹), over the common denominator
    /// 166320. The leading numerator is 166320/12 = 13860; NumPy's source long had the digit swap
    /// 13680.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double StirlingCorrection(double x)
    {
        double r = 1.0 / x;
        double r2 = r * r;
        return (13860.0 - (462.0 - (132.0 - (99.0 - 140.0 * r2) * r2) * r2) * r2) * r * (1.0 / 166320.0);
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
