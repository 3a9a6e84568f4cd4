using System.Collections.Immutable;

namespace BiasSim.Core.Diagnosands;

/// <summary>
/// How well one detector recovered one target's truth over the replicates. Every rate and mean carries
/// its Monte Carlo standard error; a null value means "does not apply" (no interval, no flags, or a true
/// rate ratio of 1 for the sign and magnitude errors).
/// </summary>
public sealed record DiagnosandRow
{
    public required string Detector { get; init; }
    /// <summary>The protected attribute the group belongs to: "ethnicity", or a further one such as "religion".</summary>
    public string Attribute { get; init; } = Scenarios.Population.Ethnicity;
    public required string Group { get; init; }
    public double? TrueRateRatio { get; init; }
    public long Replicates { get; init; }
    public long Estimable { get; init; }
    /// <summary>Power when the true rate ratio differs from 1; the false-alarm rate when it is 1.</summary>
    public double FlagRate { get; init; }
    public double FlagRateSe { get; init; }
    /// <summary>Share flagged as higher / lower; null for a test with no direction (chi-square's "all").</summary>
    public double? FlagUpRate { get; init; }
    public double? FlagUpRateSe { get; init; }
    public double? FlagDownRate { get; init; }
    public double? FlagDownRateSe { get; init; }
    public double? MeanEstimate { get; init; }
    public double? MeanEstimateSe { get; init; }
    public double? MeanLogEstimate { get; init; }
    public double? MeanLogEstimateSe { get; init; }
    public double? BiasLog { get; init; }
    public double? BiasLogSe { get; init; }
    public double? RmseLog { get; init; }
    public double? RmseLogSe { get; init; }
    public double? Coverage { get; init; }
    public double? CoverageSe { get; init; }
    public double? MeanLower { get; init; }
    public double? MeanUpper { get; init; }
    public double? MeanCiWidth { get; init; }
    public double? MeanCiWidthSe { get; init; }
    public double? TypeSRate { get; init; }
    public double? TypeSRateSe { get; init; }
    public double? ExaggerationRatio { get; init; }
    public double? ExaggerationRatioSe { get; init; }
    public double NotEstimableRate { get; init; }
    public double NotEstimableRateSe { get; init; }

    /// <summary>Not-estimable replicates by reason (see <see cref="Detectors.NotEstimableReason"/>).</summary>
    public long NotEstimableZeroCount { get; init; }
    public long NotEstimableSingularMatrix { get; init; }
    public long NotEstimableNegativeCorrection { get; init; }
    public long NotEstimableNoData { get; init; }

    /// <summary>
    /// Each replicate's <see cref="AuditOutcome"/> as a share of all replicates. On a per-group row the five shares and
    /// <see cref="NotEstimableRate"/> sum to 1 (an outcome the truth rules out is 0); a test row (chi-square's "all",
    /// "family-wise") has only correct, missed and false alarm; a row whose flags are no claim about the groups
    /// (tipping-point) has none.
    /// </summary>
    /// <summary>Whether the truth holds the difference this row looks for (a rate ratio other than 1, or for a test any
    /// group's); null where replicates are not judged.</summary>
    public bool? TrueDifference { get; init; }
    public double? CorrectRate { get; init; }
    public double? CorrectRateSe { get; init; }
    public double? MisestimatedRate { get; init; }
    public double? MisestimatedRateSe { get; init; }
    public double? WrongDirectionRate { get; init; }
    public double? WrongDirectionRateSe { get; init; }
    public double? MissedRate { get; init; }
    public double? MissedRateSe { get; init; }
    public double? FalseAlarmRate { get; init; }
    public double? FalseAlarmRateSe { get; init; }

    /// <summary>Replicates behind a share of all replicates (shares are k / R, so this recovers k exactly).</summary>
    public long? Count(double? share) => share is double p ? (long)Math.Round(p * Replicates) : null;

    /// <summary>For a detector that pools m matrix draws (misclassification-corrected with a validation subsample): the share
    /// of all draws in estimable replicates left out of pooling because they gave a negative corrected count, and the share
    /// of replicates that left any out. Dropping them leans small groups' estimates away from 0. Null for other detectors.</summary>
    public double? DroppedDrawShare { get; init; }
    public double? DroppedDrawReplicateRate { get; init; }

    /// <summary>The distribution of estimates over the estimable replicates; null without an interval.</summary>
    public EstimateDistribution? Distribution { get; init; }
}

/// <summary>
/// A histogram of estimates: <see cref="Edges"/> has one more entry than <see cref="Counts"/>, on the rate-ratio
/// scale, equal on the log scale from truth / 4 to truth x 4; the end bins also hold everything beyond.
/// Equality compares contents, so rows stay comparable as values.
/// </summary>
public sealed record EstimateDistribution(ImmutableArray<double> Edges, ImmutableArray<long> Counts)
{
    public bool Equals(EstimateDistribution? other) =>
        other is not null && Edges.SequenceEqual(other.Edges) && Counts.SequenceEqual(other.Counts);

    public override int GetHashCode() => HashCode.Combine(Edges.Length, Counts.Sum());
}
