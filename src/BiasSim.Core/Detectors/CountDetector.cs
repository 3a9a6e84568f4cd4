using System.Collections.Immutable;

namespace BiasSim.Core.Detectors;

/// <summary>What a count-level detector sees in one replicate: recorded referrals per census group (in population
/// order), the referrals whose group was not recorded, and those recorded under a category that is no census
/// group (so has no denominator).</summary>
public readonly ref struct RecordedCounts(ReadOnlySpan<long> recorded, long unknown, long unmatched = 0)
{
    public ReadOnlySpan<long> Recorded { get; } = recorded;
    public long Unknown { get; } = unknown;
    public long Unmatched { get; } = unmatched;
}

/// <summary>One detector's answer for one target (a group, or "all") in one replicate.</summary>
public struct DetectorOutcome
{
    /// <summary>False when the data cannot support an estimate (for example a zero count): such replicates are counted, never flagged.</summary>
    public bool Estimable;
    public double Estimate;
    /// <summary>log(Estimate), kept because detectors work on the log scale and diagnosands need it too.</summary>
    public double LogEstimate;
    public double Lower;
    public double Upper;
    /// <summary>+1 flagged upwards (disproportionately high), -1 flagged downwards, 0 not flagged. Tests with no direction use +1.</summary>
    public sbyte Flag;
}

/// <summary>
/// An answer strategy that works on sufficient statistics (counts), never on records, so a replicate costs
/// O(groups). One instance is shared by all threads: implementations hold only immutable precomputed state.
/// </summary>
public abstract class CountDetector
{
    public abstract string Name { get; }

    /// <summary>What each outcome slot refers to: group names, or "all" for an omnibus test.</summary>
    public abstract ImmutableArray<string> Targets { get; }

    /// <summary>Whether the detector reports an estimate with an interval (so bias, RMSE and coverage apply).</summary>
    public abstract bool HasInterval { get; }

    /// <summary>The true value of each target's estimand, or null where the detector tests without estimating.</summary>
    public abstract double? TrueValue(int target);

    public abstract void Evaluate(in RecordedCounts counts, Span<DetectorOutcome> outcomes);
}
