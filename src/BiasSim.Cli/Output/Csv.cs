using System.Text;

namespace BiasSim.Cli.Output;

/// <summary>RFC 4180 CSV text, with cells that a spreadsheet would run as a formula neutralised.</summary>
internal static class Csv
{
    public static string Cell(string value)
    {
        // A cell starting with = + - @ (tab, CR) is executed by spreadsheets (OWASP CSV injection);
        // numbers such as -0.5 are safe and left alone so the file stays machine-readable.
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r'
            && !double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            value = "'" + value;
        }
        // ';' too: a spreadsheet in a locale that separates with semicolons splits "x;=1+1" into a second cell "=1+1" and
        // runs it, unless the cell is quoted (quotes are honoured whatever the separator).
        bool quote = value.IndexOfAny([',', '"', '\n', '\r', ';']) >= 0;
        return quote ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    public static void AppendRow(StringBuilder sb, IEnumerable<string> cells)
    {
        bool first = true;
        foreach (string cell in cells)
        {
            if (!first) sb.Append(',');
            sb.Append(Cell(cell));
            first = false;
        }
        sb.Append('\n');
    }
}
