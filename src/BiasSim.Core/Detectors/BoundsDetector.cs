using MathNet.Numerics.Distributions;

namespace BiasSim.Core.Detectors;

/// <summary>
/// Manski worst/best-case bounds: what the data identify when nothing is assumed about the referrals with
/// no recorded group. Lower bound L: every unknown referral belongs to the reference group; upper U: every one
/// belongs to group g. The bounds are estimated from a sample of referrals, so they carry sampling error: the
/// interval reported (and the flag) is Imbens and Manski's (2004, Econometrica 72:1845-1857) confidence interval
/// for the rate ratio, [log L - c SE_L, log U + c SE_U] on the log scale, with Katz SEs of the two extreme ratios
/// and c solving Phi(c + Delta / max(SE_L, SE_U)) - Phi(-c) = 1 - alpha, Delta = log U - log L. It covers every
/// point of the identified set with probability at least 1 - alpha; flagged when it excludes 1.
/// </summary>
/// <remarks>
/// c lies between z_{1-alpha} (a wide identified set: only one end can be crossed) and z_{1-alpha/2} (a point).
/// A group with no recorded referral has identified set [0, U]: estimable, lower end 0, c = z_{1-alpha} (the
/// limit Delta = infinity), so it can still be flagged down. A reference group with no recorded referral makes
/// every U infinite: not estimable (the interval would be unbounded and no mean of it could be reported).
/// The point reported is the geometric midpoint of the bounds, or U when L = 0; it is a convention, not an
/// estimator, so bias and RMSE of this detector describe that convention.
/// </remarks>
public sealed class BoundsDetector : GroupDetector
{
    /// <summary>See <see cref="DetectorDescriptor"/>.</summary>
    public static DetectorDescriptor Descriptor { get; } = new()
    {
        Name = DetectorName,
        ForModel = (spec, frame, alpha) => new BoundsDetector(frame.Groups(alpha)),
        ForData = d => new BoundsDetector(d.Groups),
        DetectDefault = true,
        Label = _ => "Worst/best-case bounds",
        Heading = c => $"worst/best-case bounds vs {c.Reference}: every unknown referral counted as {c.Reference}, then as the group",
        Description = _ => "Bounds: the worst- and best-case rate ratios if every unrecorded referral belonged to the reference group or to the group " +
                           "itself, " +
                           "widened by sampling error (Imbens and Manski 2004); it flags a difference only when that whole range lies on one side of 1.",
        Estimates = _ => "worst/best-case bounds on the rate ratio, assuming nothing about the unrecorded referrals",
        Assumes = _ => "nothing about the unrecorded referrals: honest, but usually too wide to show anything",
        Explanation = "Manski's worst/best-case bounds: every unknown referral counted as the reference group's, then as the group's, with an "
            + "Imbens-Manski interval around them for sampling error. Assumes nothing about the unrecorded, so it is honest but rarely flags: with "
            + "64.7% missing the bounds span roughly 0.5 to 10.",
    };

    public const string DetectorName = "bounds";

    /// <summary>z_{1-alpha}: the critical value when the identified set is wide compared with its sampling error.</summary>
    private readonly double _oneSided;

    public BoundsDetector(GroupComparison groups)
        : base(groups)
    {
        _oneSided = Normal.InvCDF(0, 1, 1 - groups.Alpha);
    }

    public override string Name => DetectorName;

    public override void Evaluate(in RecordedCounts counts, Span<DetectorOutcome> outcomes)
    {
        ReadOnlySpan<long> x = counts.Recorded;
        // Records in a category with no census group are as good as unknown for every group's count.
        double unknown = counts.Unknown + counts.Unmatched;
        double xRef = x[Comparison.Reference];
        double inverseCensusRef = 1 / Comparison.Census[Comparison.Reference];
        for (int t = 0; t < Comparison.Groups.Length; t++)
        {
            double xg = x[Comparison.Groups[t]];
            // No referral can be g (bounds both 0) or none can be the reference: nothing to compare.
            if (xg + unknown == 0 || xRef == 0)
            {
                outcomes[t] = DetectorOutcome.NotEstimable(NotEstimableReason.ZeroCount);
                continue;
            }
            double inverseCensusG = 1 / Comparison.Census[Comparison.Groups[t]];
            double logUpper = Comparison.LogRateRatio(t, xg + unknown, xRef);
            double seUpper = Math.Sqrt(Math.Max(0, 1 / (xg + unknown) - inverseCensusG + 1 / xRef - inverseCensusRef));
            double lower, logLow, ciLow, critical;
            if (xg == 0)
            {
                lower = 0;
                logLow = double.NegativeInfinity;
                critical = _oneSided;
                ciLow = 0;
            }
            else
            {
                logLow = Comparison.LogRateRatio(t, xg, xRef + unknown);
                lower = Math.Exp(logLow);
                double seLower = Math.Sqrt(Math.Max(0, 1 / xg - inverseCensusG + 1 / (xRef + unknown) - inverseCensusRef));
                critical = ImbensManskiCritical(logUpper - logLow, Math.Max(seLower, seUpper), Comparison.Alpha);
                ciLow = Math.Exp(logLow - critical * seLower);
            }
            double ciHigh = Math.Exp(logUpper + critical * seUpper);
            double log = xg == 0 ? logUpper : 0.5 * (logLow + logUpper);
            outcomes[t] = new DetectorOutcome
            {
                Estimable = true,
                Estimate = Math.Exp(log),
                LogEstimate = log,
                Lower = ciLow,
                Upper = ciHigh,
                Flag = ciLow > 1 ? (sbyte)1 : ciHigh < 1 ? (sbyte)-1 : (sbyte)0,
                Z = double.NaN,
            };
        }
    }

    /// <summary>The identification bounds on given counts, for one target: (lower, upper).</summary>
    public static (double Lower, double Upper) Bounds(double xGroup, double nGroup, double xReference, double nReference, double unknown) =>
        ((xGroup / nGroup) / ((xReference + unknown) / nReference), ((xGroup + unknown) / nGroup) / (xReference / nReference));

    /// <summary>
    /// Imbens and Manski's critical value: the c with Phi(c + delta / se) - Phi(-c) = 1 - alpha, written with upper
    /// tails Q = 1 - Phi as Q(c) + Q(c + delta / se) = alpha so that no 1 - Phi cancels. The left side falls in c, is
    /// at least alpha at z_{1-alpha} (Q(c) alone is alpha there) and at most alpha at z_{1-alpha/2} (each term at most
    /// alpha/2), so the root is bracketed between them; safeguarded Newton converges in a few steps.
    /// </summary>
    public static double ImbensManskiCritical(double delta, double se, double alpha)
    {
        double low = Normal.InvCDF(0, 1, 1 - alpha);
        double high = UpperTailQuantile(alpha / 2);
        double d = delta / se;
        if (double.IsNaN(d) || double.IsPositiveInfinity(d)) return delta > 0 ? low : high;
        if (d <= 0) return high;
        double c = 0.5 * (low + high);
        for (int i = 0; i < 100; i++)
        {
            double f = UpperTail(c) + UpperTail(c + d) - alpha;
            if (f > 0) low = c; else high = c;
            double slope = -(Normal.PDF(0, 1, c) + Normal.PDF(0, 1, c + d));
            double next = c - f / slope;
            if (!(next > low && next < high)) next = 0.5 * (low + high);
            if (Math.Abs(next - c) <= 1e-14 * Math.Max(1, Math.Abs(c))) return next;
            c = next;
        }
        return c;
    }

    /// <summary>Q(x) = 1 - Phi(x) = erfc(x / sqrt 2) / 2, exact in the far tail.</summary>
    private static double UpperTail(double x) => 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(x / Math.Sqrt(2));

    private static double UpperTailQuantile(double p) => -Normal.InvCDF(0, 1, p);
}
