using BiasSim.Core.Engine;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;

namespace BiasSim.Core.Tests.Engine;

public class SegmentTests
{
    private static readonly Scenario Scenario = TestScenarios.Load(TestScenarios.Valid);

    [Fact]
    public void Interrupting_mid_segment_and_resuming_gives_identical_rows()
    {
        // Cancel from the progress callback part-way into the second segment (one thread: waves of 8 blocks,
        // 8,192 replicates, so progress passes 20,000 after the first wave of segment 1), then resume.
        const int replicates = 40_000;
        var settings = new RunSettings(replicates, 3, 1);
        var model = new CountModel(Scenario);
        SimulationResult whole = MonteCarloRunner.Run(Scenario, settings);

        using var cts = new CancellationTokenSource();
        var progress = new SynchronousProgress(done => { if (done >= 20_000) cts.Cancel(); });
        var checkpoints = new List<SegmentTally>();
        IReadOnlyList<SegmentTally> first = MonteCarloRunner.RunSegments(model, Scenario, settings, 0, MonteCarloRunner.SegmentCount(replicates), [],
            checkpoints.Add, progress, cts.Token);
        Assert.Contains(first, t => t.Blocks < MonteCarloRunner.SegmentBlocks); // stopped inside a segment
        Assert.True(MonteCarloRunner.Combine(model, Scenario, settings, first).Partial);

        // The checkpoints go through the byte codec, as they would through a file.
        byte[] file = [.. checkpoints.SelectMany(SegmentTallyCodec.Encode)];
        List<SegmentTally> restored = SegmentTallyCodec.DecodeAll(file, MonteCarloRunner.SlotCount(Scenario, model));
        IReadOnlyList<SegmentTally> rest = MonteCarloRunner.RunSegments(model, Scenario, settings, 0, MonteCarloRunner.SegmentCount(replicates), restored,
            null);
        SimulationResult resumed = MonteCarloRunner.Combine(model, Scenario, settings, rest);
        Assert.False(resumed.Partial);
        Assert.Equal(whole.Rows.ToArray(), resumed.Rows.ToArray());
        Assert.Equal(whole.MeanMissingShare, resumed.MeanMissingShare);
    }

    [Fact]
    public void Codec_ignores_a_torn_last_record()
    {
        var model = new CountModel(Scenario);
        var settings = new RunSettings(20_000, 3, 1);
        IReadOnlyList<SegmentTally> segments = MonteCarloRunner.RunSegments(model, Scenario, settings, 0, 2, [], null);
        byte[] one = SegmentTallyCodec.Encode(segments[0]);
        byte[] two = SegmentTallyCodec.Encode(segments[1]);
        List<SegmentTally> read = SegmentTallyCodec.DecodeAll([.. one, .. two[..(two.Length - 3)]], MonteCarloRunner.SlotCount(Scenario, model));
        Assert.Single(read);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.AsBytes(segments[0].Slots.AsSpan())
            .SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(read[0].Slots.AsSpan())));
        two[20] ^= 0xFF; // a flipped bit fails the checksum
        Assert.Single(SegmentTallyCodec.DecodeAll([.. one, .. two], MonteCarloRunner.SlotCount(Scenario, model)));
    }

    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
