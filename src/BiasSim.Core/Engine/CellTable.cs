using System.Collections.Immutable;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Engine;

/// <summary>
/// Every cell of region x group x covariate levels with its expected share of referrals: the scenario's
/// population and referral process laid flat. Built once per scenario (O(cells)); replicates never see it.
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
        var expected = new double[population.Groups.Length];
        double totalWeight = 0;
        for (int j = 0; j < population.Regions.Length; j++)
        {
            Region region = population.Regions[j];
            for (int g = 0; g < population.Groups.Length; g++)
            {
                string group = population.Groups[g].Name;
                double rr = referrals.RateRatio(region.Name, group);
                // total: share proportional to N x RR; base_rate: per-person probability base x RR.
                double weight = referrals.BaseRate is double b ? b * rr : region.Census[g] * rr;
                if (region.Census[g] == 0 || weight == 0) continue;
                expected[g] += referrals.BaseRate is null ? weight : weight * region.Census[g];
                totalWeight += referrals.BaseRate is null ? weight : 0;
                ImmutableArray<double>[] shares = [.. referrals.Covariates.Select(c => c.SharesFor(region.Name, group))];
                foreach (int[] levels in Combinations(levelCounts))
                {
                    double w = weight;
                    for (int k = 0; k < levels.Length; k++) w *= shares[k][levels[k]];
                    if (w > 0) cells.Add(new Cell(new CellKey(j, g, [.. levels]), w));
                }
            }
        }
        if (referrals.BaseRate is null)
        {
            // Normalise to shares of all referrals, and expected referrals to the fixed total.
            for (int i = 0; i < cells.Count; i++) cells[i] = cells[i] with { Weight = cells[i].Weight / totalWeight };
            for (int g = 0; g < expected.Length; g++) expected[g] = expected[g] / totalWeight * referrals.Total!.Value;
        }
        Cells = [.. cells];
        ExpectedReferrals = [.. expected];
        int reference = population.ReferenceIndex;
        // Without regional rate ratios the estimand is the declared ratio exactly; the sums above would
        // reproduce it only to rounding, and 1 - 1e-16 is not "no disproportionality" to a sign test.
        TrueRateRatios = referrals.RateRatiosByRegion.IsEmpty
            ? [.. population.Groups.Select(g => referrals.RateRatio(g.Name))]
            : [.. expected.Select((e, g) => SnapToOne(e / population.Groups[g].Census / (expected[reference] / population.Groups[reference].Census)))];
    }

    public ImmutableArray<Cell> Cells { get; }

    /// <summary>E[Y_g]: expected referrals per self-defined group.</summary>
    public ImmutableArray<double> ExpectedReferrals { get; }

    /// <summary>The estimand: the ratio of expected referral rates per census head, group against reference.
    /// Equals the declared rate ratio unless it varies by region, when it is the population-weighted one.</summary>
    public ImmutableArray<double> TrueRateRatios { get; }

    /// <summary>Cell weights times cell census for base-rate scenarios, so every weight is a share of expected referrals.</summary>
    public double ExpectedReferralWeight(Cell cell, Population population, ReferralProcess referrals) =>
        referrals.BaseRate is null ? cell.Weight : cell.Weight * population.Regions[cell.Key.Region].Census[cell.Key.Group];

    private static double SnapToOne(double rr) => Math.Abs(rr - 1) < 1e-12 ? 1.0 : rr;

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
