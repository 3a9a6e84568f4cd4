using System.Runtime.CompilerServices;
using BiasSim.Core.Randomness;
using BiasSim.Core.Sampling;

namespace BiasSim.Core.Records;

/// <summary>
/// The referrals of one replicate, produced in chunks by <see cref="Fill"/>: O(1) memory whatever the number of
/// referrals, no allocation per record, and the same records for the same seed on any machine.
/// </summary>
public sealed class RecordStream
{
    private readonly RecordModel _model;
    private readonly int _attributes;
    private Xoshiro256 _rng;
    private long _remaining;
    // Base rate: referrals still to come per region x group pair (_left), and an alias table over the pairs built from
    // their counts when it was last rebuilt (_built); see TakePair.
    private readonly long[] _left = [];
    private readonly long[] _built = [];
    private readonly AliasEntry[] _pairTable = [];
    private long _rebuildAt;

    internal RecordStream(RecordModel model, ulong seed)
    {
        _model = model;
        _attributes = model.AttributeCount;
        _rng = new Xoshiro256(seed);
        if (model.TotalReferrals is long total)
        {
            Count = total;
        }
        else
        {
            var pairs = model.Pairs;
            _left = new long[pairs.Length];
            _built = new long[pairs.Length];
            _pairTable = new AliasEntry[pairs.Length];
            for (int p = 0; p < pairs.Length; p++)
            {
                _left[p] = BinomialSampler.Sample(ref _rng, pairs[p].People, pairs[p].Probability);
                Count += _left[p];
            }
            _rebuildAt = Count; // built on the first draw
        }
        _remaining = Count;
    }

    /// <summary>The number of referrals in this replicate.</summary>
    public long Count { get; }

    /// <summary>Referrals not yet produced.</summary>
    public long Remaining => _remaining;

    /// <summary>Writes the next records into <paramref name="buffer"/>; returns how many (0 when the replicate is done).</summary>
    public int Fill(Span<ReferralRecord> buffer)
    {
        int n = (int)Math.Min(buffer.Length, _remaining);
        if (n == 0) return 0;
        Xoshiro256 rng = _rng;
        if (_model.Joint is ReferralRecord[] joint)
        {
            // Fused: one alias draw picks a whole possible record (cell and recorded categories).
            AliasEntry[] entries = _model.JointEntries;
            if (_left.Length == 0)
            {
                int count = joint.Length;
                for (int i = 0; i < n; i++) buffer[i] = joint[AliasTable.Sample(ref rng, entries, 0, count)];
            }
            else
            {
                (int Offset, int Count)[] spans = _model.JointPairs;
                long[] left = _left, built = _built;
                AliasEntry[] pairTable = _pairTable;
                int pairs = left.Length;
                long remaining = _remaining;
                for (int i = 0; i < n; i++, remaining--)
                {
                    // TakePair, written out here so the generator stays in registers.
                    if (remaining <= _rebuildAt) Rebuild(remaining);
                    int p;
                    do p = AliasTable.Sample(ref rng, pairTable, 0, pairs);
                    while ((long)Math.BigMul(rng.NextUInt64(), (ulong)built[p], out _) >= left[p]);
                    left[p]--;
                    var (offset, count) = spans[p];
                    buffer[i] = joint[offset + AliasTable.Sample(ref rng, entries, offset, count)];
                }
            }
            _rng = rng;
            _remaining -= n;
            return n;
        }
        AliasEntry[] cells = _model.CellEntries;
        if (_left.Length == 0)
        {
            int cellCount = cells.Length;
            if (_attributes == 1)
            {
                for (int i = 0; i < n; i++)
                {
                    int cell = AliasTable.Sample(ref rng, cells, 0, cellCount);
                    buffer[i].Cell = cell;
                    buffer[i].Recorded[0] = RecordOne(ref rng, cell, 0);
                }
            }
            else
            {
                for (int i = 0; i < n; i++) Record(ref rng, AliasTable.Sample(ref rng, cells, 0, cellCount), ref buffer[i]);
            }
        }
        else
        {
            var pairs = _model.Pairs;
            int[] pairCells = _model.PairCells;
            long remaining = _remaining;
            for (int i = 0; i < n; i++, remaining--)
            {
                int p = TakePair(ref rng, remaining);
                var (_, _, offset, count) = pairs[p];
                Record(ref rng, pairCells[offset + AliasTable.Sample(ref rng, cells, offset, count)], ref buffer[i]);
            }
        }
        _rng = rng;
        _remaining -= n;
        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Record(ref Xoshiro256 rng, int cell, ref ReferralRecord record)
    {
        record.Cell = cell;
        for (int k = 0; k < _attributes; k++) record.Recorded[k] = RecordOne(ref rng, cell, k);
    }

    /// <summary>Bernoulli(1 - m) for being recorded, then the category from the level's row of the assignment matrix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private short RecordOne(ref Xoshiro256 rng, int cell, int attribute)
    {
        RecordModel.CellAttribute a = _model.CellAttributes[cell * _attributes + attribute];
        if (a.RecordThreshold == 0) return ReferralRecord.Unknown;
        if (a.RecordThreshold != RecordModel.Always && (rng.NextUInt64() >> 11) >= a.RecordThreshold) return ReferralRecord.Unknown;
        RecordModel.CategoryRow row = _model.Rows[a.Row];
        return row.Fixed >= 0 ? row.Fixed : (short)AliasTable.Sample(ref rng, _model.CategoryEntries, row.Offset, row.Count);
    }

    /// <summary>
    /// Draws the pair of the next record with probability (its referrals to come) / (all to come), and takes one from it:
    /// sampling without replacement, so the pairs come out in a uniformly random order. A pair is proposed from an alias
    /// table over the counts B_p when it was built and accepted with probability (left_p / B_p): P(p) is proportional
    /// to B_p x left_p / B_p = left_p, exactly. The table is rebuilt whenever the referrals to come are
    /// down to 7/8 of those it was built for, so a proposal is accepted with probability at least 7/8 (1.07 proposals a
    /// record on average) and the rebuilds cost O(pairs x log referrals) in all.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int TakePair(ref Xoshiro256 rng, long remaining)
    {
        if (remaining <= _rebuildAt) Rebuild(remaining);
        long[] left = _left, built = _built;
        int pairs = left.Length;
        while (true)
        {
            int p = AliasTable.Sample(ref rng, _pairTable, 0, pairs);
            long v = (long)Math.BigMul(rng.NextUInt64(), (ulong)built[p], out _);
            if (v < left[p])
            {
                left[p]--;
                return p;
            }
        }
    }

    private void Rebuild(long remaining)
    {
        double[] weights = new double[_left.Length];
        for (int p = 0; p < _left.Length; p++) weights[p] = _built[p] = _left[p];
        AliasTable.Build(weights, _pairTable);
        _rebuildAt = remaining - remaining / 8 - 1;
    }
}
