using System.Collections.Immutable;
using BiasSim.Core.Calibration;
using BiasSim.Core.Randomness;
using BiasSim.Core.Sampling;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Engine;

/// <summary>
/// A scenario compiled to the law of what an auditor can observe: for each protected attribute (ethnicity,
/// and religion where declared), referrals per recorded category and the number with that attribute
/// unrecorded. Cells (region x group x attribute levels x covariate levels) are summed into these observable
/// categories once, here; a replicate then draws the observable counts directly, so it costs O(observable
/// categories) with a fixed total, or O(regions x groups x categories) with a base rate, however many cells
/// or referrals the scenario has.
/// </summary>
/// <remarks>
/// Why summing is exact: with a fixed total T every referral falls independently into one cell c and then,
/// for each attribute k independently given the cell, into a recorded category a (with probability
/// (1 - m_kc) A_k[level, a]) or "unknown" (m_kc). So the joint categories (a_1, a_2, ...) are a multinomial
/// with P = sum_c pi_c prod_k f_k(c, a_k): merging multinomial categories gives a multinomial. With a base
/// rate, each person of region j and group g independently ends up not referred or in one joint category:
/// one multinomial over the N_jg people of each region and group.
/// </remarks>
public sealed class CountModel
{
    private readonly AttributeLayout[] _attributes;
    private readonly int _jointCategories;   // joint attribute categories within one stratum
    private readonly int _observable;        // strata x joint categories
    private readonly MultinomialPlan? _total;      // total mode: joint categories
    private readonly long _totalReferrals;
    private readonly (long People, MultinomialPlan Plan)[] _populations = []; // base mode: 0 not referred, then joint categories

    /// <summary>One attribute's recorded categories: which census level each matches (-1: none), and its stride in the joint index.</summary>
    private sealed record AttributeLayout(string Name, Population Population, ImmutableArray<string> Categories, int[] CategoryLevel, double[,] Assignment,
        MissingnessMechanism Missing, int Stride)
    {
        public int Unknown => Categories.Length;
    }

    private readonly ReferralProcess _referrals;
    private readonly int _validationStride;

    private static int GroupCountOf(AttributeLayout layout) => layout.Population.Groups.Length;

    /// <summary>The share of recorded referrals that also carry the self-defined group (0: no validation subsample).</summary>
    public double ValidationShare { get; }

    public CountModel(Scenario scenario)
    {
        Population population = scenario.Population;
        ReferralProcess referrals = scenario.Referrals;
        _referrals = referrals;
        Cells = new CellTable(population, referrals);

        var layouts = new List<AttributeLayout>();
        int stride = 1;
        layouts.Add(Layout(Population.Ethnicity, population, scenario.Recording.Misclassification, scenario.Recording.Missing, ref stride));
        foreach (ProtectedAttribute attribute in population.Attributes)
        {
            AttributeRecording recording = scenario.Recording.Attributes[attribute.Name];
            layouts.Add(Layout(attribute.Name, attribute.AsPopulation(population), recording.Misclassification, recording.Missing, ref stride));
        }
        _attributes = [.. layouts];
        // A validation subsample (recording.misclassification.validation_share) adds one dimension: for a recorded
        // referral, "not validated" or "validated, self-defined group g". It is part of how data are recorded, so it is
        // read from the recording process (the loader moves the deprecated detector option there).
        ValidationShare = scenario.Recording.ValidationShare ?? 0;
        _validationStride = stride;
        if (ValidationShare > 0) stride *= GroupCountOf(layouts[0]) + 1;
        _jointCategories = stride;
        Strata = new Stratification(population, referrals,
            scenario.Detectors.Select(d => scenario.DetectorSpec(d).By).OfType<string>());
        _observable = Strata.Count * _jointCategories;

        if (referrals.Total is long total)
        {
            var p = new double[_observable];
            foreach (CellTable.Cell cell in Cells.Cells) AddCell(cell, cell.Weight, p, offset: Strata.StratumOf(cell.Key) * _jointCategories);
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
                    byPopulation[(cell.Key.Region, cell.Key.Group)] = q = new double[_observable + 1];
                }
                AddCell(cell, cell.Weight, q, offset: 1 + Strata.StratumOf(cell.Key) * _jointCategories);
            }
            _populations = [.. byPopulation.Select(kv =>
            {
                double[] q = kv.Value;
                q[0] = Math.Max(0, 1 - q.Skip(1).Sum());
                return (population.Regions[kv.Key.Region].Census[kv.Key.Group], new MultinomialPlan(q));
            })];
        }
        ExpectedMissingShare = MissingnessCalibration.ExpectedMissingShare(Cells, population, referrals, scenario.Recording.Missing,
            scenario.Recording.Missing.CalibrationShift);
    }

    private static AttributeLayout Layout(string name, Population population, Misclassification? mis, MissingnessMechanism missing, ref int stride)
    {
        ImmutableArray<string> categories = mis?.RecordedCategories(population) ?? [.. population.Groups.Select(g => g.Name)];
        double[,] assignment = mis?.AssignmentMatrix(population) ?? Identity(population.Groups.Length);
        var layout = new AttributeLayout(name, population, categories, [.. categories.Select(population.IndexOf)], assignment, missing, stride);
        stride *= categories.Length + 1;
        return layout;
    }

    /// <summary>Adds a cell's probability of each joint observable category: the product over attributes of
    /// P(recorded as a | cell) = (1 - m) A[level, a], or P(unknown | cell) = m.</summary>
    private void AddCell(CellTable.Cell cell, double weight, double[] p, int offset)
    {
        Span<double> recorded = _attributes.Length <= StackBudget.Elements ? stackalloc double[_attributes.Length] : new double[_attributes.Length];
        for (int k = 0; k < _attributes.Length; k++) recorded[k] = 1 - _attributes[k].Missing.MissingProbability(cell.Key.ForAttribute(k));
        for (int joint = 0; joint < _jointCategories; joint++)
        {
            double probability = weight;
            for (int k = 0; k < _attributes.Length && probability > 0; k++)
            {
                AttributeLayout a = _attributes[k];
                int category = joint / a.Stride % (a.Categories.Length + 1);
                int level = k == 0 ? cell.Key.Group : cell.Key.AttributeLevels[k - 1];
                probability *= category == a.Unknown ? 1 - recorded[k] : recorded[k] * a.Assignment[level, category];
            }
            if (ValidationShare > 0 && probability > 0)
            {
                int validated = joint / _validationStride; // 0: not validated; g + 1: validated with self-defined group g
                bool unknown = joint / _attributes[0].Stride % (_attributes[0].Categories.Length + 1) == _attributes[0].Unknown;
                probability *= validated == 0 ? (unknown ? 1 : 1 - ValidationShare)
                    : !unknown && validated - 1 == cell.Key.Group ? ValidationShare : 0;
            }
            p[offset + joint] += probability;
        }
    }

    /// <summary>Expected missing share of attribute <paramref name="attribute"/> within each level of
    /// <paramref name="variable"/> ('region' or a covariate).</summary>
    public double[] ExpectedMissingShareByLevel(int attribute, string variable)
    {
        var strata = new Stratification(AttributePopulation(0), _referrals, [variable]);
        var weight = new double[strata.Count];
        var missing = new double[strata.Count];
        foreach (CellTable.Cell cell in Cells.Cells)
        {
            double w = Cells.ExpectedReferralWeight(cell, AttributePopulation(0), _referrals);
            int level = strata.StratumOf(cell.Key);
            weight[level] += w;
            missing[level] += w * _attributes[attribute].Missing.MissingProbability(cell.Key.ForAttribute(attribute));
        }
        return [.. missing.Select((m, l) => weight[l] > 0 ? m / weight[l] : 0)];
    }

    /// <summary>Expected missing share of attribute <paramref name="attribute"/> overall.</summary>
    public double ExpectedMissingShareOf(int attribute) =>
        MissingnessCalibration.ExpectedMissingShare(Cells, AttributePopulation(0), _referrals, _attributes[attribute].Missing,
            _attributes[attribute].Missing.CalibrationShift, attribute);

    /// <summary>Each level's expected recording rate (recorded / referred, by self-defined level) over the reference's:
    /// the recording ratio r_g / r_ref that makes the complete-case rate ratio converge to RR x r_g / r_ref.</summary>
    public double[] RecordingRatios(int attribute)
    {
        int levels = AttributePopulation(attribute).Groups.Length;
        var referred = new double[levels];
        var recorded = new double[levels];
        foreach (CellTable.Cell cell in Cells.Cells)
        {
            double w = Cells.ExpectedReferralWeight(cell, AttributePopulation(0), _referrals);
            CellKey key = cell.Key.ForAttribute(attribute);
            referred[key.Group] += w;
            recorded[key.Group] += w * (1 - _attributes[attribute].Missing.MissingProbability(key));
        }
        int reference = AttributePopulation(attribute).ReferenceIndex;
        double referenceRate = recorded[reference] / referred[reference];
        return [.. recorded.Select((r, g) => referred[g] > 0 && referenceRate > 0 ? r / referred[g] / referenceRate : double.NaN)];
    }

    /// <summary>The assignment matrix over census levels, M[g, h] = P(recorded as level h | self-defined g), or null
    /// when some recorded category is no census level (so M is not square over the levels).</summary>
    public double[,]? AssignmentOverLevels(int attribute)
    {
        AttributeLayout a = _attributes[attribute];
        if (a.CategoryLevel.Any(l => l < 0)) return null;
        int n = a.Population.Groups.Length;
        var m = new double[n, n];
        for (int g = 0; g < n; g++)
        {
            for (int c = 0; c < a.Categories.Length; c++) m[g, a.CategoryLevel[c]] += a.Assignment[g, c];
        }
        return m;
    }

    /// <summary>Ethnicity first, then each further attribute in declaration order.</summary>
    public int AttributeCount => _attributes.Length;

    public string AttributeName(int attribute) => _attributes[attribute].Name;

    /// <summary>The attribute's groups (levels) and census denominators.</summary>
    public Population AttributePopulation(int attribute) => _attributes[attribute].Population;

    public int GroupCount => _attributes[0].Population.Groups.Length;

    /// <summary>The categories an ethnicity record can carry (census groups, or the officers' categories).</summary>
    public ImmutableArray<string> Categories => _attributes[0].Categories;

    public CellTable Cells { get; }

    /// <summary>The observed strata detectors asked for (one stratum when none did).</summary>
    public Stratification Strata { get; }

    /// <summary>The ethnicity estimand per group: ratio of expected referral rates per census head against the reference.</summary>
    public ImmutableArray<double> TrueRateRatios => Cells.TrueRateRatios;

    /// <summary>E[ethnicity unknown] / E[referrals].</summary>
    public double ExpectedMissingShare { get; }

    /// <summary>Scratch space <see cref="Draw(ref Xoshiro256, Span{long}, ObservedCounts)"/> needs.</summary>
    public int ScratchLength => _observable + 1;

    /// <summary>Draws one replicate's observable counts into <paramref name="observed"/>.</summary>
    public void Draw(ref Xoshiro256 rng, Span<long> scratch, ObservedCounts observed)
    {
        observed.Clear();
        if (_total is not null)
        {
            Span<long> joint = scratch[.._observable];
            _total.Sample(ref rng, _totalReferrals, joint);
            Distribute(joint, observed);
            return;
        }
        Span<long> counts = scratch[..(_observable + 1)];
        foreach (var (people, plan) in _populations)
        {
            plan.Sample(ref rng, people, counts);
            Distribute(counts[1..], observed);
        }
    }

    /// <summary>Ethnicity only: recorded per census group, returning the unknown count (records in no census category go to <paramref
    /// name="unmatched"/>).</summary>
    public long Draw(ref Xoshiro256 rng, Span<long> recorded, Span<long> scratch, out long unmatched)
    {
        var observed = new ObservedCounts(this);
        Draw(ref rng, scratch, observed);
        observed.Recorded[0].CopyTo(recorded);
        unmatched = observed.Unmatched[0];
        return observed.Unknown[0];
    }

    /// <summary>Adds the observable counts (stratum x joint category) to each attribute's margins, overall and by stratum.</summary>
    private void Distribute(ReadOnlySpan<long> observable, ObservedCounts observed)
    {
        bool stratified = Strata.Count > 1;
        for (int c = 0; c < observable.Length; c++)
        {
            long n = observable[c];
            if (n == 0) continue;
            int stratum = c / _jointCategories;
            int joint = c - stratum * _jointCategories;
            if (ValidationShare > 0 && joint / _validationStride is int validated and > 0)
            {
                AttributeLayout e = _attributes[0];
                int recordedCategory = joint / e.Stride % (e.Categories.Length + 1);
                observed.Validation[(validated - 1) * e.Categories.Length + recordedCategory] += n;
            }
            for (int k = 0; k < _attributes.Length; k++)
            {
                AttributeLayout a = _attributes[k];
                int category = joint / a.Stride % (a.Categories.Length + 1);
                StratifiedCounts by = observed.ByStratum[k];
                if (category == a.Unknown)
                {
                    observed.Unknown[k] += n;
                    if (stratified) by.Unknown[stratum] += n;
                }
                else if (a.CategoryLevel[category] is int level and >= 0)
                {
                    observed.Recorded[k][level] += n;
                    if (stratified) by.Recorded[stratum * by.Groups + level] += n;
                }
                else
                {
                    observed.Unmatched[k] += n;
                    if (stratified) by.Unmatched[stratum] += n;
                }
            }
        }
        if (!stratified)
        {
            // One stratum: the stratified view is the total.
            for (int k = 0; k < _attributes.Length; k++)
            {
                StratifiedCounts by = observed.ByStratum[k];
                observed.Recorded[k].CopyTo(by.Recorded, 0);
                by.Unknown[0] = observed.Unknown[k];
                by.Unmatched[0] = observed.Unmatched[k];
            }
        }
    }

    private static double[,] Identity(int n)
    {
        var m = new double[n, n];
        for (int i = 0; i < n; i++) m[i, i] = 1;
        return m;
    }
}

/// <summary>One replicate's observable counts per attribute: recorded per census level, unknown, and recorded
/// under a category with no census counterpart. Reused across replicates by one thread.</summary>
public sealed class ObservedCounts
{
    public ObservedCounts(CountModel model)
    {
        Recorded = [.. Enumerable.Range(0, model.AttributeCount).Select(k => new long[model.AttributePopulation(k).Groups.Length])];
        Unknown = new long[model.AttributeCount];
        Unmatched = new long[model.AttributeCount];
        ByStratum = [.. Enumerable.Range(0, model.AttributeCount)
            .Select(k => new StratifiedCounts(model.Strata.Count, model.AttributePopulation(k).Groups.Length))];
        Validation = new long[model.ValidationShare > 0 ? model.GroupCount * model.Categories.Length : 0];
    }

    /// <summary>The validation subsample: Validation[g * categories + a] referrals of self-defined group g recorded as
    /// category a (ethnicity categories, <see cref="CountModel.Categories"/>). Empty without a validation subsample.</summary>
    public long[] Validation { get; }

    public long[][] Recorded { get; }
    public long[] Unknown { get; }
    public long[] Unmatched { get; }
    public StratifiedCounts[] ByStratum { get; }

    public void Clear()
    {
        foreach (long[] r in Recorded) Array.Clear(r);
        Array.Clear(Unknown);
        Array.Clear(Unmatched);
        foreach (StratifiedCounts s in ByStratum) s.Clear();
        Array.Clear(Validation);
    }
}

/// <summary>One attribute's observable counts by stratum: recorded per census level (stratum-major), unknown, unmatched.</summary>
public sealed class StratifiedCounts(int strata, int groups)
{
    public int Strata { get; } = strata;
    public int Groups { get; } = groups;
    /// <summary>Recorded[stratum * Groups + group].</summary>
    public long[] Recorded { get; } = new long[strata * groups];
    public long[] Unknown { get; } = new long[strata];
    public long[] Unmatched { get; } = new long[strata];

    public void Clear()
    {
        Array.Clear(Recorded);
        Array.Clear(Unknown);
        Array.Clear(Unmatched);
    }

    /// <summary>
    /// Sums the strata into a detector's own coarser levels (<paramref name="stratumLevel"/> maps each stratum to
    /// one): recorded per level and group (level-major), and per level the recorded total (including records in
    /// no census category) and the unknown count.
    /// </summary>
    public void Collapse(ReadOnlySpan<int> stratumLevel, Span<long> recorded, Span<long> recordedTotal, Span<long> unknown)
    {
        recorded.Clear();
        recordedTotal.Clear();
        unknown.Clear();
        for (int s = 0; s < Strata; s++)
        {
            int k = stratumLevel[s];
            long r = Unmatched[s];
            for (int g = 0; g < Groups; g++)
            {
                long c = Recorded[s * Groups + g];
                recorded[k * Groups + g] += c;
                r += c;
            }
            recordedTotal[k] += r;
            unknown[k] += Unknown[s];
        }
    }
}
