namespace BiasSim.Core.Sampling;

/// <summary>
/// A multinomial over fixed category weights, validated and reduced once to the conditional
/// probabilities of the binomial chain, c_i = w_i / (w_i + ... + w_last), so each draw is k - 1 unchecked
/// binomials with no divisions. The category with the largest weight is drawn last, as the remainder:
/// that skips the largest category's draw, the one whose conditional probability would be nearest 1/2.
/// </summary>
internal sealed class MultinomialPlan
{
    private readonly int[] _order;          // categories in draw order; the last is the remainder
    private readonly double[] _conditional; // conditional probability for each position in _order

    public MultinomialPlan(ReadOnlySpan<double> weights)
    {
        if (weights.Length == 0) throw new ArgumentException("At least one category is needed.", nameof(weights));
        double total = 0;
        foreach (double w in weights)
        {
            if (!(w >= 0 && w <= double.MaxValue)) throw new ArgumentOutOfRangeException(nameof(weights), w, "Weights must be finite and non-negative.");
            total += w;
        }
        if (!(total > 0)) throw new ArgumentException("The weights must have a positive sum.", nameof(weights));

        Categories = weights.Length;
        double[] w2 = weights.ToArray();
        int largest = Array.IndexOf(w2, w2.Max());
        // Zero-weight categories are never drawn; the rest keep their order, the largest moved to the end.
        _order = Enumerable.Range(0, Categories).Where(i => i != largest && w2[i] > 0).Append(largest).ToArray();
        _conditional = new double[_order.Length];
        double remaining = 0;
        for (int k = _order.Length - 1; k >= 0; k--)
        {
            remaining += w2[_order[k]];
            _conditional[k] = Math.Min(1.0, w2[_order[k]] / remaining);
        }
    }

    public int Categories { get; }

    /// <summary>Draws counts of <paramref name="n"/> trials into <paramref name="counts"/> (length <see cref="Categories"/>).</summary>
    public void Sample(ref Randomness.Xoshiro256 rng, long n, Span<long> counts)
    {
        counts.Clear();
        long remaining = n;
        int last = _order.Length - 1;
        for (int k = 0; k < last && remaining > 0; k++)
        {
            long c = BinomialSampler.SampleUnchecked(ref rng, remaining, _conditional[k]);
            counts[_order[k]] = c;
            remaining -= c;
        }
        counts[_order[last]] = remaining;
    }
}
