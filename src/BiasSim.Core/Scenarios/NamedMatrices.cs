using System.Collections.Immutable;

namespace BiasSim.Core.Scenarios;

/// <summary>Misclassification matrices that scenarios can name instead of writing out.</summary>
public static class NamedMatrices
{
    public const string OfficerStopSearch2021 = "officer-stop-search-2021";

    public static readonly ImmutableArray<string> Names = [OfficerStopSearch2021];

    /// <summary>
    /// Officer-assigned against self-defined ethnicity, from public stop-and-search records (data.police.uk,
    /// Metropolitan Police, Lambeth n = 12,117 and Haringey n = 7,135, about Sept 2020 - Aug 2021; derived, see
    /// shared/reference). Officers record only White, Black, Asian and Other.
    /// Published (averaged over the two boroughs): agreement White 95.7%, Black 98.45%, Asian 76.9%, Other 23.5%;
    /// self-defined Mixed recorded as White 31.5%, Black 53%, Asian 5.5%, Other 10%.
    /// Assumed (not published): a disagreement goes to the other officer categories in proportion to their
    /// national Census 2021 shares (White 81.7, Black 4.0, Asian 9.3, Other 2.1), as if the officer guessed by base rate.
    /// </summary>
    public static (ImmutableArray<string> Columns, ImmutableDictionary<string, ImmutableArray<double>> Rows) OfficerStopSearch()
    {
        string[] columns = ["White", "Black", "Asian", "Other"];
        double[] censusShare = [0.817, 0.040, 0.093, 0.021];
        var agreement = new Dictionary<string, double> { ["White"] = 0.957, ["Black"] = 0.9845, ["Asian"] = 0.769, ["Other"] = 0.235 };
        var rows = ImmutableDictionary.CreateBuilder<string, ImmutableArray<double>>();
        foreach (var (group, agree) in agreement)
        {
            int own = Array.IndexOf(columns, group);
            double othersShare = censusShare.Where((_, i) => i != own).Sum();
            rows[group] = [.. columns.Select((_, i) => i == own ? agree : (1 - agree) * censusShare[i] / othersShare)];
        }
        rows["Mixed"] = [0.315, 0.53, 0.055, 0.10];
        return ([.. columns], rows.ToImmutable());
    }

    public static (ImmutableArray<string> Columns, ImmutableDictionary<string, ImmutableArray<double>> Rows)? Find(string name) =>
        name == OfficerStopSearch2021 ? OfficerStopSearch() : null;
}
