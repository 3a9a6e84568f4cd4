namespace BiasSim.Core.Tests.Support;

/// <summary>
/// The one Monte Carlo tolerance of the statistical tests: a simulated quantity must sit within 4 of its Monte Carlo
/// standard errors of an independently known value. A correct simulator fails one such check with probability
/// 2 (1 - Phi(4)) = 6.3e-5; seeds are fixed, so every test is deterministic.
/// </summary>
internal static class McTolerance
{
    public const double Sigmas = 4;

    /// <summary>The standard error of a simulated rate (a proportion of <paramref name="n"/> independent replicates)
    /// whose true value is <paramref name="p"/>: sqrt(p (1 - p) / n). With <paramref name="floorAtOneEvent"/> the
    /// variance is floored at that of one event in n, 1 / n, so that an exact rate near 0 or 1 does not demand a
    /// simulated count of exactly 0 (the floor binds only when p (1 - p) &lt; 1 / n).</summary>
    public static double RateSe(double p, long n, bool floorAtOneEvent = false) =>
        Math.Sqrt((floorAtOneEvent ? Math.Max(p * (1 - p), 1.0 / n) : p * (1 - p)) / n);

    /// <summary>|mean - expected| &lt;= 4 se, where <paramref name="se"/> is the simulated mean's Monte Carlo SE
    /// (SD / sqrt(R) of the replicates).</summary>
    public static void Within4Se(double expected, double? mean, double? se, string what)
    {
        Assert.True(mean.HasValue, $"{what}: no simulated value");
        Assert.True(se.HasValue, $"{what}: no Monte Carlo SE");
        double diff = Math.Abs(mean.Value - expected);
        Assert.True(diff <= Sigmas * se.Value,
            FormattableString.Invariant($"{what}: simulated {mean:F5} vs expected {expected:F5}, |diff| {diff:E2} > 4 SE {Sigmas * se:E2}"));
    }

    /// <summary>A simulated rate over <paramref name="n"/> replicates within 4 SE of its known value <paramref name="expected"/>,
    /// the SE being that of the known value (<see cref="RateSe"/>), not of the simulated one.</summary>
    public static void RateWithin4Se(double expected, double rate, long n, string what, bool floorAtOneEvent = false) =>
        Within4Se(expected, rate, RateSe(expected, n, floorAtOneEvent), what);

    /// <summary>One-sided: a simulated rate must not fall below <paramref name="bound"/> by more than 4 SE of a rate equal to the bound.</summary>
    public static void RateAtLeast(double bound, double rate, long n, string what)
    {
        double limit = bound - Sigmas * RateSe(bound, n);
        Assert.True(rate >= limit, FormattableString.Invariant($"{what}: simulated {rate:F5} < {bound:F5} - 4 SE = {limit:F5}"));
    }

    /// <summary>One-sided: a simulated rate must not exceed <paramref name="bound"/> by more than 4 SE of a rate equal to the bound.</summary>
    public static void RateAtMost(double bound, double rate, long n, string what)
    {
        double limit = bound + Sigmas * RateSe(bound, n);
        Assert.True(rate <= limit, FormattableString.Invariant($"{what}: simulated {rate:F5} > {bound:F5} + 4 SE = {limit:F5}"));
    }
}
