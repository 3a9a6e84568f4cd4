using System.Globalization;
using System.Text.RegularExpressions;

namespace BiasSim.Cli.Sweeps;

/// <summary>
/// The values of one swept parameter as written on the command line or in a <c>sweep:</c> section:
/// a comma-separated list (commas inside <c>[]</c>, <c>{}</c> or quotes belong to a YAML value and do not split it),
/// whose items may be ranges <c>start:stop:step</c>.
/// </summary>
internal static partial class SweepValues
{
    /// <summary>More values than this in one range is almost certainly a typo in the step.</summary>
    public const int MaxRangeValues = 10_000;

    /// <summary>Splits <paramref name="text"/> at commas outside brackets, braces and quotes; pieces are trimmed.</summary>
    public static List<string> SplitTopLevel(string text)
    {
        var pieces = new List<string>();
        int depth = 0, start = 0;
        char quote = '\0';
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quote != '\0')
            {
                if (c == '\\' && quote == '"' && i + 1 < text.Length) i++;
                else if (c == quote) quote = '\0';
                continue;
            }
            switch (c)
            {
                case '"' or '\'': quote = c; break;
                case '[' or '{': depth++; break;
                case ']' or '}': depth = Math.Max(0, depth - 1); break;
                case ',' when depth == 0:
                    pieces.Add(text[start..i].Trim());
                    start = i + 1;
                    break;
            }
        }
        pieces.Add(text[start..].Trim());
        return pieces;
    }

    /// <summary>True when <paramref name="item"/> is written as a range, three numbers joined by colons.</summary>
    public static bool IsRange(string item) => RangePattern().IsMatch(item);

    /// <summary>
    /// The values of <c>start:stop:step</c>: start + i x step for i = 0, 1, ... while within stop (inclusive, to 1e-9),
    /// each computed from i rather than accumulated (no drift) and rounded to the decimals written, so
    /// 0:0.9:0.05 gives 0, 0.05, ..., 0.9 (19 values) and not 0.15000000000000002. Null with an error when the
    /// range is empty or the step is 0 or points away from stop.
    /// </summary>
    public static List<string>? ExpandRange(string item, out string? error)
    {
        error = null;
        Match m = RangePattern().Match(item);
        if (!m.Success)
        {
            error = $"'{item}' is not a range, expected start:stop:step such as 0:0.9:0.05";
            return null;
        }
        double start = Parse(m.Groups[1].Value), stop = Parse(m.Groups[2].Value), step = Parse(m.Groups[3].Value);
        if (!(double.IsFinite(start) && double.IsFinite(stop) && double.IsFinite(step)))
        {
            error = $"'{item}': the numbers must be finite";
            return null;
        }
        if (step == 0 || (stop - start) * step < 0)
        {
            error = step == 0
                ? $"'{item}': the step is 0, expected a step that moves from {Format(start)} towards {Format(stop)}"
                : $"'{item}': a step of {Format(step)} moves away from {Format(stop)}, expected a step of the other sign";
            return null;
        }
        double tolerance = 1e-9 * Math.Max(1, Math.Abs(stop));
        double last = Math.Floor((Math.Abs(stop - start) + tolerance) / Math.Abs(step));
        if (last + 1 > MaxRangeValues)
        {
            error = $"'{item}' gives {last + 1:N0} values, expected at most {MaxRangeValues:N0} (is the step right?)";
            return null;
        }
        int decimals = Math.Min(15, Math.Max(Decimals(m.Groups[1].Value), Math.Max(Decimals(m.Groups[2].Value), Decimals(m.Groups[3].Value))));
        var values = new List<string>((int)last + 1);
        for (int i = 0; i <= (int)last; i++)
        {
            double v = Math.Round(start + i * step, decimals);
            values.Add(Format(v == 0 ? 0.0 : v));
        }
        return values;
    }

    /// <summary>
    /// The values of one <c>--set path=value</c>: split at top-level commas, each item expanded if it is a range.
    /// A value with no top-level comma that is not a range is returned exactly as written, so a one-value
    /// --set means exactly what it means to <c>biassim run</c>.
    /// </summary>
    public static List<string>? Expand(string value, out string? error)
    {
        error = null;
        List<string> items = SplitTopLevel(value);
        if (items.Count == 1 && !IsRange(items[0])) return [value];
        var values = new List<string>();
        foreach (string item in items)
        {
            if (item.Length == 0)
            {
                error = "an empty value between commas, expected v1,v2,... or start:stop:step";
                return null;
            }
            if (IsRange(item))
            {
                List<string>? range = ExpandRange(item, out error);
                if (range is null) return null;
                values.AddRange(range);
            }
            else
            {
                values.Add(item);
            }
        }
        return values;
    }

    private static double Parse(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Decimal places a number is written with, counting the exponent: "0.05" 2, "5e-3" 3, "1.5e2" 0.</summary>
    private static int Decimals(string number)
    {
        int e = number.IndexOfAny(['e', 'E']);
        string mantissa = e < 0 ? number : number[..e];
        int exponent = e < 0 ? 0 : int.Parse(number[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int dot = mantissa.IndexOf('.');
        int fraction = dot < 0 ? 0 : mantissa.Length - dot - 1;
        return Math.Max(0, fraction - exponent);
    }

    private const string Number = @"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d{1,3})?)\s*";

    [GeneratedRegex("^" + Number + ":" + Number + ":" + Number + "$", RegexOptions.CultureInvariant)]
    private static partial Regex RangePattern();
}
