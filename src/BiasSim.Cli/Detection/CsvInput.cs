using System.Globalization;
using BiasSim.Core.Scenarios;
using CsvHelper;

namespace BiasSim.Cli.Detection;

/// <summary>
/// Opens the CSV files <c>detect</c> reads (data, census, misclassification matrix) with CsvHelper: RFC 4180 quoting
/// (quoted fields may hold commas, quotes and line breaks), a UTF-8 byte order mark, CRLF or LF line ends, '#' comment
/// lines and blank lines. Every problem is reported as <c>FILE:LINE:COL: column: what is wrong, what was expected</c>,
/// with LINE the file's own line number and COL the 1-based field number, and collected so that all are reported at once.
/// </summary>
internal sealed class CsvInput : IDisposable
{
    /// <summary>Errors collected per file before giving up on it (the rest would mostly repeat the same mistake).</summary>
    public const int MaxErrors = 20;

    /// <summary>The longest record accepted: a guard against an unclosed quote swallowing a large file.</summary>
    public const int MaxRecordBytes = 1 << 20;

    private readonly CsvReader _reader;
    private readonly List<string> _errors;

    private CsvInput(string path, CsvReader reader, List<string> errors)
    {
        Path = path;
        _reader = reader;
        _errors = errors;
    }

    public string Path { get; }

    /// <summary>The header names, trimmed.</summary>
    public IReadOnlyList<string> Headers { get; private set; } = [];

    /// <summary>The line of the header.</summary>
    public long HeaderLine { get; private set; }

    /// <summary>The line of the current record.</summary>
    public long Line => _reader.LineNumber;

    public int FieldCount => _reader.FieldCount;

    /// <summary>Opens <paramref name="path"/> and reads its header; on failure adds to <paramref name="errors"/> and returns null.</summary>
    public static CsvInput? Open(string path, string what, List<string> errors)
    {
        if (Directory.Exists(path)) { errors.Add($"{path}:1:1: is a folder, expected {what}"); return null; }
        if (!File.Exists(path)) { errors.Add($"{path}:1:1: no such file, expected {what}"); return null; }
        CsvReader reader;
        try
        {
            reader = CsvReader.FromFile(path, new CsvReaderOptions
            {
                Separator = ',',
                HasHeader = true,
                CommentPrefix = '#',
                TrackLineNumbers = true,
                MalformedData = CsvMalformedDataHandling.Throw,
                MaxRecordSize = MaxRecordBytes,
                PoolStrings = true,
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{path}:1:1: cannot be read ({e.Message})");
            return null;
        }
        var input = new CsvInput(path, reader, errors);
        try
        {
            reader.ReadHeader();
            input.Headers = [.. reader.Headers.Select(h => h.Trim())];
            input.HeaderLine = Math.Max(1, reader.LineNumber);
        }
        catch (CsvFormatException e)
        {
            input.Malformed(e);
        }
        if (input.Headers.Count == 0 || input.Headers.All(h => h.Length == 0))
        {
            if (errors.Count == 0 || !errors[^1].StartsWith(path, StringComparison.Ordinal))
                errors.Add($"{path}:1:1: the file is empty, expected a header line and then {what}");
            input.Dispose();
            return null;
        }
        return input;
    }

    /// <summary>Advances to the next record; false at the end, or on malformed input (then reported).</summary>
    public bool Read()
    {
        try
        {
            if (!_reader.Read()) return false;
            // A field beyond the header is data that no column would read: "White,2,747" (a thousands separator) must not
            // be read as 2. Trailing empty fields (a spreadsheet's extra commas) hold nothing and are allowed.
            for (int i = Headers.Count; i < _reader.FieldCount; i++)
            {
                if (_reader.GetString(i).Trim().Length == 0) continue;
                Error(i, "(beyond the header)", $"the row has {_reader.FieldCount} fields but the header has {Headers.Count}, " +
                    "expected at most one value per column (write a value holding a comma in double quotes, and numbers without thousands separators)");
                break;
            }
            return true;
        }
        catch (CsvFormatException e)
        {
            Malformed(e);
            return false;
        }
    }

    /// <summary>Field <paramref name="index"/> of the current record, trimmed; null when the record is shorter or the field
    /// holds a control character (then reported).</summary>
    public string? Field(int index, string column)
    {
        if (index >= _reader.FieldCount)
        {
            Error(index, column, $"the row has {_reader.FieldCount} field(s) but the header has {Headers.Count}, expected a value in this column");
            return null;
        }
        string value = _reader.GetString(index).Trim();
        if (YamlGuard.ControlCharacter(value) is { } control)
        {
            // A raw control character would reach the console, detection.csv and the report as it is (a terminal escape, say).
            Error(index, column, $"found a control character (U+{(int)control:X4}) in '{Shorten(Printable(value))}', expected printable text");
            return null;
        }
        return value;
    }

    /// <summary>The text with control characters shown as '?', safe to print.</summary>
    public static string Printable(string value) => string.Concat(value.Select(c => char.IsControl(c) ? '?' : c));

    /// <summary>The index of column <paramref name="name"/> (exact, else ignoring case), or -1.</summary>
    public int Column(string name)
    {
        for (int i = 0; i < Headers.Count; i++) if (Headers[i] == name) return i;
        for (int i = 0; i < Headers.Count; i++) if (string.Equals(Headers[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    /// <summary>The index of a required column, or -1 after reporting it missing (at the header line).</summary>
    public int RequiredColumn(string name, string expected)
    {
        int index = Column(name);
        if (index < 0)
        {
            string? near = DidYouMean.Suggest(name, Headers);
            string hint = near is null ? "" : $" ('{CsvInput.Shorten(near)}' looks like a misspelling of it)";
            _errors.Add($"{Path}:{HeaderLine}:1: {name}: no such column{hint} (the header has " +
                $"{string.Join(", ", Headers.Select(h => $"'{CsvInput.Shorten(h)}'"))}), expected {expected}");
        }
        return index;
    }

    /// <summary>Reports a problem with field <paramref name="index"/> of the current record.</summary>
    public void Error(int index, string column, string message) => Error(Line, index, column, message);

    public void Error(long line, int index, string column, string message) => _errors.Add($"{Path}:{line}:{index + 1}: {column}: {message}");

    /// <summary>Whether this file has reported so many errors that reading on is pointless.</summary>
    public bool TooManyErrors => _errors.Count(e => e.StartsWith(Path + ":", StringComparison.Ordinal)) >= MaxErrors;

    private void Malformed(CsvFormatException e)
    {
        long line = e.LineNumber > 0 ? e.LineNumber : Math.Max(1, _reader.LineNumber);
        int column = e.FieldIndex >= 0 ? e.FieldIndex + 1 : 1;
        _errors.Add($"{Path}:{line}:{column}: malformed CSV ({e.Message}), expected RFC 4180 fields: a value with a comma, quote or line break in double " +
            "quotes, a quote inside doubled");
    }

    /// <summary>A non-negative whole number such as 1234 (no thousands separators), or null after reporting it.</summary>
    public long? WholeNumber(int index, string column, string value, bool positive = false)
    {
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long n) && (!positive || n > 0)) return n;
        string expected = positive ? "a whole number of at least 1" : "a whole number of at least 0";
        Error(index, column, $"found '{Shorten(value)}', expected {expected} such as 1234 (digits only, no thousands separators)");
        return null;
    }

    /// <summary>Keeps messages short when a value is long (or hostile).</summary>
    public static string Shorten(string value)
    {
        value = value.ReplaceLineEndings(" ");
        return value.Length <= 60 ? value : value[..57] + "...";
    }

    public void Dispose() => _reader.Dispose();
}
