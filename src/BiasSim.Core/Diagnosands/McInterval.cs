namespace BiasSim.Core.Diagnosands;

/// <summary>
/// A Monte Carlo interval for a rate estimated from k of n replicates. The Wilson score interval (Wilson 1927, JASA
/// 22:209-212) stays inside [0, 1] and is not degenerate at k = 0 or k = n, where the normal SE sqrt(p(1-p)/n) is 0 and
/// would claim a certainty the simulation does not have (at k = 0 its upper end is z^2/(n + z^2), close to the rule of
/// three's 3/n at z = 1.96).
/// </summary>
public static class McInterval
{
    public const double Z95 = 1.959963984540054;

    public static (double Lower, double Upper) Wilson(long k, long n, double z = Z95)
    {
        if (n <= 0) return (0, 1);
        double p = (double)k / n;
        double z2 = z * z;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double half = z * Math.Sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
        // At k = 0 and k = n the interval's end is exactly 0 or 1; rounding must not move it.
        return (k == 0 ? 0 : Math.Max(0, centre - half), k == n ? 1 : Math.Min(1, centre + half));
    }

    /// <summary>The interval for a share of <paramref name="n"/> replicates (shares are k / n, so k is recovered exactly).</summary>
    public static (double Lower, double Upper) WilsonOfShare(double share, long n, double z = Z95) =>
        Wilson((long)Math.Round(share * n), n, z);
}
