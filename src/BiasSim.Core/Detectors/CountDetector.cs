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

    /// <summary>The same counts by observed stratum (region, sector, ...), for detectors that weight or impute within strata.</summary>
    public Engine.StratifiedCounts? Strata { get; init; }

    /// <summary>The validation subsample, self-defined group x recorded category (empty when there is none).</summary>
    public ReadOnlySpan<long> Validation { get; init; }

    /// <summary>Seed of this replicate's detection stream, for detectors that draw (imputation); each mixes in its own index.</summary>
    public ulong DetectionSeed { get; init; }
}

/// <summary>Why a detector could not estimate in a replicate; counted per detector and group, never hidden.</summary>
public enum NotEstimableReason : byte
{
    None = 0,
    /// <summary>A count the estimate divides by or takes the log of is zero.</summary>
    ZeroCount = 1,
    /// <summary>A matrix that must be inverted is singular (or not square).</summary>
    SingularMatrix = 2,
    /// <summary>A corrected count came out negative (the correction over-shot).</summary>
    NegativeCorrection = 3,
    /// <summary>Nothing was recorded at all.</summary>
    NoData = 4,
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
    /// <summary>Test statistic of "no disproportionality", log estimate / SE (NaN where the detector has none); with
    /// <see cref="Df"/> it gives the p-value that Holm and Bonferroni adjust, computed only when they are asked for.</summary>
    public double Z;
    /// <summary>Degrees of freedom of <see cref="Z"/>'s t reference distribution; infinity for a normal one.</summary>
    public double Df;
    public NotEstimableReason Reason;
    /// <summary>For detectors that pool random draws (misclassification-corrected with a validation subsample): how many of
    /// the m draws were left out of the pooling because the draw gave this group or the reference a corrected count at
    /// or below zero (or a singular matrix). Set on estimable outcomes only; 0 for every other detector. A large share
    /// means the pooled estimate conditions on positive corrections, so it leans away from 0 for small groups.</summary>
    public int DroppedDraws;

    /// <summary>An outcome that could not be estimated, and why.</summary>
    public static DetectorOutcome NotEstimable(NotEstimableReason reason) => new() { Reason = reason, Z = double.NaN };

    /// <summary>An estimate on the log scale with interval log estimate +- critical x SE, flagged when it excludes 0.</summary>
    public static DetectorOutcome LogInterval(double logEstimate, double se, double critical, double df = double.PositiveInfinity)
    {
        double halfWidth = critical * se;
        double estimate = Math.Exp(logEstimate);
        double factor = Math.Exp(halfWidth);
        return new DetectorOutcome
        {
            Estimable = true,
            Estimate = estimate,
            LogEstimate = logEstimate,
            Lower = estimate / factor,
            Upper = estimate * factor,
            Flag = logEstimate > halfWidth ? (sbyte)1 : logEstimate < -halfWidth ? (sbyte)-1 : (sbyte)0,
            Z = logEstimate / se,
            Df = df,
        };
    }
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

    /// <summary>Whether a flag is a claim of disproportionality, so each replicate is judged an outcome (correct,
    /// misestimated, wrong direction, missed, false alarm). False for sensitivity analyses such as tipping-point,
    /// whose flags are not findings about the groups and must never be counted as false alarms.</summary>
    public virtual bool JudgesDisproportionality => true;

    /// <summary>Whether target <paramref name="target"/> truly differs from "no disproportionality" (so a flag can be
    /// correct and no flag is a miss), or null where replicates are not judged. Interval targets read it from their
    /// truth by <see cref="Scenarios.NullEffect"/>; tests without an estimate override it.</summary>
    public virtual bool? TrueEffect(int target) =>
        JudgesDisproportionality && TrueValue(target) is double v ? !Scenarios.NullEffect.IsNull(v) : null;

    public abstract void Evaluate(in RecordedCounts counts, Span<DetectorOutcome> outcomes);
}
