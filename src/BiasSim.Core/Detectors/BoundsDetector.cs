using System.Collections.Immutable;

namespace BiasSim.Core.Detectors;

/// <summary>
/// Manski worst/best-case bounds: what the data identify when nothing is assumed about the referrals with
/// no recorded group. Lower bound: every unknown referral belongs to the reference group; upper: every one
/// belongs to group g. Flagged when the whole identified interval lies on one side of 1. The bounds are
/// identification bounds (no sampling error is added); the point reported is their geometric midpoint.
/// </summary>
public sealed class BoundsDetector(GroupComparison groups) : GroupDetector(groups)
{
    public const string DetectorName = "bounds";

    public override string Name => DetectorName;

    public override void Evaluate(in RecordedCounts counts, Span<DetectorOutcome> outcomes)
    {
        ReadOnlySpan<long> x = counts.Recorded;
        // Records in a category with no census group are as good as unknown for every group's count.
        double unknown = counts.Unknown + counts.Unmatched;
        double xRef = x[Comparison.Reference];
        for (int t = 0; t < Comparison.Groups.Length; t++)
        {
            double xg = x[Comparison.Groups[t]];
            if (xg + unknown == 0 || xRef + unknown == 0)
            {
                outcomes[t] = DetectorOutcome.NotEstimable(NotEstimableReason.ZeroCount);
                continue;
            }
            // With a zero count a bound is 0 or infinite: a legitimate identification result, kept as such.
            double lower = xg == 0 ? 0 : Math.Exp(Comparison.LogRateRatio(t, xg, xRef + unknown));
            double upper = xRef == 0 ? double.PositiveInfinity : Math.Exp(Comparison.LogRateRatio(t, xg + unknown, xRef));
            double log = 0.5 * (Math.Log(lower) + Math.Log(upper));
            bool finite = double.IsFinite(log);
            outcomes[t] = new DetectorOutcome
            {
                Estimable = finite,
                Reason = finite ? NotEstimableReason.None : NotEstimableReason.ZeroCount,
                Estimate = Math.Exp(log),
                LogEstimate = log,
                Lower = lower,
                Upper = upper,
                Flag = finite ? (lower > 1 ? (sbyte)1 : upper < 1 ? (sbyte)-1 : (sbyte)0) : (sbyte)0,
                Z = double.NaN,
            };
        }
    }

    /// <summary>The bounds on given counts, for one target: (lower, upper).</summary>
    public static (double Lower, double Upper) Bounds(double xGroup, double nGroup, double xReference, double nReference, double unknown) =>
        ((xGroup / nGroup) / ((xReference + unknown) / nReference), ((xGroup + unknown) / nGroup) / (xReference / nReference));
}
