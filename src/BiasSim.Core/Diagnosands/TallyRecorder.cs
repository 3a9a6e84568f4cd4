using BiasSim.Core.Detectors;

namespace BiasSim.Core.Diagnosands;

/// <summary>Adds one replicate's detector outcome to a target's tally, judged against the known truth.</summary>
internal readonly struct TallyRecorder
{
    private static readonly double BinsPerLogUnit = EstimateHistogram.Bins / (2 * EstimateHistogram.HalfSpan);

    private readonly double _truth;
    private readonly double _logTruth;
    private readonly int _truthSign;
    private readonly bool _hasInterval;
    private readonly bool? _effect;

    /// <param name="truth">The target's true value, or null for a test without an estimand.</param>
    /// <param name="hasInterval">Whether the detector reports an estimate with an interval.</param>
    /// <param name="effect">Whether the truth differs from "no difference", or null when replicates are not judged
    /// as outcomes (a sensitivity analysis such as tipping-point).</param>
    public TallyRecorder(double? truth, bool hasInterval, bool? effect)
    {
        _hasInterval = hasInterval && truth is not null;
        _truth = truth ?? double.NaN;
        _logTruth = truth is double t ? Math.Log(t) : double.NaN;
        _truthSign = truth is double v ? Math.Sign(Math.Log(v)) : 0;
        _effect = effect;
    }

    /// <summary>Tallies one replicate and returns how it was judged (null when the target is not judged as outcomes),
    /// so a per-replicate observer sees exactly the classification the tallies count.</summary>
    public AuditOutcome? Record(ref TargetTally tally, in DetectorOutcome o)
    {
        tally.Replicates++;
        if (!o.Estimable)
        {
            tally.NotEstimableReasons[(int)o.Reason]++;
            return _effect is null ? null : AuditOutcome.NotEstimable;
        }
        tally.Estimable++;
        if (o.DroppedDraws > 0)
        {
            tally.DroppedDraws += o.DroppedDraws;
            tally.ReplicatesWithDroppedDraws++;
        }
        if (o.Flag != 0)
        {
            tally.Flags++;
            if (o.Flag > 0) tally.FlagsUp++; else tally.FlagsDown++;
        }
        bool covered = _hasInterval && o.Lower <= _truth && _truth <= o.Upper;
        AuditOutcome? judged = null;
        if (_effect is bool effect)
        {
            judged = AuditJudgement.Judge(effect, _truthSign, o.Flag, _hasInterval ? covered : null);
            switch (judged)
            {
                case AuditOutcome.Correct: tally.Correct++; break;
                case AuditOutcome.Misestimated: tally.Misestimated++; break;
                case AuditOutcome.WrongDirection: tally.WrongDirection++; break;
                case AuditOutcome.Missed: tally.Missed++; break;
                case AuditOutcome.FalseAlarm: tally.FalseAlarms++; break;
            }
        }
        if (!_hasInterval) return judged;

        double logEstimate = o.LogEstimate;
        double d = logEstimate - _logTruth;
        double d2 = d * d;
        tally.SumLogDeviation += d;
        tally.SumLogDeviationSquared += d2;
        tally.SumLogDeviationFourth += d2 * d2;
        double e = o.Estimate - _truth;
        tally.SumDeviation += e;
        tally.SumDeviationSquared += e * e;
        tally.SumLower += o.Lower;
        tally.SumUpper += o.Upper;
        double width = o.Upper - o.Lower;
        tally.SumWidth += width;
        tally.SumWidthSquared += width * width;
        if (covered) tally.Covered++;
        int bin = (int)Math.Floor((d + EstimateHistogram.HalfSpan) * BinsPerLogUnit);
        tally.Histogram[Math.Clamp(bin, 0, EstimateHistogram.Bins - 1)]++;
        if (o.Flag != 0 && _truthSign != 0)
        {
            if (o.Flag != _truthSign) tally.WrongSignFlags++;
            double a = Math.Abs(logEstimate);
            tally.SumAbsLogFlagged += a;
            tally.SumAbsLogFlaggedSquared += a * a;
        }
        return judged;
    }

    /// <summary>A family-wise row: did any group truly at rate ratio 1 get flagged, and which way. Both directions can
    /// occur in one replicate, so the up and down counts may add up to more than the flags. A replicate in which none of
    /// those groups could be estimated says nothing about false alarms: it is not estimable, never "correct".</summary>
    public static void RecordFamily(ref TargetTally tally, bool anyEstimable, bool anyUp, bool anyDown)
    {
        tally.Replicates++;
        if (!anyEstimable)
        {
            tally.NotEstimableReasons[(int)NotEstimableReason.ZeroCount]++;
            return;
        }
        tally.Estimable++;
        if (anyUp || anyDown)
        {
            tally.Flags++;
            tally.FalseAlarms++;
        }
        else
        {
            tally.Correct++;
        }
        if (anyUp) tally.FlagsUp++;
        if (anyDown) tally.FlagsDown++;
    }
}
