using System.Collections.Immutable;
using BiasSim.Core.Calibration;
using BiasSim.Core.Engine;
using BiasSim.Core.Randomness;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Records;

/// <summary>
/// A scenario compiled for record-level simulation: one <see cref="ReferralRecord"/> per referral, streamed, with
/// exactly the law of the observable counts that <see cref="CountModel"/> draws directly.
/// </summary>
/// <remarks>
/// <para>Per replicate, with a fixed total T, every referral independently falls into a cell c of the
/// <see cref="CellTable"/> with probability pi_c (an alias-table draw; T independent draws are the multinomial over
/// cells), and with a base rate each region x group pair j, g first gets Y_jg ~ Binomial(N_jg, q_jg) referrals, q_jg the
/// sum of its cells' weights, spread over the pair's cells in proportion to their weights. Then, for each protected
/// attribute k independently given the cell, the referral's attribute is recorded with probability 1 - m_kc
/// (m_kc = the attribute's <see cref="MissingnessMechanism.MissingProbability(in CellKey)"/> of the cell seen from
/// attribute k) and its recorded category is drawn from row (the cell's level of k) of
/// <see cref="Misclassification.AssignmentMatrix"/>. Summing records by observable category gives the multinomial
/// (fixed total) or the per-pair multinomials (base rate) of <see cref="CountModel"/>'s remarks: the same law.</para>
/// <para>With a base rate, records come out in a uniformly random order of the pairs (each record's pair is drawn
/// with probability proportional to the pair's referrals still to come), so row order says nothing about a group.</para>
/// <para>Speed: the steps above are usually fused. Every possible record (a cell and one outcome per attribute, unknown or
/// a category) has probability pi_c prod_k f_k(c, a_k), the product the steps multiply out, so one alias-table draw over
/// all possible records gives a record with exactly the same law in one random number. That table is built when it has
/// at most <see cref="DefaultMaxJointOutcomes"/> entries of positive probability (the Prevent scenario has 12,000);
/// otherwise records are drawn step by step.</para>
/// </remarks>
public sealed class RecordModel
{
    /// <summary>Per cell and attribute: the chance of being recorded as a 53-bit threshold, and the row of categories to draw from.</summary>
    internal readonly record struct CellAttribute(ulong RecordThreshold, int Row);

    /// <summary>A row of an assignment matrix packed into <see cref="_categoryEntries"/>; <see cref="Fixed"/> >= 0 when only one category is
    /// possible.</summary>
    internal readonly record struct CategoryRow(int Offset, int Count, short Fixed);

    /// <summary>One attribute as recorded: its census population, recorded categories and their census levels (-1: none).</summary>
    private sealed record AttributeLayout(string Name, Population Population, ImmutableArray<string> Categories, ImmutableArray<int> CategoryLevel,
        MissingnessMechanism Missing, Misclassification? Misclassification);

    /// <summary>2^53: a recording threshold meaning "always recorded".</summary>
    internal const ulong Always = 1UL << 53;

    /// <summary>The largest fused table of possible records (about 28 bytes each).</summary>
    public const int DefaultMaxJointOutcomes = 1 << 20;

    private readonly AttributeLayout[] _attributes;
    private readonly CellAttribute[] _cellAttributes;   // cell * attributes + k
    private readonly CategoryRow[] _rows;
    private readonly AliasEntry[] _categoryEntries;
    private readonly OfficerAssignment?[] _officer;

    // Fixed total: one alias table over all cells.
    private readonly AliasEntry[] _cellEntries;
    // Base rate: per region x group pair, its people, referral probability and an alias table over its cells
    // (packed into _cellEntries; _pairCells maps a pair's column back to the cell index).
    private readonly (long People, double Probability, int Offset, int Count)[] _pairs = [];
    private readonly int[] _pairCells = [];

    // The fused path: every possible record and an alias table over them (total: one table; base rate: one per pair,
    // at the pair's offset and count in _jointPairs).
    private readonly ReferralRecord[]? _joint;
    private readonly AliasEntry[] _jointEntries = [];
    private readonly (int Offset, int Count)[] _jointPairs = [];

    public RecordModel(Scenario scenario) : this(scenario, DefaultMaxJointOutcomes)
    {
    }

    /// <param name="maxJointOutcomes">The largest fused table allowed; 0 always draws step by step (tests compare both paths).</param>
    internal RecordModel(Scenario scenario, int maxJointOutcomes)
    {
        Population population = scenario.Population;
        ReferralProcess referrals = scenario.Referrals;
        Referrals = referrals;
        Cells = new CellTable(population, referrals);
        if (population.Attributes.Length + 1 > ReferralRecord.MaxAttributes)
        {
            throw new NotSupportedException($"Record-level simulation supports at most {ReferralRecord.MaxAttributes - 1} protected attributes besides " +
                $"ethnicity; the scenario has {population.Attributes.Length}.");
        }

        var layouts = new List<AttributeLayout> { Layout(Population.Ethnicity, population, scenario.Recording.Misclassification, scenario.Recording.Missing) };
        foreach (ProtectedAttribute attribute in population.Attributes)
        {
            AttributeRecording recording = scenario.Recording.Attributes[attribute.Name];
            layouts.Add(Layout(attribute.Name, attribute.AsPopulation(population), recording.Misclassification, recording.Missing));
        }
        _attributes = [.. layouts];
        int k = _attributes.Length;

        // Category rows: one per attribute and census level, from the assignment matrix (identity without misclassification).
        var rows = new List<CategoryRow>();
        var entries = new List<AliasEntry>();
        var rowOf = new int[k][];
        var assignments = new double[k][,];
        for (int a = 0; a < k; a++)
        {
            AttributeLayout layout = _attributes[a];
            int levels = layout.Population.Groups.Length, categories = layout.Categories.Length;
            double[,] assignment = assignments[a] = layout.Misclassification?.AssignmentMatrix(layout.Population) ?? Identity(levels);
            rowOf[a] = new int[levels];
            for (int level = 0; level < levels; level++)
            {
                var weights = new double[categories];
                for (int c = 0; c < categories; c++) weights[c] = assignment[level, c];
                rowOf[a][level] = rows.Count;
                int positive = weights.Count(w => w > 0);
                if (positive <= 1)
                {
                    // A single possible category (or none: a level no referral can have) needs no draw.
                    rows.Add(new CategoryRow(entries.Count, categories, (short)Math.Max(0, Array.FindIndex(weights, w => w > 0))));
                    continue;
                }
                var table = new AliasEntry[categories];
                AliasTable.Build(weights, table);
                rows.Add(new CategoryRow(entries.Count, categories, -1));
                entries.AddRange(table);
            }
        }
        _rows = [.. rows];
        _categoryEntries = [.. entries];
        _officer = [.. _attributes.Select(a => a.Misclassification is { } m ? new OfficerAssignment(m, a.Population) : null)];

        ImmutableArray<CellTable.Cell> cells = Cells.Cells;
        _cellAttributes = new CellAttribute[cells.Length * k];
        var missing = new double[cells.Length * k];
        for (int c = 0; c < cells.Length; c++)
        {
            for (int a = 0; a < k; a++)
            {
                CellKey key = cells[c].Key.ForAttribute(a);
                missing[c * k + a] = _attributes[a].Missing.MissingProbability(key);
                double recorded = 1 - missing[c * k + a];
                ulong threshold = recorded >= 1 ? Always : recorded <= 0 ? 0 : (ulong)(recorded * Always);
                _cellAttributes[c * k + a] = new CellAttribute(threshold, rowOf[a][key.Group]);
            }
        }
        // Cells in the order the fused table lists them: all at once (total), or pair by pair (base rate).
        List<int[]> groupsOfCells = referrals.Total is null
            ? [.. Enumerable.Range(0, cells.Length).GroupBy(c => (cells[c].Key.Region, cells[c].Key.Group)).Select(g => g.ToArray())]
            : [Enumerable.Range(0, cells.Length).ToArray()];
        if (TryFuse(groupsOfCells, missing, assignments, maxJointOutcomes) is var (joint, jointEntries, jointPairs))
        {
            _joint = joint;
            _jointEntries = jointEntries;
            _jointPairs = jointPairs;
        }

        if (referrals.Total is long total)
        {
            TotalReferrals = total;
            _cellEntries = new AliasEntry[cells.Length];
            AliasTable.Build([.. cells.Select(c => c.Weight)], _cellEntries);
        }
        else
        {
            // The same grouping (and order) of pairs as the fused table.
            var byPair = groupsOfCells.Select(pair => pair.Select(index => (cell: cells[index], index))).Select(p => p.ToList())
                .Select(list => (Key: (list[0].cell.Key.Region, list[0].cell.Key.Group), Items: list)).ToList();
            var packed = new List<AliasEntry>();
            var pairCells = new List<int>();
            var pairs = new List<(long, double, int, int)>();
            foreach (var pair in byPair)
            {
                double[] weights = [.. pair.Items.Select(x => x.cell.Weight)];
                var table = new AliasEntry[weights.Length];
                AliasTable.Build(weights, table);
                pairs.Add((population.Regions[pair.Key.Region].Census[pair.Key.Group], Math.Min(1.0, weights.Sum()), packed.Count, weights.Length));
                packed.AddRange(table);
                pairCells.AddRange(pair.Items.Select(x => x.index));
            }
            _cellEntries = [.. packed];
            _pairCells = [.. pairCells];
            _pairs = [.. pairs];
        }
    }

    /// <summary>
    /// Lists every possible record of each group of cells with its probability, pi_c prod_k (m_kc if unknown, else
    /// (1 - m_kc) A_k[level, a]), and builds an alias table per group; null when there would be more than
    /// <paramref name="max"/> of them.
    /// </summary>
    private (ReferralRecord[], AliasEntry[], (int, int)[])? TryFuse(List<int[]> groupsOfCells, double[] missing, double[][,] assignments, int max)
    {
        int k = _attributes.Length;
        var records = new List<ReferralRecord>();
        var weights = new List<double>();
        var spans = new List<(int, int)>();
        ImmutableArray<CellTable.Cell> cells = Cells.Cells;
        foreach (int[] group in groupsOfCells)
        {
            int start = records.Count;
            foreach (int c in group)
            {
                var record = new ReferralRecord { Cell = c };
                if (!Expand(c, 0, cells[c].Weight, ref record)) return null;
            }
            spans.Add((start, records.Count - start));
        }
        var entries = new AliasEntry[records.Count];
        double[] all = [.. weights];
        foreach (var (offset, count) in spans)
        {
            if (count > 0) AliasTable.Build(all.AsSpan(offset, count), entries.AsSpan(offset, count));
        }
        return ([.. records], entries, [.. spans]);

        bool Expand(int cell, int attribute, double weight, ref ReferralRecord record)
        {
            if (attribute == k)
            {
                if (records.Count >= max) return false;
                records.Add(record);
                weights.Add(weight);
                return true;
            }
            double m = missing[cell * k + attribute];
            if (m > 0)
            {
                record.Recorded[attribute] = ReferralRecord.Unknown;
                if (!Expand(cell, attribute + 1, weight * m, ref record)) return false;
            }
            if (m < 1)
            {
                CellKey key = cells[cell].Key.ForAttribute(attribute);
                double[,] a = assignments[attribute];
                for (int category = 0; category < a.GetLength(1); category++)
                {
                    double p = a[key.Group, category];
                    if (p <= 0) continue;
                    record.Recorded[attribute] = (short)category;
                    if (!Expand(cell, attribute + 1, weight * (1 - m) * p, ref record)) return false;
                }
            }
            return true;
        }
    }

    private static AttributeLayout Layout(string name, Population population, Misclassification? mis, MissingnessMechanism missing)
    {
        ImmutableArray<string> categories = mis?.RecordedCategories(population) ?? [.. population.Groups.Select(g => g.Name)];
        return new AttributeLayout(name, population, categories, [.. categories.Select(population.IndexOf)], missing, mis);
    }

    private static double[,] Identity(int n)
    {
        var m = new double[n, n];
        for (int i = 0; i < n; i++) m[i, i] = 1;
        return m;
    }

    /// <summary>The cells referrals fall into (region x group x attribute levels x covariate levels).</summary>
    public CellTable Cells { get; }

    public ReferralProcess Referrals { get; }

    /// <summary>The key (region, group, covariate and attribute levels) of cell <paramref name="cell"/>.</summary>
    public CellKey Key(int cell) => Cells.Cells[cell].Key;

    /// <summary>Ethnicity first, then each further attribute in declaration order.</summary>
    public int AttributeCount => _attributes.Length;

    public string AttributeName(int attribute) => _attributes[attribute].Name;

    /// <summary>The attribute's census levels (self-defined groups) and denominators.</summary>
    public Population AttributePopulation(int attribute) => _attributes[attribute].Population;

    /// <summary>The categories a record of the attribute can carry (census levels, or the officers' categories).</summary>
    public ImmutableArray<string> Categories(int attribute) => _attributes[attribute].Categories;

    /// <summary>For each recorded category, the census level it matches, or -1 (a record with no denominator, "unmatched").</summary>
    public ImmutableArray<int> CategoryLevels(int attribute) => _attributes[attribute].CategoryLevel;

    /// <summary>Who would assign the attribute's category when an officer does, or null when the scenario has no misclassification for it.</summary>
    public OfficerAssignment? Officer(int attribute) => _officer[attribute];

    /// <summary>The fixed number of referrals per replicate, or null with a base rate (then it is random).</summary>
    public long? TotalReferrals { get; }

    /// <summary>The records of one replicate, drawn from a generator seeded with <paramref name="seed"/>.</summary>
    public RecordStream Open(ulong seed) => new(this, seed);

    /// <summary>The records of replicate <paramref name="replicate"/> of a run with master seed <paramref name="masterSeed"/>,
    /// from the <see cref="SeedSequence.Stage.Records"/> stream.</summary>
    public RecordStream Open(ulong masterSeed, ulong replicate, ulong designPoint = 0) =>
        new(this, SeedSequence.Derive(masterSeed, designPoint, replicate, SeedSequence.Stage.Records));

    /// <summary>The records of one replicate as an enumerable, for convenience; <see cref="RecordStream.Fill"/> is faster.</summary>
    public IEnumerable<ReferralRecord> Records(ulong seed)
    {
        RecordStream stream = Open(seed);
        var buffer = new ReferralRecord[4096];
        int n;
        while ((n = stream.Fill(buffer)) > 0)
        {
            for (int i = 0; i < n; i++) yield return buffer[i];
        }
    }

    /// <summary>Whether records are drawn from the fused table of possible records (one draw each) rather than step by step.</summary>
    public bool Fused => _joint is not null;

    internal ReferralRecord[]? Joint => _joint;
    internal AliasEntry[] JointEntries => _jointEntries;
    internal (int Offset, int Count)[] JointPairs => _jointPairs;
    internal AliasEntry[] CellEntries => _cellEntries;
    internal (long People, double Probability, int Offset, int Count)[] Pairs => _pairs;
    internal int[] PairCells => _pairCells;
    internal CellAttribute[] CellAttributes => _cellAttributes;
    internal CategoryRow[] Rows => _rows;
    internal AliasEntry[] CategoryEntries => _categoryEntries;
}
