using System.Collections.Immutable;

namespace BiasSim.Core.Scenarios;

/// <summary>
/// Who assigns the recorded category. A share <see cref="OfficerShare"/> of recorded referrals carry an
/// officer's judgement, drawn from row g of <see cref="Matrix"/> for a person whose self-defined group is g;
/// the rest carry the self-defined group.
/// </summary>
/// <param name="Categories">The recorded categories (matrix columns), in order.</param>
/// <param name="Matrix">Rows aligned with the population's groups, columns with <paramref name="Categories"/>; rows sum to 1.</param>
public sealed record Misclassification(string? NamedMatrix, ImmutableArray<string> Categories, ImmutableArray<ImmutableArray<double>> Matrix,
    double OfficerShare)
{
    /// <summary>Categories a record may carry: the matrix columns, plus self-defined groups when some records are self-assigned.</summary>
    public ImmutableArray<string> RecordedCategories(Population population) =>
        OfficerShare >= 1.0
            ? Categories
            : [.. Categories.Concat(population.Groups.Select(g => g.Name)).Distinct()];

    /// <summary>P(recorded category | self-defined group), over <see cref="RecordedCategories"/>.</summary>
    public double[,] AssignmentMatrix(Population population)
    {
        ImmutableArray<string> recorded = RecordedCategories(population);
        var a = new double[population.Groups.Length, recorded.Length];
        for (int g = 0; g < population.Groups.Length; g++)
        {
            for (int c = 0; c < Categories.Length; c++) a[g, recorded.IndexOf(Categories[c])] += OfficerShare * Matrix[g][c];
            if (OfficerShare < 1.0) a[g, recorded.IndexOf(population.Groups[g].Name)] += 1.0 - OfficerShare;
        }
        return a;
    }
}
