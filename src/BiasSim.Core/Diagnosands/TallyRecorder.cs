using BiasSim.Core.Detectors;

namespace BiasSim.Core.Diagnosands;

/// <summary>Adds one replicate's detector outcome to a target's tally, judged against the known truth.</summary>
public readonly struct TallyRecorder
{
    private static readonly double BinsPerLogUnit = EstimateHistogram.Bins / (2 * EstimateHistogram.HalfSpan);

    private readonly double _truth;
    private readonly double _logTruth;
    private readonly int _truthSign;
    private readonly bool _hasInterval;

    public TallyRecorder(double? truth, bool hasInterval)
    {
        _hasInterval = hasInterval && truth is not null;
        _truth = truth ?? double.NaN;
        _logTruth = truth is double t ? Math.Log(t) : double.NaN;
        _truthSign = truth is double v ? Math.Sign(Math.Log(v)) : 0;
    }

    public void Record(ref TargetTally tally, in DetectorOutcome o)
    {
        tally.Replicates++;
        if (!o.Estimable)
        {
            tally.NotEstimableReasons[(int)o.Reason]++;
            return;
        }
        tally.Estimable++;
        if (o.Flag != 0)
        {
            tally.Flags++;
            if (o.Flag > 0) tally.FlagsUp++; else tally.FlagsDown++;
        }
        if (!_hasInterval) return;

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
        if (o.Lower <= _truth && _truth <= o.Upper) tally.Covered++;
        int bin = (int)Math.Floor((d + EstimateHistogram.HalfSpan) * BinsPerLogUnit);
        tally.Histogram[Math.Clamp(bin, 0, EstimateHistogram.Bins - 1)]++;
        if (o.Flag != 0 && _truthSign != 0)
        {
            if (o.Flag != _truthSign) tally.WrongSignFlags++;
            double a = Math.Abs(logEstimate);
            tally.SumAbsLogFlagged += a;
            tally.SumAbsLogFlaggedSquared += a * a;
        }
    }
}
