using BiasSim.Core.Detectors;

namespace BiasSim.Core.Records;

/// <summary>Counts records the way an auditor would: per attribute, recorded per census level, unknown, and recorded
/// under a category with no census level (unmatched). The record-level counterpart of <see cref="Engine.ObservedCounts"/>.</summary>
public sealed class RecordTally
{
    private readonly int[][] _categoryLevel;

    public RecordTally(RecordModel model)
    {
        _categoryLevel = [.. Enumerable.Range(0, model.AttributeCount).Select(k => model.CategoryLevels(k).ToArray())];
        Recorded = [.. Enumerable.Range(0, model.AttributeCount).Select(k => new long[model.AttributePopulation(k).Groups.Length])];
        Unknown = new long[model.AttributeCount];
        Unmatched = new long[model.AttributeCount];
    }

    /// <summary>[attribute][census level]: records whose recorded category is that level.</summary>
    public long[][] Recorded { get; }
    public long[] Unknown { get; }
    public long[] Unmatched { get; }
    public long Referrals { get; private set; }

    public void Add(in ReferralRecord record)
    {
        Referrals++;
        for (int k = 0; k < _categoryLevel.Length; k++)
        {
            int c = record.Recorded[k];
            if (c < 0) Unknown[k]++;
            else if (_categoryLevel[k][c] is int level and >= 0) Recorded[k][level]++;
            else Unmatched[k]++;
        }
    }

    public void Add(ReadOnlySpan<ReferralRecord> records)
    {
        foreach (ref readonly ReferralRecord r in records) Add(r);
    }

    /// <summary>Every record of <paramref name="stream"/>, counted.</summary>
    public void AddAll(RecordStream stream)
    {
        Span<ReferralRecord> buffer = new ReferralRecord[4096];
        int n;
        while ((n = stream.Fill(buffer)) > 0) Add(buffer[..n]);
    }

    /// <summary>The counts of attribute <paramref name="attribute"/> as a detector sees them.</summary>
    public RecordedCounts Counts(int attribute) => new(Recorded[attribute], Unknown[attribute], Unmatched[attribute]);
}
