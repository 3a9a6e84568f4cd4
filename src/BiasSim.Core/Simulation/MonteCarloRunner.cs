using System.Collections.Immutable;
using BiasSim.Core.Detectors;
using BiasSim.Core.Diagnosands;
using BiasSim.Core.Engine;
using BiasSim.Core.Randomness;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Simulation;

/// <summary>How a run is carried out; none of it changes the results except <see cref="Replicates"/>, <see cref="Seed"/>
/// and <see cref="DesignPoint"/>.</summary>
public sealed record RunSettings(int Replicates, ulong Seed, int Threads)
{
    /// <summary>Index of the design point in a sweep; part of every replicate's seed path.</summary>
    public ulong DesignPoint { get; init; }
}

/// <summary>
/// The sufficient statistics of one segment of <see cref="MonteCarloRunner.SegmentBlocks"/> blocks: every tally slot
/// and the data tally, summed over the segment's blocks in block order. <see cref="Blocks"/> below the segment's
/// size marks a segment interrupted part-way, which a resumed run continues. Segments are what shards and
/// checkpoints store: summed in segment order they give exactly the single run's totals.
/// </summary>
public sealed record SegmentTally(int Segment, int Blocks, TargetTally[] Slots, DataTally Data);

/// <summary>The diagnosands of a run, one row per detector and target, in detector then target order,
/// and what the simulated data looked like.</summary>
public sealed record SimulationResult(ImmutableArray<DiagnosandRow> Rows, long CompletedReplicates, bool Partial)
{
    /// <summary>Mean over replicates of the share of referrals with no recorded group, with its Monte Carlo SE.</summary>
    public double MeanMissingShare { get; init; }
    public double MeanMissingShareSe { get; init; }
    /// <summary>The model's expected missing share, E[unknown] / E[referrals], for comparison.</summary>
    public double ExpectedMissingShare { get; init; }
    /// <summary>The estimand: true rate ratio per census group (1 for the reference).</summary>
    public ImmutableArray<double> TrueRateRatios { get; init; } = [];
}

/// <summary>Running sums of the per-replicate missing share.</summary>
public struct DataTally
{
    public long Replicates;
    public double SumMissingShare, SumMissingShareSquared;

    public void Add(in DataTally o)
    {
        Replicates += o.Replicates;
        SumMissingShare += o.SumMissingShare;
        SumMissingShareSquared += o.SumMissingShareSquared;
    }
}

/// <summary>
/// Repeats the count-level data-generating process and every detector, and tallies how often each
/// detector finds the truth. Replicate r of design point p draws from streams seeded by
/// (seed, p, r, stage), and tallies are summed per fixed block of replicates and merged in block
/// order, so the output is bit-identical on any number of threads.
/// </summary>
public static class MonteCarloRunner
{
    /// <summary>Replicates per block: the unit of parallel work and of deterministic merging.</summary>
    public const int BlockSize = 1024;

    /// <summary>The group name of the row that reports a per-group detector's family-wise false-alarm rate.</summary>
    public const string FamilyWiseTarget = SummaryTargets.FamilyWise;

    /// <summary>Blocks per segment (16,384 replicates): the unit of checkpoints, shards and merging.</summary>
    public const int SegmentBlocks = 16;

    /// <summary>How many tally slots (detector x target rows) a run of <paramref name="scenario"/> keeps.</summary>
    public static int SlotCount(Scenario scenario, CountModel model) => new DetectorPlan(scenario, model).Slots;

    /// <summary>Number of segments a run of <paramref name="replicates"/> has.</summary>
    public static int SegmentCount(int replicates) => (BlockCount(replicates) + SegmentBlocks - 1) / SegmentBlocks;

    private static int BlockCount(int replicates) => (replicates + BlockSize - 1) / BlockSize;

    private static int BlocksIn(int segment, int replicates) =>
        Math.Min(SegmentBlocks, BlockCount(replicates) - segment * SegmentBlocks);

    /// <summary>The slots an <see cref="IReplicateObserver"/> sees, in the order it sees them: every row of
    /// diagnosands.csv except the family-wise ones.</summary>
    public static System.Collections.Immutable.ImmutableArray<ReplicateSlot> ReplicateSlots(Scenario scenario, CountModel model) =>
        new DetectorPlan(scenario, model).Delivered;

    public static SimulationResult Run(Scenario scenario, RunSettings settings, IProgress<long>? progress = null, CancellationToken cancellationToken = default,
        IReplicateObserver? observer = null)
    {
        var model = new CountModel(scenario);
        IReadOnlyList<SegmentTally> segments = RunSegments(model, scenario, settings, 0, SegmentCount(settings.Replicates), [], null, progress,
            cancellationToken, observer);
        return Combine(model, scenario, settings, segments);
    }

    /// <summary>
    /// Runs segments [<paramref name="firstSegment"/>, <paramref name="endSegment"/>) and returns their tallies in
    /// order. Segments in <paramref name="resume"/> are taken as done (a last one with fewer blocks than its size is
    /// continued from where it stopped). <paramref name="onSegment"/> sees each segment as it completes, and the
    /// interrupted one on cancellation, so a caller can checkpoint. <paramref name="observer"/> sees every replicate
    /// run here (not the resumed ones); it changes no tally.
    /// </summary>
    public static IReadOnlyList<SegmentTally> RunSegments(
        CountModel model, Scenario scenario, RunSettings settings, int firstSegment, int endSegment,
        IReadOnlyList<SegmentTally> resume, Action<SegmentTally>? onSegment,
        IProgress<long>? progress = null, CancellationToken cancellationToken = default, IReplicateObserver? observer = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Replicates, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Threads, 1);
        var plan = new DetectorPlan(scenario, model);
        var done = resume.ToDictionary(t => t.Segment);
        var result = new List<SegmentTally>();

        // Blocks run in waves so memory stays O(threads x slots), not O(replicates), and merge in block order.
        int wave = Math.Max(1, settings.Threads * 8);
        var waveTallies = new TargetTally[wave][];
        for (int i = 0; i < wave; i++) waveTallies[i] = new TargetTally[plan.Slots];
        var waveData = new DataTally[wave];
        var options = new ParallelOptions { MaxDegreeOfParallelism = settings.Threads };
        long completed = resume.Sum(t => t.Data.Replicates);

        for (int segment = firstSegment; segment < endSegment; segment++)
        {
            int blocks = BlocksIn(segment, settings.Replicates);
            var slots = new TargetTally[plan.Slots];
            var data = default(DataTally);
            int blocksDone = 0;
            if (done.TryGetValue(segment, out SegmentTally? previous))
            {
                if (previous.Blocks == blocks)
                {
                    result.Add(previous);
                    continue;
                }
                slots = (TargetTally[])previous.Slots.Clone();
                data = previous.Data;
                blocksDone = previous.Blocks;
            }
            int firstBlock = segment * SegmentBlocks;
            while (blocksDone < blocks)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    var interrupted = new SegmentTally(segment, blocksDone, slots, data);
                    if (blocksDone > 0)
                    {
                        result.Add(interrupted);
                        onSegment?.Invoke(interrupted);
                    }
                    return result;
                }
                int count = Math.Min(wave, blocks - blocksDone);
                int start = firstBlock + blocksDone;
                if (settings.Threads == 1)
                {
                    for (int i = 0; i < count; i++) RunBlock(start + i, waveTallies[i], ref waveData[i]);
                }
                else
                {
                    Parallel.For(0, count, options, i => RunBlock(start + i, waveTallies[i], ref waveData[i]));
                }
                for (int i = 0; i < count; i++)
                {
                    for (int s = 0; s < plan.Slots; s++) slots[s].Add(waveTallies[i][s]);
                    data.Add(waveData[i]);
                    completed += waveData[i].Replicates;
                    observer?.BlockCompleted(start + i);
                }
                blocksDone += count;
                progress?.Report(completed);
            }
            var tally = new SegmentTally(segment, blocks, slots, data);
            result.Add(tally);
            onSegment?.Invoke(tally);
        }
        return result;

        void RunBlock(int block, TargetTally[] tallies, ref DataTally result)
        {
            Array.Clear(tallies);
            // Summed in a local and stored once: neighbouring blocks' DataTally share a cache line, and writing it per
            // replicate from two cores made each core invalidate the other's line (false sharing). Same sums, same order.
            var blockData = default(DataTally);
            int from = block * BlockSize;
            int to = Math.Min(settings.Replicates, from + BlockSize);
            Span<long> scratch = model.ScratchLength <= StackBudget.Elements ? stackalloc long[model.ScratchLength] : new long[model.ScratchLength];
            var observed = new ObservedCounts(model);
            Span<DetectorOutcome> outcomes = plan.MaxTargets <= StackBudget.Elements
                ? stackalloc DetectorOutcome[plan.MaxTargets] : new DetectorOutcome[plan.MaxTargets];
            SlotOutcome[] delivered = observer is null ? [] : new SlotOutcome[plan.Delivered.Length];
            for (int r = from; r < to; r++)
            {
                var rng = SeedSequence.Generator(settings.Seed, settings.DesignPoint, (ulong)r, SeedSequence.Stage.Data);
                model.Draw(ref rng, scratch, observed);
                long unknown = observed.Unknown[0];
                long referred = unknown + observed.Unmatched[0];
                foreach (long x in observed.Recorded[0]) referred += x;
                double share = referred == 0 ? 0 : (double)unknown / referred;
                blockData.Replicates++;
                blockData.SumMissingShare += share;
                blockData.SumMissingShareSquared += share * share;
                // Every replicate gets its detection seed, whether or not a detector draws: a new random detector can never run on seed 0.
                ulong detectionSeed = SeedSequence.Derive(settings.Seed, settings.DesignPoint, (ulong)r, SeedSequence.Stage.Detection);
                plan.Evaluate(observed, detectionSeed, outcomes, tallies, delivered);
                observer?.Observe(block, r, delivered);
            }
            result = blockData;
        }
    }

    /// <summary>
    /// Diagnosands from segment tallies (from one run, a resumed one, or merged shards), summed in segment order,
    /// so the same replicates give bit-identical rows however they were split. Missing or interrupted segments
    /// make the result partial.
    /// </summary>
    public static SimulationResult Combine(CountModel model, Scenario scenario, RunSettings settings, IEnumerable<SegmentTally> segments)
    {
        var plan = new DetectorPlan(scenario, model);
        var total = new TargetTally[plan.Slots];
        var data = default(DataTally);
        int expectedSegments = SegmentCount(settings.Replicates);
        int complete = 0;
        foreach (SegmentTally segment in segments.OrderBy(t => t.Segment))
        {
            if (segment.Slots.Length != plan.Slots)
                throw new ArgumentException("A segment's tallies do not match this scenario's detectors.", nameof(segments));
            for (int s = 0; s < plan.Slots; s++) total[s].Add(segment.Slots[s]);
            data.Add(segment.Data);
            if (segment.Blocks == BlocksIn(segment.Segment, settings.Replicates)) complete++;
        }
        long completed = data.Replicates;
        ImmutableArray<DiagnosandRow> rows = plan.Rows(total, model);
        double meanShare = completed == 0 ? 0 : data.SumMissingShare / completed;
        double shareVariance = completed < 2 ? 0 : Math.Max(0, (data.SumMissingShareSquared - completed * meanShare * meanShare) / (completed - 1));
        return new SimulationResult(rows, completed, Partial: complete < expectedSegments)
        {
            MeanMissingShare = meanShare,
            MeanMissingShareSe = completed == 0 ? 0 : Math.Sqrt(shareVariance / completed),
            ExpectedMissingShare = model.ExpectedMissingShare,
            TrueRateRatios = model.TrueRateRatios,
        };
    }

    /// <summary>
    /// Which detector runs on which attribute, and where each (detector, target) pair is tallied. Every detector
    /// runs on every protected attribute, against that attribute's census and truth. A per-group detector with
    /// two or more groups truly at rate ratio 1 also gets a family-wise slot: did any of those groups get flagged?
    /// </summary>
    private sealed class DetectorPlan
    {
        private readonly (int Attribute, CountDetector Detector, Adjustment Adjust, int FamilySlot, bool[] IsNull)[] _entries;
        private readonly TallyRecorder[] _recorders;
        private readonly Slot[] _slots;
        private readonly double _alpha;

        /// <summary>What one tally slot reports: its row's names, truth, and which diagnosands apply.</summary>
        private sealed record Slot(string Detector, string Target, string Attribute, double? Truth, bool HasInterval, bool? Effect, SlotKind Kind)
        {
            /// <summary>Matrix draws per replicate, for a detector that may drop some (else null).</summary>
            public int? Draws { get; init; }
        }

        private enum SlotKind { Group, Test, FamilyWise }

        public DetectorPlan(Scenario scenario, CountModel model)
        {
            _alpha = scenario.Simulation.Alpha;
            var entries = new List<(int, CountDetector, Adjustment, int, bool[])>();
            var slots = new List<Slot>();
            for (int k = 0; k < model.AttributeCount; k++)
            {
                AnalysisFrame frame = DetectorFactory.Frame(model, k);
                foreach (string name in scenario.Detectors)
                {
                    DetectorSpec spec = scenario.DetectorSpec(name);
                    CountDetector detector = DetectorCatalog.Create(spec, frame, scenario.Simulation.Alpha);
                    string attribute = model.AttributeName(k);
                    for (int t = 0; t < detector.Targets.Length; t++)
                    {
                        bool test = !detector.HasInterval || detector.TrueValue(t) is null;
                        slots.Add(new Slot(detector.Name, detector.Targets[t], attribute, detector.TrueValue(t), detector.HasInterval,
                            detector.TrueEffect(t), test ? SlotKind.Test : SlotKind.Group)
                        {
                            Draws = detector is MisclassificationCorrectedDetector { EstimatesMatrix: true } mc ? mc.Draws : null,
                        });
                    }
                    // Only groups whose truth is judged can raise a false alarm: a sensitivity analysis's flags are not claims.
                    bool[] isNull = [.. Enumerable.Range(0, detector.Targets.Length)
                        .Select(t => detector.HasInterval && detector.TrueValue(t) is not null && detector.TrueEffect(t) == false)];
                    int family = -1;
                    // With one null group the family-wise rate is that group's own false-alarm rate: no row needed.
                    if (isNull.Count(n => n) >= 2)
                    {
                        family = slots.Count;
                        slots.Add(new Slot(detector.Name, FamilyWiseTarget, attribute, null, false, false, SlotKind.FamilyWise));
                    }
                    entries.Add((k, detector, spec.Adjust, family, isNull));
                    MaxTargets = Math.Max(MaxTargets, detector.Targets.Length);
                }
            }
            _entries = [.. entries];
            _slots = [.. slots];
            _recorders = [.. slots.Select(x => new TallyRecorder(x.Truth, x.HasInterval, x.Effect))];
            Delivered = [.. slots.Where(x => x.Kind != SlotKind.FamilyWise)
                .Select(x => new ReplicateSlot(x.Attribute, x.Detector, x.Target, x.Kind != SlotKind.Test,
                    x.Kind == SlotKind.Group && x.HasInterval && x.Truth is not null && x.Effect == false))];
        }

        public int Slots => _slots.Length;
        public ImmutableArray<ReplicateSlot> Delivered { get; }
        public int MaxTargets { get; }

        /// <param name="delivered">Empty, or one entry per <see cref="Delivered"/> slot to fill for an observer.</param>
        public void Evaluate(ObservedCounts observed, ulong detectionSeed, Span<DetectorOutcome> outcomes, TargetTally[] tallies, Span<SlotOutcome> delivered)
        {
            int slot = 0, next = 0;
            for (int d = 0; d < _entries.Length; d++)
            {
                var (k, detector, adjust, family, isNull) = _entries[d];
                int n = detector.Targets.Length;
                Span<DetectorOutcome> o = outcomes[..n];
                var counts = new RecordedCounts(observed.Recorded[k], observed.Unknown[k], observed.Unmatched[k])
                {
                    Strata = observed.ByStratum[k],
                    Validation = k == 0 ? observed.Validation : default,
                    DetectionSeed = detectionSeed ^ ((ulong)d * 0x9E3779B97F4A7C15UL),
                };
                detector.Evaluate(counts, o);
                if (adjust != Adjustment.None) MultipleComparisons.Adjust(o, adjust, _alpha);
                bool anyEstimable = false, anyUp = false, anyDown = false;
                for (int t = 0; t < n; t++, slot++)
                {
                    AuditOutcome? judged = _recorders[slot].Record(ref tallies[slot], o[t]);
                    if (!delivered.IsEmpty) delivered[next++] = new SlotOutcome(o[t], judged);
                    if (isNull[t] && o[t].Estimable)
                    {
                        anyEstimable = true;
                        anyUp |= o[t].Flag > 0;
                        anyDown |= o[t].Flag < 0;
                    }
                }
                if (family >= 0)
                {
                    TallyRecorder.RecordFamily(ref tallies[slot], anyEstimable, anyUp, anyDown);
                    slot++;
                }
            }
        }

        public ImmutableArray<DiagnosandRow> Rows(TargetTally[] total, CountModel model)
        {
            var rows = ImmutableArray.CreateBuilder<DiagnosandRow>(Slots);
            for (int s = 0; s < Slots; s++)
            {
                Slot x = _slots[s];
                bool directional = x.Kind != SlotKind.Test;
                rows.Add(DiagnosandCalculator.Compute(x.Detector, x.Target, x.Truth, x.HasInterval, total[s],
                    directional, x.Effect, perGroup: x.Kind == SlotKind.Group, x.Draws) with
                { Attribute = x.Attribute });
            }
            return rows.MoveToImmutable();
        }
    }
}
