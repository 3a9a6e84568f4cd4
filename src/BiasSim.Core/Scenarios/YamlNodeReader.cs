using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace BiasSim.Core.Scenarios;

/// <summary>
/// Reads typed values out of a YAML node tree, collecting every problem with its position and key
/// path instead of stopping at the first, so a student sees all their mistakes at once.
/// </summary>
internal sealed class YamlNodeReader(string file)
{
    private readonly List<ScenarioError> _errors = [];
    private readonly Dictionary<YamlNode, string> _overridden = new(ReferenceEqualityComparer.Instance);

    public IReadOnlyList<ScenarioError> Errors => _errors;

    /// <summary>Marks nodes that came from a <c>--set</c> argument, so their errors point at the argument, not the file.</summary>
    public void MarkOverridden(YamlNode node, string argument)
    {
        foreach (YamlNode n in node.AllNodes) _overridden[n] = argument;
    }

    public void Error(YamlNode node, string path, string message) => _errors.Add(At(node, path, message));

    /// <summary>A problem located at <paramref name="node"/> (or at the --set argument that made it), not recorded as an error.</summary>
    public ScenarioError At(YamlNode node, string path, string message) =>
        _overridden.TryGetValue(node, out string? argument)
            ? new ScenarioError(argument, 1, (int)node.Start.Column, path, message)
            : new ScenarioError(file, (int)node.Start.Line, (int)node.Start.Column, path, message);

    public void Error(int line, int column, string path, string message) =>
        _errors.Add(new ScenarioError(file, line, column, path, message));

    public static string Join(string parent, string key) => parent.Length == 0 ? key : parent + "." + key;

    /// <summary>Checks the node is a mapping and that its keys are all known; reports each unknown key with a suggestion.</summary>
    public YamlMappingNode? Mapping(YamlNode? node, string path, IReadOnlyCollection<string>? allowedKeys)
    {
        if (node is null) return null;
        if (node is not YamlMappingNode map)
        {
            Error(node, path, $"expected a mapping of keys to values, found {Describe(node)}");
            return null;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (keyNode, _) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                Error(keyNode, path, $"expected a plain key, found {Describe(keyNode)}");
                continue;
            }
            if (key.Length == 0)
            {
                Error(keyNode, path, "found an empty key \"\", expected a name");
                continue;
            }
            if (YamlGuard.ControlCharacter(key) is { } control)
            {
                // A raw control character would reach the console, CSV and HTML output as it is (a terminal escape, say).
                Error(keyNode, Join(path, key.ReplaceLineEndings(" ")), $"the key holds a control character (U+{(int)control:X4}), expected printable text");
                continue;
            }
            if (!seen.Add(key))
            {
                Error(keyNode, Join(path, key), "duplicate key, expected each key once");
            }
            if (allowedKeys is not null && !allowedKeys.Contains(key))
            {
                string allowed = string.Join(", ", allowedKeys);
                Error(keyNode, Join(path, key),
                    $"unknown key{DidYouMean.Hint(key, allowedKeys)}, expected one of: {allowed}");
            }
        }
        return map;
    }

    /// <summary>The entries of a mapping whose keys are plain, non-empty text.</summary>
    public static IEnumerable<(string Key, YamlNode KeyNode, YamlNode Value)> Entries(YamlMappingNode? map)
    {
        if (map is null) yield break;
        foreach (var (k, v) in map.Children)
        {
            if (k is YamlScalarNode { Value: { Length: > 0 } name }) yield return (name, k, v);
        }
    }

    /// <summary>Checks a name against the valid ones, reporting "'x' is not a ... (did you mean ...), expected one of: ...".</summary>
    public bool Known(string name, YamlNode at, string path, string what, IReadOnlyCollection<string> valid)
    {
        if (valid.Contains(name)) return true;
        Error(at, path, $"'{name}' is not {what}{DidYouMean.Hint(name, valid)}, expected one of: {string.Join(", ", valid)}");
        return false;
    }

    /// <summary>A number checked against a range; reports "found x, expected ..." when outside it.</summary>
    public double? Ranged(YamlNode? node, string path, string expected, Func<double, bool> valid)
    {
        double? value = Number(node, path, expected);
        if (value is null) return null;
        if (valid(value.Value)) return value;
        Error(node!, path, $"found {Format(value.Value)}, expected {expected}");
        return null;
    }

    public static YamlNode? Child(YamlMappingNode? map, string key)
    {
        if (map is null) return null;
        foreach (var (k, v) in map.Children)
        {
            if (k is YamlScalarNode { Value: { } name } && name == key) return v;
        }
        return null;
    }

    public YamlNode? Required(YamlMappingNode? map, YamlNode? parentNode, string parentPath, string key, string expected)
    {
        YamlNode? node = Child(map, key);
        if (node is null && map is not null)
        {
            Error(parentNode ?? map, Join(parentPath, key), $"missing, expected {expected}");
        }
        return node;
    }

    public string? String(YamlNode? node, string path)
    {
        if (node is null) return null;
        if (node is YamlScalarNode scalar && !IsNull(scalar)) return scalar.Value;
        Error(node, path, $"expected text, found {Describe(node)}");
        return null;
    }

    public double? Number(YamlNode? node, string path, string expected)
    {
        if (node is null) return null;
        if (node is YamlScalarNode scalar && !IsNull(scalar))
        {
            string text = StripDigitSeparators(scalar.Value!);
            if (IsYamlNonFinite(text))
            {
                Error(node, path, $"found '{scalar.Value}', which is not a finite number; expected {expected}");
                return null;
            }
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                if (double.IsFinite(value)) return value;
                Error(node, path, $"found '{scalar.Value}', which is not a finite number; expected {expected}");
                return null;
            }
        }
        Error(node, path, $"expected {expected}, found {Describe(node)}");
        return null;
    }

    /// <summary>A whole number; "1e6" and "48_693_200" are accepted, "2.5" is not.</summary>
    public long? Integer(YamlNode? node, string path, string expected)
    {
        double? value = Number(node, path, expected);
        if (value is null) return null;
        double v = value.Value;
        if (Math.Floor(v) != v)
        {
            Error(node!, path, $"found {Format(v)}, which is not a whole number; expected {expected}");
            return null;
        }
        if (Math.Abs(v) > 9.007199254740992E15)
        {
            Error(node!, path, $"found {Format(v)}, which is too large; expected {expected}");
            return null;
        }
        return (long)v;
    }

    public static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A value BiasSim computed (a sum, a product), rounded to 12 decimals so 0.9500000000000001 reads 0.95.</summary>
    public static string FormatComputed(double v) => v.ToString("0.############", CultureInfo.InvariantCulture);

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == YamlDotNet.Core.ScalarStyle.Plain &&
        (string.IsNullOrEmpty(scalar.Value) || scalar.Value is "~" or "null" or "Null" or "NULL");

    private static bool IsYamlNonFinite(string text) =>
        text.TrimStart('+', '-').ToLowerInvariant() is ".nan" or ".inf" or "nan" or "inf" or "infinity" or "∞";

    private static string StripDigitSeparators(string text)
    {
        // YAML 1.1 allows 48_693_200; only strip underscores that sit between digits.
        if (!text.Contains('_')) return text.Trim();
        var chars = new System.Text.StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            bool between = text[i] == '_' && i > 0 && i < text.Length - 1 && char.IsAsciiDigit(text[i - 1]) && char.IsAsciiDigit(text[i + 1]);
            if (!between) chars.Append(text[i]);
        }
        return chars.ToString().Trim();
    }

    public static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode s when IsNull(s) => "nothing (an empty value)",
        YamlScalarNode s => $"'{Truncate(s.Value ?? "")}'",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "an unsupported value",
    };

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..37] + "...";
}
