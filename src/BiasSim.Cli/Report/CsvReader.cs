using System.Text;

namespace BiasSim.Cli.Report;

/// <summary>Reads the RFC 4180 CSV that <see cref="Output.Csv"/> writes (sweep.csv, mdrr.csv), undoing its
/// formula neutralisation so a group called "-x" reads back as "-x".</summary>
internal static class CsvReader
{
    /// <summary>The header and the rows; every row padded or cut to the header's width.</summary>
    public static (IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows) Parse(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false, any = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
                continue;
            }
            switch (c)
            {
                case '"': quoted = true; any = true; break;
                case ',': record.Add(Unneutralise(cell.ToString())); cell.Clear(); any = true; break;
                case '\r': break;
                case '\n':
                    if (any || cell.Length > 0) record.Add(Unneutralise(cell.ToString()));
                    if (record.Count > 0) records.Add(record);
                    record = []; cell.Clear(); any = false;
                    break;
                default: cell.Append(c); any = true; break;
            }
        }
        if (any || cell.Length > 0) record.Add(Unneutralise(cell.ToString()));
        if (record.Count > 0) records.Add(record);
        if (records.Count == 0) return ([], []);
        List<string> header = records[0];
        var rows = records.Skip(1)
            .Select(r => (IReadOnlyList<string>)[.. Enumerable.Range(0, header.Count).Select(j => j < r.Count ? r[j] : "")])
            .ToList();
        return (header, rows);
    }

    private static string Unneutralise(string value) =>
        value.Length > 1 && value[0] == '\'' && value[1] is '=' or '+' or '-' or '@' or '\t' or '\r' ? value[1..] : value;
}
