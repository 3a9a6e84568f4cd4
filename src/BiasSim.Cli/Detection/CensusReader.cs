using System.Globalization;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli.Detection;

/// <summary>One census group: its name, its population (the denominator of every rate) and where it is written.</summary>
internal sealed record CensusGroup(string Name, long Population, CsvLocation At);

/// <summary>Reads <c>--census CENSUS.csv</c>: columns <c>group,population</c>, one row per group.</summary>
internal static class CensusReader
{
    public static List<CensusGroup>? Read(string path, DataReadOptions options, List<string> errors)
    {
        using CsvInput? csv = CsvInput.Open(path, "a census: columns group,population with one row per group", errors);
        if (csv is null) return null;
        int before = errors.Count;
        int group = csv.RequiredColumn(DataReader.GroupHeader, "the census groups, such as White, Asian, Black");
        int population = csv.RequiredColumn(DataReader.PopulationHeader, "each group's census population, a whole number such as 5515415");
        if (group < 0 || population < 0) return null;
        var rows = new List<CensusGroup>();
        while (csv.Read() && !csv.TooManyErrors)
        {
            string? name = csv.Field(group, DataReader.GroupHeader);
            string? text = csv.Field(population, DataReader.PopulationHeader);
            if (name is null || text is null) continue;
            if (name.Length == 0 && text.Length == 0) continue;
            if (name.Length == 0 || options.IsUnknown(name))
            {
                csv.Error(group, DataReader.GroupHeader,
                    $"found '{CsvInput.Shorten(name)}', expected a group name: it means an unrecorded group (see --unknown-values), which has no census " +
                    "population");
                continue;
            }
            if (rows.FirstOrDefault(r => r.Name == name) is { } first)
            {
                csv.Error(group, DataReader.GroupHeader,
                    $"'{CsvInput.Shorten(name)}' appears twice (first on line {first.At.Line}), expected one row per group");
                continue;
            }
            if (csv.WholeNumber(population, DataReader.PopulationHeader, text, positive: true) is long people)
            {
                rows.Add(new CensusGroup(name, people, new CsvLocation(csv.Line, group + 1)));
            }
        }
        if (errors.Count == before && rows.Count < 2)
        {
            errors.Add($"{path}:{csv.HeaderLine}:1: {DataReader.GroupHeader}: found {rows.Count} group(s), expected at least two (a reference group and one " +
                "to compare with it)");
        }
        return errors.Count > before ? null : rows;
    }
}

/// <summary>
/// Reads <c>--misclassification M.csv</c>: a square matrix with the self-defined group in the first column and the
/// recorded categories as the other headers, M[g, h] = P(recorded as h | self-defined g), over the census groups.
/// </summary>
internal static class MatrixReader
{
    /// <summary>How far a row's sum may be from 1 (matrices are often typed from published percentages).</summary>
    public const double RowSumTolerance = 1e-6;

    /// <summary>The matrix aligned with <paramref name="groups"/> (rows and columns in census order), or null after reporting errors.</summary>
    public static double[,]? Read(string path, IReadOnlyList<string> groups, List<string> errors)
    {
        using CsvInput? csv = CsvInput.Open(path, "a misclassification matrix: self-defined group in the first column, one column per recorded category",
            errors);
        if (csv is null) return null;
        int before = errors.Count;
        int n = groups.Count;
        var columnOf = new int[csv.Headers.Count];
        var seenColumns = new HashSet<string>(StringComparer.Ordinal);
        for (int c = 1; c < csv.Headers.Count; c++)
        {
            string name = csv.Headers[c];
            columnOf[c] = IndexOf(groups, name);
            if (columnOf[c] < 0)
            {
                csv.Error(csv.HeaderLine, c, name,
                    $"'{CsvInput.Shorten(name)}' is not a census group{DidYouMean.Hint(name, groups)}, expected the recorded categories to be the census " +
                    $"groups ({string.Join(", ", groups)}): the correction needs a square matrix");
            }
            else if (!seenColumns.Add(name))
            {
                csv.Error(csv.HeaderLine, c, name, "appears twice in the header, expected one column per recorded category");
            }
        }
        foreach (string g in groups.Where(g => !seenColumns.Contains(g)))
        {
            if (errors.Count == before)
                errors.Add($"{path}:{csv.HeaderLine}:1: header: has no column for census group '{g}', expected one column per census group " +
                    $"({string.Join(", ", groups)}) so the matrix is square");
        }
        if (errors.Count > before) return null;

        var m = new double[n, n];
        var rowLine = new long[n];
        string rowHeader = csv.Headers[0].Length > 0 ? csv.Headers[0] : "group";
        while (csv.Read() && !csv.TooManyErrors)
        {
            string? name = csv.Field(0, rowHeader);
            if (name is null) continue;
            if (name.Length == 0 && Enumerable.Range(1, Math.Max(0, csv.FieldCount - 1)).All(i => csv.Field(i, "") is "")) continue;
            int g = IndexOf(groups, name);
            if (g < 0)
            {
                csv.Error(0, rowHeader,
                    $"'{CsvInput.Shorten(name)}' is not a census group{DidYouMean.Hint(name, groups)}, expected one row per self-defined census group " +
                    $"({string.Join(", ", groups)})");
                continue;
            }
            if (rowLine[g] > 0)
            {
                csv.Error(0, rowHeader, $"'{name}' appears twice (first on line {rowLine[g]}), expected one row per group");
                continue;
            }
            rowLine[g] = csv.Line;
            double sum = 0;
            bool valid = true;
            for (int c = 1; c < csv.Headers.Count; c++)
            {
                string? text = csv.Field(c, csv.Headers[c]);
                if (text is null) { valid = false; continue; }
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) || !(p >= 0 && p <= 1))
                {
                    csv.Error(c, csv.Headers[c], $"found '{CsvInput.Shorten(text)}', expected a probability from 0 to 1 such as 0.957");
                    valid = false;
                    continue;
                }
                m[g, columnOf[c]] = p;
                sum += p;
            }
            if (valid && Math.Abs(sum - 1) > RowSumTolerance)
            {
                csv.Error(0, rowHeader,
                    $"row '{name}' sums to {sum.ToString("R", CultureInfo.InvariantCulture)}, expected 1 (each row is P(recorded category | self-defined " +
                    "group))");
            }
        }
        for (int g = 0; g < n; g++)
        {
            if (rowLine[g] == 0 && errors.Count == before)
            {
                errors.Add($"{path}:{csv.HeaderLine}:1: {rowHeader}: has no row for census group '{groups[g]}', expected one row per self-defined census " +
                    $"group ({string.Join(", ", groups)})");
            }
        }
        return errors.Count > before ? null : m;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++) if (names[i] == name) return i;
        return -1;
    }
}
