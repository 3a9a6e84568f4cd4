using System.Globalization;
using CsvHelper;

namespace BiasSim.Cli.Output;

/// <summary>RFC 4180 CSV text, with cells that a spreadsheet would run as a formula neutralised.</summary>
internal static class Csv
{
    /// <summary>One cell, escaped by hand: for the measured hot paths (generate's records, replicates.csv) that write
    /// pre-escaped labels; every other CSV goes through <see cref="CsvText"/>.</summary>
    public static string Cell(string value)
    {
        value = Neutralise(value);
        bool quote = value.IndexOfAny([',', '"', '\n', '\r', ';']) >= 0;
        return quote ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    /// <summary>
    /// A cell starting with = + - @ (tab, CR) is executed by spreadsheets (OWASP CSV injection): it gets a leading quote.
    /// Numbers such as -0.5 are safe and left alone so the file stays machine-readable, which is why this is not
    /// CsvHelper's own injection option (it would escape every negative number written as text).
    /// </summary>
    public static string Neutralise(string value) =>
        value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r'
        && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? "'" + value
            : value;
}

/// <summary>A CSV file's text written with CsvHelper: LF line ends, quotes only where needed, cells neutralised
/// (<see cref="Csv.Neutralise"/>).</summary>
internal sealed class CsvText : IDisposable
{
    private static readonly CsvWriterOptions Options = new()
    {
        NewLine = "\n",
        // ';' too: a spreadsheet in a locale that separates with semicolons splits "x;=1+1" into a second cell "=1+1" and
        // runs it, unless the cell is quoted (quotes are honoured whatever the separator).
        ShouldQuote = (field, _, _, _) => field.Contains(';'),
        Injection = CsvInjection.None,
    };

    private readonly StringWriter _text = new(CultureInfo.InvariantCulture);
    private readonly CsvWriter _csv;

    public CsvText() => _csv = CsvWriter.Create(_text, Options, leaveOpen: true);

    public void Row(IEnumerable<string> cells)
    {
        foreach (string cell in cells) _csv.WriteField(Csv.Neutralise(cell));
        _csv.EndRecord();
    }

    public override string ToString()
    {
        _csv.Flush();
        return _text.ToString();
    }

    public void Dispose() => _csv.Dispose();
}
