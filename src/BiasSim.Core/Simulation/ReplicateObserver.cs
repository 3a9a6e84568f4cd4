using BiasSim.Core.Detectors;
using BiasSim.Core.Diagnosands;

namespace BiasSim.Core.Simulation;

/// <summary>
/// Sees every replicate's outcomes as the runner tallies them, for callers that keep per-replicate results (the CLI's
/// replicates.csv). Blocks run in parallel, so <see cref="Observe"/> is called from the thread running the replicate's
/// block, in replicate order within the block; <see cref="BlockCompleted"/> is then called on the caller's thread in
/// block order, so an observer that buffers per block and flushes there writes in replicate order on any thread count.
/// </summary>
public interface IReplicateObserver
{
    /// <param name="outcomes">One entry per <see cref="MonteCarloRunner.ReplicateSlots"/>, in that order; valid only
    /// during the call.</param>
    void Observe(int block, int replicate, ReadOnlySpan<SlotOutcome> outcomes);

    /// <summary>All replicates of <paramref name="block"/> have been observed and tallied.</summary>
    void BlockCompleted(int block);
}

/// <summary>One detector's answer for one target in one replicate, and how the tallies judged it: the very value the
/// outcome rates count (null where the target is not judged, as for a sensitivity analysis).</summary>
public readonly record struct SlotOutcome(DetectorOutcome Outcome, AuditOutcome? Judged);

/// <summary>
/// What a delivered slot is: the row of diagnosands.csv it adds to. <paramref name="Directional"/> is false for an
/// omnibus test (chi-square), whose flag has no direction. Family-wise rows are not delivered: each is a function of
/// the same replicate's rows of groups truly at rate ratio 1 (<paramref name="NullGroup"/>), false alarm when any of
/// them was flagged.
/// </summary>
public sealed record ReplicateSlot(string Attribute, string Detector, string Target, bool Directional, bool NullGroup);
