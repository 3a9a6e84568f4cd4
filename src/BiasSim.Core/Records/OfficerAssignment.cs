using System.Collections.Immutable;
using BiasSim.Core.Randomness;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Records;

/// <summary>
/// The category a case officer assigns to a referral (a column of <see cref="Misclassification.Matrix"/>), drawn
/// consistently with what was recorded. The record engine draws the recorded category straight from the mixed
/// assignment matrix A[g, c] = s M[g, c] + (1 - s) [c = g] (s the officer share); this recovers the officer's view
/// from its conditional law: given self-defined g and recorded c, the record was officer-assigned with probability
/// s M[g, c] / A[g, c], and then the officer's category is c; otherwise (and for unrecorded referrals) the officer's
/// category is a fresh draw from row g of M. The joint law of (officer's category, recorded category) is then
/// exactly "officer draws from M, the record keeps it with probability s".
/// </summary>
public sealed class OfficerAssignment
{
    private readonly AliasTable[] _rows;          // per self-defined level: the officer's row of M
    private readonly double[,] _keptOfficer;      // [level, recorded category]: P(the record is the officer's category)
    private readonly int[] _recordedToOfficer;    // recorded category -> officer column, or -1

    public OfficerAssignment(Misclassification misclassification, Population population)
    {
        Categories = misclassification.Categories;
        ImmutableArray<string> recorded = misclassification.RecordedCategories(population);
        double[,] a = misclassification.AssignmentMatrix(population);
        int levels = population.Groups.Length;
        _rows = [.. Enumerable.Range(0, levels).Select(g => new AliasTable([.. misclassification.Matrix[g]]))];
        _recordedToOfficer = [.. recorded.Select(c => Categories.IndexOf(c))];
        _keptOfficer = new double[levels, recorded.Length];
        for (int g = 0; g < levels; g++)
        {
            for (int c = 0; c < recorded.Length; c++)
            {
                int o = _recordedToOfficer[c];
                double officer = o < 0 ? 0 : misclassification.OfficerShare * misclassification.Matrix[g][o];
                _keptOfficer[g, c] = a[g, c] > 0 ? Math.Min(1.0, officer / a[g, c]) : 0;
            }
        }
    }

    /// <summary>The officers' categories (the matrix columns).</summary>
    public ImmutableArray<string> Categories { get; }

    /// <summary>The officer's category (an index into <see cref="Categories"/>) for a referral of self-defined level
    /// <paramref name="level"/> recorded as <paramref name="recordedCategory"/> (or <see cref="ReferralRecord.Unknown"/>).</summary>
    public int Draw(int level, int recordedCategory, ref Xoshiro256 rng)
    {
        if (recordedCategory >= 0)
        {
            double kept = _keptOfficer[level, recordedCategory];
            if (kept >= 1.0 || (kept > 0 && rng.NextDouble() < kept)) return _recordedToOfficer[recordedCategory];
        }
        return _rows[level].Sample(ref rng);
    }
}
