using System.Runtime.CompilerServices;
using BiasSim.Core.Randomness;

namespace BiasSim.Core.Records;

/// <summary>One column of an alias table: keep the column with probability <see cref="Threshold"/> / 2^64, else take <see cref="Alias"/>.</summary>
internal readonly record struct AliasEntry(ulong Threshold, int Alias);

/// <summary>
/// Walker's alias method (Walker 1977, ACM TOMS 3:253-256) with Vose's numerically stable construction (Vose 1991,
/// IEEE TSE 17:972-975): a categorical draw over n fixed weights in O(1) from one 64-bit random number. Its high
/// part (the 128-bit product with n) picks a column uniformly, its low part is the coin that keeps the column or
/// takes its alias. Many tables can be packed into one <see cref="AliasEntry"/> array (see <see cref="Build"/>).
/// </summary>
internal sealed class AliasTable
{
    private readonly AliasEntry[] _entries;

    public AliasTable(ReadOnlySpan<double> weights)
    {
        _entries = new AliasEntry[weights.Length];
        Build(weights, _entries);
    }

    public int Count => _entries.Length;

    /// <summary>A category index in [0, <see cref="Count"/>), with probability proportional to its weight.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Sample(ref Xoshiro256 rng) => Sample(ref rng, _entries, 0, _entries.Length);

    /// <summary>Draws from the table of <paramref name="count"/> columns that starts at <paramref name="offset"/>; returns the column within it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Sample(ref Xoshiro256 rng, AliasEntry[] entries, int offset, int count)
    {
        ulong column = Math.BigMul(rng.NextUInt64(), (ulong)count, out ulong coin);
        AliasEntry e = entries[offset + (int)column];
        // Branch-free select (the coin is unpredictable, so a branch would be mispredicted half the time): keep is 0 or -1.
        int keep = -(coin < e.Threshold ? 1 : 0);
        return e.Alias + (((int)column - e.Alias) & keep);
    }

    /// <summary>Fills <paramref name="entries"/> (one per weight) by Vose's method. Zero weights are never drawn; a column kept
    /// with probability 1 is its own alias, so the coin's top value (2^64 - 1) cannot leak to another column.</summary>
    /// <exception cref="ArgumentException">No positive weight, or a weight that is negative, infinite or NaN.</exception>
    public static void Build(ReadOnlySpan<double> weights, Span<AliasEntry> entries)
    {
        int n = weights.Length;
        if (entries.Length != n) throw new ArgumentException("One entry per weight is needed.", nameof(entries));
        double total = 0;
        foreach (double w in weights)
        {
            if (!(w >= 0 && w <= double.MaxValue)) throw new ArgumentException($"Weights must be finite and non-negative (found {w}).", nameof(weights));
            total += w;
        }
        if (!(total > 0)) throw new ArgumentException("At least one weight must be positive.", nameof(weights));

        var scaled = new double[n];
        var small = new int[n];
        var large = new int[n];
        int smallCount = 0, largeCount = 0;
        for (int i = 0; i < n; i++)
        {
            scaled[i] = weights[i] * n / total;
            if (scaled[i] < 1.0) small[smallCount++] = i;
            else large[largeCount++] = i;
        }
        var probability = new double[n];
        var alias = new int[n];
        while (smallCount > 0 && largeCount > 0)
        {
            int s = small[--smallCount];
            int l = large[--largeCount];
            probability[s] = scaled[s];
            alias[s] = l;
            scaled[l] = scaled[l] + scaled[s] - 1.0;
            if (scaled[l] < 1.0) small[smallCount++] = l;
            else large[largeCount++] = l;
        }
        // What is left is 1 up to rounding: kept with certainty.
        while (largeCount > 0) { int l = large[--largeCount]; probability[l] = 1.0; alias[l] = l; }
        while (smallCount > 0) { int s = small[--smallCount]; probability[s] = 1.0; alias[s] = s; }

        for (int i = 0; i < n; i++)
        {
            double p = probability[i];
            entries[i] = p >= 1.0
                ? new AliasEntry(ulong.MaxValue, i)
                : new AliasEntry(p <= 0 ? 0UL : (ulong)(p * 18446744073709551616.0), alias[i]);
        }
    }
}
