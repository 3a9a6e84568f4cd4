using System.Collections.Immutable;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Calibration;

/// <summary>
/// Every cell of region x group x further-attribute levels x covariate levels with its expected share of
/// referrals: the scenario's population and referral process laid flat. Built once per scenario (O(cells));
/// replicates never see it.
/// </summary>
public sealed class CellTable
{
    /// <summary>One cell: where it is, and its referral weight (a share of all referrals with <c>total</c>;
    /// the referral probability of one person of the region and group times the level shares with <c>base_rate</c>).</summary>
    public readonly record struct Cell(CellKey Key, double Weight);

    public CellTable(Population population, ReferralProcess referrals)
    {
        var cells = new List<Cell>();
        int[] levelCounts = [.. referrals.Covariates.Select(c => c.Levels.Length)];
        int[] attributeCounts = [.. population.Attributes.Select(a => a.Levels.Length)];
        // expected[k][level]: expected referrals by level of attribute k (0 = ethnicity groups).
        double[][] expected = [new double[population.Groups.Length], .. population.Attributes.Select(a => new double[a.Levels.Length])];
        double totalWeight = 0;
        for (int j = 0; j < population.Regions.Length; j++)
        {
            Region region = population.Regions[j];
            for (int g = 0; g < population.Groups.Length; g++)
            {
                long people = region.Census[g];
                string group = population.Groups[g].Name;
                double rr = referrals.RateRatio(region.Name, group);
                // total: share proportional to N x RR; base_rate: per-person probability base x RR.
                double groupWeight = referrals.BaseRate is double b ? b * rr : people * rr;
                if (people == 0 || groupWeight == 0) continue;
                ImmutableArray<double>[] shares = [.. referrals.Covariates.Select(c => c.SharesFor(region.Name, group))];
                foreach (int[] attributeLevels in Combinations(attributeCounts))
                {
                    double weight = groupWeight;
                    for (int k = 0; k < attributeLevels.Length; k++)
                    {
                        ProtectedAttribute attribute = population.Attributes[k];
                        weight *= attribute.SharesByGroup[g][attributeLevels[k]] * referrals.AttributeRateRatio(attribute.Name,
                            attribute.Levels[attributeLevels[k]]);
                    }
                    if (weight == 0) continue;
                    double referred = referrals.BaseRate is null ? weight : weight * people;
                    expected[0][g] += referred;
                    for (int k = 0; k < attributeLevels.Length; k++) expected[k + 1][attributeLevels[k]] += referred;
                    totalWeight += referrals.BaseRate is null ? weight : 0;
                    ImmutableArray<int> attributeKey = [.. attributeLevels];
                    foreach (int[] levels in Combinations(levelCounts))
                    {
                        double w = weight;
                        for (int k = 0; k < levels.Length; k++) w *= shares[k][levels[k]];
                        if (w > 0) cells.Add(new Cell(new CellKey(j, g, [.. levels]) { AttributeLevels = attributeKey }, w));
                    }
                }
            }
        }
        if (referrals.BaseRate is null)
        {
            // Normalise to shares of all referrals, and expected referrals to the fixed total.
            for (int i = 0; i < cells.Count; i++) cells[i] = cells[i] with { Weight = cells[i].Weight / totalWeight };
            foreach (double[] e in expected)
            {
                for (int l = 0; l < e.Length; l++) e[l] = e[l] / totalWeight * referrals.Total!.Value;
            }
        }
        Cells = [.. cells];
        ExpectedReferrals = [.. expected[0]];

        // Without regional or attribute rate ratios the ethnicity estimand is the declared ratio exactly; the
        // sums above would reproduce it only to rounding, and 1 - 1e-16 is not "no disproportionality" to a sign test.
        bool declaredIsExact = referrals.RateRatiosByRegion.IsEmpty && referrals.AttributeRateRatios.Values.All(d => d.Values.All(v => v == 1.0));
        TrueRateRatios = declaredIsExact
            ? [.. population.Groups.Select(g => referrals.RateRatio(g.Name))]
            : RatesRelativeToReference(expected[0], population);
        AttributeTrueRateRatios = [.. population.Attributes.Select((a, k) => RatesRelativeToReference(expected[k + 1], a.AsPopulation(population)))];
    }

    public ImmutableArray<Cell> Cells { get; }

    /// <summary>E[Y_g]: expected referrals per self-defined group.</summary>
    public ImmutableArray<double> ExpectedReferrals { get; }

    /// <summary>The estimand: the ratio of expected referral rates per census head, group against reference.
    /// Equals the declared rate ratio unless it varies by region or mixes with another attribute's, when it is
    /// the population-weighted one.</summary>
    public ImmutableArray<double> TrueRateRatios { get; }

    /// <summary>The same estimand for each further protected attribute, against its own derived census.</summary>
    public ImmutableArray<ImmutableArray<double>> AttributeTrueRateRatios { get; }

    /// <summary>The estimand of attribute <paramref name="attribute"/> (0 = ethnicity).</summary>
    public ImmutableArray<double> TrueRateRatiosFor(int attribute) => attribute == 0 ? TrueRateRatios : AttributeTrueRateRatios[attribute - 1];

    /// <summary>Cell weights times cell census for base-rate scenarios, so every weight is a share of expected referrals.</summary>
    public double ExpectedReferralWeight(Cell cell, Population population, ReferralProcess referrals) =>
        referrals.BaseRate is null ? cell.Weight : cell.Weight * population.Regions[cell.Key.Region].Census[cell.Key.Group];

    private static ImmutableArray<double> RatesRelativeToReference(double[] expected, Population population)
    {
        int reference = population.ReferenceIndex;
        double referenceRate = expected[reference] / population.Groups[reference].Census;
        return [.. expected.Select((e, g) => NullEffect.Snap(e / population.Groups[g].Census / referenceRate))];
    }

    private static IEnumerable<int[]> Combinations(int[] counts)
    {
        var current = new int[counts.Length];
        while (true)
        {
            yield return current;
            int k = counts.Length - 1;
            while (k >= 0 && ++current[k] == counts[k]) current[k--] = 0;
            if (k < 0) yield break;
        }
    }
}
