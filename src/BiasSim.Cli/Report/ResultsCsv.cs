namespace BiasSim.Cli.Report;

/// <summary>Reads the RFC 4180 CSV that <see cref="Output.Csv"/> writes (sweep.csv, mdrr.csv) with CsvHelper, undoing its
/// formula neutralisation so a group called "-x" reads back as "-x".</summary>
internal static class ResultsCsv
{
    /// <summary>The header and the rows; every row padded or cut to the header's width.</summary>
    public static (IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows) Parse(string text)
    {
        using var reader = CsvHelper.CsvReader.FromText(text, new CsvHelper.CsvReaderOptions { Separator = ',', HasHeader = true });
        IReadOnlyList<string> header = [.. reader.Headers.Select(Unneutralise)];
        if (header.Count == 0) return ([], []);
        var rows = new List<IReadOnlyList<string>>();
        while (reader.Read())
        {
            rows.Add([.. Enumerable.Range(0, header.Count).Select(j => j < reader.FieldCount ? Unneutralise(reader.GetString(j)) : "")]);
        }
        return (header, rows);
    }

    private static string Unneutralise(string value) =>
        value.Length > 1 && value[0] == '\'' && value[1] is '=' or '+' or '-' or '@' or '\t' or '\r' ? value[1..] : value;
}
