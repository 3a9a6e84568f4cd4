using System.Collections.Immutable;

namespace BiasSim.Core.Diagnosands;

/// <summary>
/// Turns a tally into diagnosands (DeclareDesign's vocabulary) with Monte Carlo standard errors:
/// sqrt(p(1-p)/R) for rates and SD/sqrt(R) for means (Morris, White and Crowther 2019, Stat Med 38:2074, table 6).
/// </summary>
internal static class DiagnosandCalculator
{
    /// <param name="directional">Whether flags have a direction (false for an omnibus test, whose up/down shares are null).</param>
    /// <param name="effect">Whether the truth differs from "no difference", or null where replicates are not judged as
    /// <see cref="AuditOutcome"/>s; <paramref name="perGroup"/>: whether all five outcomes apply (a test row has only
    /// correct, missed and false alarm).</param>
    public static DiagnosandRow Compute(string detector, string group, double? truth, bool hasInterval, in TargetTally t,
                                        bool directional = true, bool? effect = null, bool perGroup = false, int? draws = null)
    {
        bool judged = effect is not null;
        long r = t.Replicates;
        long e = t.Estimable;
        var row = new DiagnosandRow
        {
            Detector = detector,
            Group = group,
            TrueRateRatio = truth,
            Replicates = r,
            Estimable = e,
            FlagRate = Rate(t.Flags, r),
            FlagRateSe = RateSe(t.Flags, r),
            FlagUpRate = directional ? Rate(t.FlagsUp, r) : null,
            FlagUpRateSe = directional ? RateSe(t.FlagsUp, r) : null,
            FlagDownRate = directional ? Rate(t.FlagsDown, r) : null,
            FlagDownRateSe = directional ? RateSe(t.FlagsDown, r) : null,
            TrueDifference = effect,
            DroppedDrawShare = draws is int m && e > 0 ? (double)t.DroppedDraws / (e * m) : null,
            DroppedDrawReplicateRate = draws is not null ? Rate(t.ReplicatesWithDroppedDraws, r) : null,
            CorrectRate = judged ? Rate(t.Correct, r) : null,
            CorrectRateSe = judged ? RateSe(t.Correct, r) : null,
            MisestimatedRate = judged && perGroup ? Rate(t.Misestimated, r) : null,
            MisestimatedRateSe = judged && perGroup ? RateSe(t.Misestimated, r) : null,
            WrongDirectionRate = judged && perGroup ? Rate(t.WrongDirection, r) : null,
            WrongDirectionRateSe = judged && perGroup ? RateSe(t.WrongDirection, r) : null,
            MissedRate = judged ? Rate(t.Missed, r) : null,
            MissedRateSe = judged ? RateSe(t.Missed, r) : null,
            FalseAlarmRate = judged ? Rate(t.FalseAlarms, r) : null,
            FalseAlarmRateSe = judged ? RateSe(t.FalseAlarms, r) : null,
            NotEstimableRate = Rate(r - e, r),
            NotEstimableRateSe = RateSe(r - e, r),
            NotEstimableZeroCount = t.NotEstimableReasons[(int)Detectors.NotEstimableReason.ZeroCount],
            NotEstimableSingularMatrix = t.NotEstimableReasons[(int)Detectors.NotEstimableReason.SingularMatrix],
            NotEstimableNegativeCorrection = t.NotEstimableReasons[(int)Detectors.NotEstimableReason.NegativeCorrection],
            NotEstimableNoData = t.NotEstimableReasons[(int)Detectors.NotEstimableReason.NoData],
        };
        if (!hasInterval || truth is not double trueValue || e == 0) return row;

        double logTruth = Math.Log(trueValue);
        double bias = t.SumLogDeviation / e;
        double mse = t.SumLogDeviationSquared / e;
        double rmse = Math.Sqrt(mse);
        // SE of the MSE is SD(d^2)/sqrt(E); the delta method gives SE(RMSE) = SE(MSE) / (2 RMSE).
        double? mseSe = MeanSe(t.SumLogDeviationSquared, t.SumLogDeviationFourth, e);
        bool hasSign = logTruth != 0; // truths are snapped by NullEffect, so a null truth's log is exactly 0
        long f = t.Flags;

        return row with
        {
            MeanEstimate = trueValue + t.SumDeviation / e,
            MeanEstimateSe = MeanSe(t.SumDeviation, t.SumDeviationSquared, e),
            MeanLogEstimate = logTruth + bias,
            MeanLogEstimateSe = MeanSe(t.SumLogDeviation, t.SumLogDeviationSquared, e),
            BiasLog = bias,
            BiasLogSe = MeanSe(t.SumLogDeviation, t.SumLogDeviationSquared, e),
            RmseLog = rmse,
            RmseLogSe = mseSe is double s && rmse > 0 ? s / (2 * rmse) : null,
            Coverage = Rate(t.Covered, e),
            CoverageSe = RateSe(t.Covered, e),
            MeanLower = t.SumLower / e,
            MeanUpper = t.SumUpper / e,
            MeanCiWidth = t.SumWidth / e,
            MeanCiWidthSe = MeanSe(t.SumWidth, t.SumWidthSquared, e),
            TypeSRate = hasSign && f > 0 ? Rate(t.WrongSignFlags, f) : null,
            TypeSRateSe = hasSign && f > 0 ? RateSe(t.WrongSignFlags, f) : null,
            ExaggerationRatio = hasSign && f > 0 ? t.SumAbsLogFlagged / f / Math.Abs(logTruth) : null,
            ExaggerationRatioSe = hasSign && MeanSe(t.SumAbsLogFlagged, t.SumAbsLogFlaggedSquared, f) is double ms
                ? ms / Math.Abs(logTruth)
                : null,
            Distribution = new EstimateDistribution(
                [.. Enumerable.Range(0, EstimateHistogram.Bins + 1)
                    .Select(b => Math.Exp(logTruth - EstimateHistogram.HalfSpan + b * 2 * EstimateHistogram.HalfSpan / EstimateHistogram.Bins))],
                Counts(t.Histogram)),
        };
    }

    private static ImmutableArray<long> Counts(EstimateHistogram histogram)
    {
        var counts = new long[EstimateHistogram.Bins];
        for (int b = 0; b < counts.Length; b++) counts[b] = histogram[b];
        return [.. counts];
    }

    private static double Rate(long k, long n) => n == 0 ? 0 : (double)k / n;

    private static double RateSe(long k, long n)
    {
        if (n == 0) return 0;
        double p = (double)k / n;
        return Math.Sqrt(p * (1 - p) / n);
    }

    /// <summary>SD/sqrt(n) from a sum and a sum of squares; null with fewer than two values.</summary>
    private static double? MeanSe(double sum, double sumSquares, long n)
    {
        if (n < 2) return null;
        double mean = sum / n;
        double variance = Math.Max(0, (sumSquares - n * mean * mean) / (n - 1));
        return Math.Sqrt(variance / n);
    }
}
