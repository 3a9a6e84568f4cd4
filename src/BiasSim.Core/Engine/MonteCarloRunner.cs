using System.Collections.Immutable;
using BiasSim.Core.Detectors;
using BiasSim.Core.Diagnosands;
using BiasSim.Core.Randomness;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Engine;

/// <summary>How a run is carried out; none of it changes the results except <see cref="Replicates"/>, <see cref="Seed"/>
/// and <see cref="DesignPoint"/>.</summary>
public sealed record RunSettings(int Replicates, ulong Seed, int Threads)
{
    /// <summary>Index of the design point in a sweep; part of every replicate's seed path.</summary>
    public ulong DesignPoint { get; init; }
}

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
internal struct DataTally
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

    public static SimulationResult Run(Scenario scenario, RunSettings settings, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Replicates, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Threads, 1);

        var model = new CountModel(scenario);
        // Every detector runs on every protected attribute, against that attribute's census and truth.
        var plan = new List<(int Attribute, CountDetector Detector)>();
        for (int k = 0; k < model.AttributeCount; k++)
        {
            foreach (string name in scenario.Detectors)
            {
                plan.Add((k, DetectorCatalog.Create(name, model.AttributePopulation(k), model.Cells.TrueRateRatiosFor(k), scenario.Simulation.Alpha)));
            }
        }
        ImmutableArray<CountDetector> detectors = [.. plan.Select(p => p.Detector)];
        int[] detectorAttribute = [.. plan.Select(p => p.Attribute)];
        var layout = new TallyLayout(detectors);

        int blocks = (settings.Replicates + BlockSize - 1) / BlockSize;
        // Blocks run in waves so memory stays O(threads x slots), not O(replicates), and waves merge in order.
        int wave = Math.Max(1, settings.Threads * 8);
        var total = new TargetTally[layout.Slots];
        var waveTallies = new TargetTally[wave][];
        for (int i = 0; i < wave; i++) waveTallies[i] = new TargetTally[layout.Slots];
        var waveData = new DataTally[wave];
        var data = default(DataTally);

        long completed = 0;
        bool partial = false;
        var options = new ParallelOptions { MaxDegreeOfParallelism = settings.Threads };
        for (int first = 0; first < blocks; first += wave)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                partial = true;
                break;
            }
            int count = Math.Min(wave, blocks - first);
            int start = first;
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
                for (int s = 0; s < layout.Slots; s++) total[s].Add(waveTallies[i][s]);
                data.Add(waveData[i]);
                completed += waveData[i].Replicates;
            }
            progress?.Report(completed);
        }

        var rows = ImmutableArray.CreateBuilder<DiagnosandRow>(layout.Slots);
        int slot = 0;
        for (int d = 0; d < detectors.Length; d++)
        {
            CountDetector detector = detectors[d];
            string attribute = model.AttributeName(detectorAttribute[d]);
            for (int t = 0; t < detector.Targets.Length; t++, slot++)
            {
                rows.Add(DiagnosandCalculator.Compute(detector.Name, detector.Targets[t], detector.TrueValue(t), detector.HasInterval, total[slot]) with { Attribute = attribute });
            }
        }
        double meanShare = completed == 0 ? 0 : data.SumMissingShare / completed;
        double shareVariance = completed < 2 ? 0 : Math.Max(0, (data.SumMissingShareSquared - completed * meanShare * meanShare) / (completed - 1));
        return new SimulationResult(rows.MoveToImmutable(), completed, partial)
        {
            MeanMissingShare = meanShare,
            MeanMissingShareSe = completed == 0 ? 0 : Math.Sqrt(shareVariance / completed),
            ExpectedMissingShare = model.ExpectedMissingShare,
            TrueRateRatios = model.TrueRateRatios,
        };

        void RunBlock(int block, TargetTally[] tallies, ref DataTally blockData)
        {
            Array.Clear(tallies);
            blockData = default;
            int from = block * BlockSize;
            int to = Math.Min(settings.Replicates, from + BlockSize);
            Span<long> scratch = stackalloc long[model.ScratchLength];
            var observed = new ObservedCounts(model);
            Span<DetectorOutcome> outcomes = stackalloc DetectorOutcome[layout.MaxTargets];
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
                int slot = 0;
                for (int d = 0; d < detectors.Length; d++)
                {
                    CountDetector detector = detectors[d];
                    int n = detector.Targets.Length;
                    Span<DetectorOutcome> o = outcomes[..n];
                    int k = detectorAttribute[d];
                    detector.Evaluate(new RecordedCounts(observed.Recorded[k], observed.Unknown[k], observed.Unmatched[k]), o);
                    for (int t = 0; t < n; t++, slot++)
                    {
                        layout.Recorders[slot].Record(ref tallies[slot], o[t]);
                    }
                }
            }
        }
    }

    /// <summary>Maps (detector, target) pairs to flat tally slots, with each slot's judge of the truth.</summary>
    private sealed class TallyLayout
    {
        public TallyLayout(ImmutableArray<CountDetector> detectors)
        {
            var recorders = new List<TallyRecorder>();
            foreach (CountDetector d in detectors)
            {
                for (int t = 0; t < d.Targets.Length; t++) recorders.Add(new TallyRecorder(d.TrueValue(t), d.HasInterval));
                MaxTargets = Math.Max(MaxTargets, d.Targets.Length);
            }
            Recorders = [.. recorders];
        }

        public TallyRecorder[] Recorders { get; }
        public int Slots => Recorders.Length;
        public int MaxTargets { get; }
    }
}
