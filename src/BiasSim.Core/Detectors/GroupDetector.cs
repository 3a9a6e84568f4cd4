using System.Collections.Immutable;

namespace BiasSim.Core.Detectors;

/// <summary>
/// A detector that estimates each group's rate ratio against the reference with an interval: its targets, truths and
/// census arithmetic all come from one <see cref="GroupComparison"/>.
/// </summary>
public abstract class GroupDetector(GroupComparison comparison) : CountDetector
{
    protected GroupComparison Comparison { get; } = comparison;

    public override ImmutableArray<string> Targets => Comparison.Targets;
    public override bool HasInterval => true;
    public override double? TrueValue(int target) => Comparison.Truths[target];
}
