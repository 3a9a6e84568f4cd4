using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using BiasSim.Core.Detectors;
using BiasSim.Core.Diagnosands;
using BiasSim.Core.Simulation;

namespace BiasSim.Cli.Output;

/// <summary>
/// replicates.csv (<c>run --save-replicates</c>): one row per replicate and per row of diagnosands.csv except the
/// family-wise ones, in replicate order, streamed. Each block's rows are formatted on the thread that ran the block and
/// written when the runner completes the block, in block order, so the file is identical on any thread count and memory
/// holds at most one wave of blocks, never the whole run. Flags and outcomes are the values the tallies counted.
/// </summary>
internal sealed class ReplicatesCsv : IReplicateObserver
{
    /// <summary>The columns, in order: a public contract.</summary>
    public static readonly ImmutableArray<string> Columns = ["replicate", "attribute", "detector", "group", "estimate", "lower", "upper", "flag", "outcome"];

    public const string FileName = "replicates.csv";

    /// <summary>Refuse files larger than this unless the limit is raised (<c>--max-replicates-bytes</c>).</summary>
    public const long DefaultMaxBytes = 1_000_000_000;

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private readonly ImmutableArray<ReplicateSlot> _slots;
    private readonly string[] _labels;
    private readonly ConcurrentDictionary<int, StringBuilder> _blocks = new();
    private readonly StreamWriter _writer;

    public ReplicatesCsv(ImmutableArray<ReplicateSlot> slots, Stream stream)
    {
        _slots = slots;
        _labels = [.. slots.Select(s => $"{Csv.Cell(s.Attribute)},{Csv.Cell(s.Detector)},{Csv.Cell(s.Target)},")];
        _writer = new StreamWriter(stream, Utf8NoBom, bufferSize: 1 << 16, leaveOpen: true);
        _writer.Write(string.Join(',', Columns) + "\n");
    }

    /// <summary>A size estimate before writing: rows x (the row's labels + the replicate's digits + three numbers
    /// printed round-trip, up to ~20 characters each + flag and outcome). Real files come out smaller.</summary>
    public static long EstimateBytes(ImmutableArray<ReplicateSlot> slots, long replicates)
    {
        int digits = replicates.ToString(CultureInfo.InvariantCulture).Length;
        long perReplicate = slots.Sum(s => (long)(s.Attribute.Length + s.Detector.Length + s.Target.Length + 4 + digits + 3 * 20 + 30));
        return 64 + perReplicate * replicates;
    }

    public void Observe(int block, int replicate, ReadOnlySpan<SlotOutcome> outcomes)
    {
        StringBuilder sb = _blocks.GetOrAdd(block, _ => new StringBuilder());
        string r = replicate.ToString(CultureInfo.InvariantCulture);
        for (int s = 0; s < outcomes.Length; s++)
        {
            ref readonly SlotOutcome x = ref outcomes[s];
            DetectorOutcome o = x.Outcome;
            sb.Append(r).Append(',').Append(_labels[s]);
            if (o.Estimable) sb.Append(Number(o.Estimate)).Append(',').Append(Number(o.Lower)).Append(',').Append(Number(o.Upper)).Append(',');
            else sb.Append(",,,");
            sb.Append(Flag(o, _slots[s].Directional)).Append(',').Append(Outcome(x.Judged)).Append('\n');
        }
    }

    public void BlockCompleted(int block)
    {
        if (!_blocks.TryRemove(block, out StringBuilder? sb)) return;
        foreach (ReadOnlyMemory<char> chunk in sb.GetChunks()) _writer.Write(chunk.Span);
    }

    public void Flush() => _writer.Flush();

    /// <summary>A test without a direction (chi-square, the missing-share omnibus) flags as "flagged": calling it "up"
    /// would claim a direction its statistic does not have.</summary>
    public static string Flag(in DetectorOutcome o, bool directional) => !o.Estimable ? "not_estimable"
        : o.Flag == 0 ? "none"
        : !directional ? "flagged"
        : o.Flag > 0 ? "up" : "down";

    public static string Outcome(AuditOutcome? judged) => judged switch
    {
        null => "",
        AuditOutcome.NotEstimable => "not_estimable",
        AuditOutcome.Correct => "correct",
        AuditOutcome.Misestimated => "misestimated",
        AuditOutcome.WrongDirection => "wrong_direction",
        AuditOutcome.Missed => "missed",
        AuditOutcome.FalseAlarm => "false_alarm",
        _ => throw new ArgumentOutOfRangeException(nameof(judged)),
    };

    private static string Number(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);
}
