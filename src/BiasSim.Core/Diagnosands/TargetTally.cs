using System.Runtime.CompilerServices;

namespace BiasSim.Core.Diagnosands;

/// <summary>Counts per not-estimable reason.</summary>
[InlineArray(Length)]
public struct ReasonCounts
{
    public const int Length = 5;
    private long _first;
}

/// <summary>Counts of log estimates in <see cref="Bins"/> equal bins over [truth / 4, truth x 4]; the end bins also hold
/// everything beyond. An inline array keeps a tally a plain value that merges by addition.</summary>
[InlineArray(Bins)]
public struct EstimateHistogram
{
    public const int Bins = 48;
    /// <summary>The bins span log(truth) +- this on the log scale (a factor of 4 either way).</summary>
    public static readonly double HalfSpan = Math.Log(4);
    private long _first;
}

/// <summary>
/// Running sums for one detector and target over a block of replicates. Sums of deviations from the
/// truth (not raw values) keep the variance arithmetic well conditioned; blocks merge by addition in a
/// fixed order, which makes results independent of the thread count.
/// </summary>
public struct TargetTally
{
    public long Replicates;
    public long Estimable;
    public long Flags;
    public long FlagsUp;
    public long FlagsDown;
    public long Covered;
    public long WrongSignFlags;
    /// <summary>Each estimable replicate judged as one <see cref="AuditOutcome"/> (none when the target is not judged).</summary>
    public long Correct, Misestimated, WrongDirection, Missed, FalseAlarms;
    /// <summary>Matrix draws left out of pooling (see <see cref="Detectors.DetectorOutcome.DroppedDraws"/>), and the
    /// estimable replicates that left any out.</summary>
    public long DroppedDraws, ReplicatesWithDroppedDraws;

    /// <summary>d = log(estimate) - log(truth).</summary>
    public double SumLogDeviation, SumLogDeviationSquared, SumLogDeviationFourth;
    /// <summary>e = estimate - truth.</summary>
    public double SumDeviation, SumDeviationSquared;
    public double SumLower, SumUpper, SumWidth, SumWidthSquared;
    /// <summary>|log estimate| among flagged replicates, for the exaggeration ratio.</summary>
    public double SumAbsLogFlagged, SumAbsLogFlaggedSquared;
    public EstimateHistogram Histogram;
    /// <summary>Not-estimable replicates by <see cref="Detectors.NotEstimableReason"/> (index = the reason's value).</summary>
    public ReasonCounts NotEstimableReasons;

    public void Add(in TargetTally other)
    {
        Replicates += other.Replicates;
        Estimable += other.Estimable;
        Flags += other.Flags;
        FlagsUp += other.FlagsUp;
        FlagsDown += other.FlagsDown;
        Covered += other.Covered;
        WrongSignFlags += other.WrongSignFlags;
        Correct += other.Correct;
        Misestimated += other.Misestimated;
        WrongDirection += other.WrongDirection;
        Missed += other.Missed;
        FalseAlarms += other.FalseAlarms;
        DroppedDraws += other.DroppedDraws;
        ReplicatesWithDroppedDraws += other.ReplicatesWithDroppedDraws;
        SumLogDeviation += other.SumLogDeviation;
        SumLogDeviationSquared += other.SumLogDeviationSquared;
        SumLogDeviationFourth += other.SumLogDeviationFourth;
        SumDeviation += other.SumDeviation;
        SumDeviationSquared += other.SumDeviationSquared;
        SumLower += other.SumLower;
        SumUpper += other.SumUpper;
        SumWidth += other.SumWidth;
        SumWidthSquared += other.SumWidthSquared;
        SumAbsLogFlagged += other.SumAbsLogFlagged;
        SumAbsLogFlaggedSquared += other.SumAbsLogFlaggedSquared;
        for (int b = 0; b < EstimateHistogram.Bins; b++) Histogram[b] += other.Histogram[b];
        for (int r = 0; r < ReasonCounts.Length; r++) NotEstimableReasons[r] += other.NotEstimableReasons[r];
    }
}
