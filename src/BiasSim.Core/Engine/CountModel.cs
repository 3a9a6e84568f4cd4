using System.Collections.Immutable;
using BiasSim.Core.Randomness;
using BiasSim.Core.Sampling;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Engine;

/// <summary>
/// A scenario compiled to the law of what an auditor can observe: referrals per recorded category and the
/// number with no recorded group. Cells (region x group x covariate levels) are summed into these
/// categories once, here; a replicate then draws the observable counts directly, so it costs
/// O(recorded categories) with a fixed total, or O(regions x groups x categories) with a base rate,
/// however many cells or referrals the scenario has.
/// </summary>
/// <remarks>
/// Why summing is exact: with a fixed total T every referral falls independently into one cell and then,
/// with probability 1 - m_c, into a recorded category a (drawn from row g of the assignment matrix A), else
/// into "unknown"; so (X_1, ..., X_A, unknown) ~ Multinomial(T; P), P_a = sum_c pi_c (1 - m_c) A[g_c, a],
/// P_unknown = sum_c pi_c m_c (merging multinomial categories gives a multinomial). With a base rate, each
/// person of region j and group g independently ends up not referred, referred and recorded as a, or referred
/// and unrecorded: one multinomial over N_jg people per region and group.
/// </remarks>
public sealed class CountModel
{
    private readonly int[] _categoryGroup;                 // recorded category -> census group index, or -1
    private readonly MultinomialPlan? _total;               // total mode: categories 0..A-1 recorded, A unknown
    private readonly long _totalReferrals;
    private readonly (long People, MultinomialPlan Plan)[] _populations = []; // base mode: 0 not referred, 1..A recorded, A+1 unknown

    public CountModel(Scenario scenario)
    {
        Population population = scenario.Population;
        ReferralProcess referrals = scenario.Referrals;
        MissingnessMechanism missing = scenario.Recording.Missing;
        GroupCount = population.Groups.Length;
        Cells = new CellTable(population, referrals);

        Misclassification? mis = scenario.Recording.Misclassification;
        Categories = mis?.RecordedCategories(population) ?? [.. population.Groups.Select(g => g.Name)];
        double[,] assign = mis?.AssignmentMatrix(population) ?? Identity(GroupCount);
        _categoryGroup = [.. Categories.Select(population.IndexOf)];
        int a = Categories.Length;

        if (referrals.Total is long total)
        {
            var p = new double[a + 1];
            foreach (CellTable.Cell cell in Cells.Cells)
            {
                double m = missing.MissingProbability(cell.Key);
                for (int k = 0; k < a; k++) p[k] += cell.Weight * (1 - m) * assign[cell.Key.Group, k];
                p[a] += cell.Weight * m;
            }
            _total = new MultinomialPlan(p);
            _totalReferrals = total;
        }
        else
        {
            var byPopulation = new Dictionary<(int Region, int Group), double[]>();
            foreach (CellTable.Cell cell in Cells.Cells)
            {
                if (!byPopulation.TryGetValue((cell.Key.Region, cell.Key.Group), out double[]? q))
                {
                    byPopulation[(cell.Key.Region, cell.Key.Group)] = q = new double[a + 2];
                }
                double m = missing.MissingProbability(cell.Key);
                for (int k = 0; k < a; k++) q[1 + k] += cell.Weight * (1 - m) * assign[cell.Key.Group, k];
                q[a + 1] += cell.Weight * m;
            }
            _populations = [.. byPopulation.Select(kv =>
            {
                double[] q = kv.Value;
                q[0] = Math.Max(0, 1 - q.Skip(1).Sum());
                return (population.Regions[kv.Key.Region].Census[kv.Key.Group], new MultinomialPlan(q));
            })];
        }
        ExpectedMissingShare = MissingnessCalibration.ExpectedMissingShare(Cells, population, referrals, missing, missing.CalibrationShift);
    }

    public int GroupCount { get; }

    /// <summary>The categories a record can carry, in draw order (census groups, or the officers' categories).</summary>
    public ImmutableArray<string> Categories { get; }

    public CellTable Cells { get; }

    /// <summary>The estimand per group: ratio of expected referral rates per census head against the reference.</summary>
    public ImmutableArray<double> TrueRateRatios => Cells.TrueRateRatios;

    /// <summary>E[unknown] / E[referrals].</summary>
    public double ExpectedMissingShare { get; }

    /// <summary>Scratch space <see cref="Draw"/> needs.</summary>
    public int ScratchLength => Categories.Length + 2;

    /// <summary>
    /// Draws one replicate's observable counts: recorded referrals per census group into <paramref name="recorded"/>
    /// (records whose category is no census group are counted in <paramref name="unmatched"/>); returns the
    /// referrals with no recorded group.
    /// </summary>
    public long Draw(ref Xoshiro256 rng, Span<long> recorded, Span<long> scratch, out long unmatched)
    {
        recorded.Clear();
        unmatched = 0;
        int a = Categories.Length;
        if (_total is not null)
        {
            Span<long> cells = scratch[..(a + 1)];
            _total.Sample(ref rng, _totalReferrals, cells);
            for (int k = 0; k < a; k++) Add(recorded, k, cells[k], ref unmatched);
            return cells[a];
        }

        long unknown = 0;
        Span<long> counts = scratch[..(a + 2)];
        foreach (var (people, plan) in _populations)
        {
            plan.Sample(ref rng, people, counts);
            for (int k = 0; k < a; k++) Add(recorded, k, counts[1 + k], ref unmatched);
            unknown += counts[a + 1];
        }
        return unknown;
    }

    private void Add(Span<long> recorded, int category, long count, ref long unmatched)
    {
        int g = _categoryGroup[category];
        if (g >= 0) recorded[g] += count; else unmatched += count;
    }

    private static double[,] Identity(int n)
    {
        var m = new double[n, n];
        for (int i = 0; i < n; i++) m[i, i] = 1;
        return m;
    }
}
