namespace BiasSim.Core.Tests.Support;

/// <summary>
/// Exact distributions of recorded counts by enumeration, and the Katz rate-ratio flag re-implemented here from its
/// formula (Katz, Baptista, Azen and Pike 1978: SE(log RR) = sqrt(1/x_g - 1/N_g + 1/x_ref - 1/N_ref)) rather than
/// called from the detector under test. Summing a flag indicator over an exact pmf gives the exact power that a
/// simulated flag rate is checked against.
/// </summary>
internal static class ExactEnumeration
{
    /// <summary>Phi^-1(0.975) to double precision: the two-sided 95% normal quantile the detectors use.</summary>
    public const double Z975 = 1.959963984540054;

    /// <summary>Support of Bin(<paramref name="n"/>, <paramref name="q"/>) out to 12 SD either side, with its pmf (MathNet):
    /// the mass left out is below 1e-30.</summary>
    public static IEnumerable<(long K, double P)> Binomial(long n, double q)
    {
        double mean = n * q, sd = Math.Sqrt(n * q * (1 - q));
        long lo = Math.Max(0, (long)Math.Floor(mean - 12 * sd - 5));
        long hi = Math.Min(n, (long)Math.Ceiling(mean + 12 * sd + 5));
        for (long k = lo; k <= hi; k++) yield return (k, MathNet.Numerics.Distributions.Binomial.PMF(q, (int)n, (int)k));
    }

    /// <summary>
    /// The joint law of two cells of a multinomial with <paramref name="total"/> trials, cell probabilities
    /// <paramref name="a"/> (the group) and <paramref name="b"/> (the reference), the rest pooled: X_G ~ Bin(T, a) and
    /// X_ref | X_G ~ Bin(T - X_G, b / (1 - a)).
    /// </summary>
    public static IEnumerable<(long XRef, long XG, double P)> TwoCellsOfMultinomial(long total, double a, double b) =>
        from g in Binomial(total, a)
        from r in Binomial(total - g.K, b / (1 - a))
        select (r.K, g.K, g.P * r.P);

    /// <summary>The Katz 95% interval of the rate ratio, or null when not estimable (a zero count).</summary>
    public static (double Lower, double Upper)? KatzInterval(long xRef, long nRef, long xG, long nG)
    {
        if (xRef == 0 || xG == 0) return null;
        double log = Math.Log((double)xG / nG / ((double)xRef / nRef));
        double se = Math.Sqrt(1.0 / xG - 1.0 / nG + 1.0 / xRef - 1.0 / nRef);
        return (Math.Exp(log - Z975 * se), Math.Exp(log + Z975 * se));
    }

    /// <summary>The Katz 95% flag: +1 when the interval lies above 1, -1 below, 0 otherwise or when not estimable (a zero count).</summary>
    public static int KatzFlag(long xRef, long nRef, long xG, long nG) =>
        KatzInterval(xRef, nRef, xG, nG) is var (lower, upper) ? (lower > 1 ? 1 : upper < 1 ? -1 : 0) : 0;

    /// <summary>Exact probabilities of an up and a down Katz flag under the joint law <paramref name="joint"/> of the recorded counts.</summary>
    public static (double Up, double Down) KatzFlagProbability(IEnumerable<(long XRef, long XG, double P)> joint, long nRef, long nG)
    {
        double up = 0, down = 0;
        foreach (var (xRef, xG, p) in joint)
        {
            switch (KatzFlag(xRef, nRef, xG, nG))
            {
                case 1: up += p; break;
                case -1: down += p; break;
            }
        }
        return (up, down);
    }
}
