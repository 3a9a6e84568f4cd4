using System.Text;
using BiasSim.Core.Scenarios;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace BiasSim.Cli.Sweeps;

/// <summary>One parameter of a <c>sweep:</c> section: its dot path, its values as YAML text, and where it was written.</summary>
public sealed record SweepEntry(string Path, IReadOnlyList<string> Values, int Line, int Column);

/// <summary>
/// The optional top-level <c>sweep:</c> section of a scenario file, a mapping from dot paths to values:
/// <code>
/// sweep:
///   recording.missing.share: 0:0.9:0.05          # a range start:stop:step
///   referrals.rate_ratios.Black: [1.0, 1.1, 1.2]  # a list (items may be ranges, or YAML values such as {a: 1})
///   referrals.total: 20000, 51204                 # a comma list, as on the command line
/// </code>
/// The scenario loader knows nothing of it (unknown keys are errors), so it is blanked out of the text before
/// loading: every character of its lines becomes a space, so line and column numbers elsewhere do not move.
/// </summary>
public static class SweepSection
{
    public const string Key = "sweep";

    /// <summary>The text with the top-level <c>sweep:</c> section blanked out; unchanged when there is none, or when the
    /// text does not parse (the loader then reports the syntax error itself).</summary>
    public static string Strip(string text) => Find(text) is { } found ? Blank(text, found.FirstLine, found.LastLine) : text;

    /// <summary>The section's parameters, in file order, with every error in it; empty when the file has no section.</summary>
    public static IReadOnlyList<SweepEntry> Read(string text, string fileName, List<ScenarioError> errors)
    {
        if (Find(text) is not { } found) return [];
        string at = Key;
        if (found.Value is not YamlMappingNode map || map.Children.Count == 0)
        {
            errors.Add(Error(fileName, found.Value, at, "expected a mapping of dot paths to values, such as recording.missing.share: 0:0.9:0.05"));
            return [];
        }
        var entries = new List<SweepEntry>();
        foreach (var (keyNode, valueNode) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } path } || path.Split('.').Any(p => p.Length == 0))
            {
                errors.Add(Error(fileName, keyNode, at, "expected a dot path to a scenario key, such as referrals.rate_ratios.Black"));
                continue;
            }
            string where = $"{Key}.{path}";
            if (entries.Any(e => e.Path == path))
            {
                errors.Add(Error(fileName, keyNode, where, "the same path is swept twice, expected each path once"));
                continue;
            }
            List<string>? values = Values(valueNode, out string? error);
            if (values is null)
            {
                errors.Add(Error(fileName, valueNode, where, error!));
                continue;
            }
            entries.Add(new SweepEntry(path, values, (int)valueNode.Start.Line, (int)valueNode.Start.Column));
        }
        return entries;
    }

    private static List<string>? Values(YamlNode node, out string? error)
    {
        error = null;
        switch (node)
        {
            case YamlScalarNode { Style: ScalarStyle.Plain, Value: { } plain }:
                return SweepValues.Expand(plain, out error);
            case YamlScalarNode scalar:
                return [ToText(scalar)];
            case YamlSequenceNode { Children.Count: 0 }:
                error = "the list is empty, expected at least one value";
                return null;
            case YamlSequenceNode list:
                var values = new List<string>();
                foreach (YamlNode item in list.Children)
                {
                    if (item is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } v } && SweepValues.IsRange(v))
                    {
                        List<string>? range = SweepValues.ExpandRange(v, out error);
                        if (range is null) return null;
                        values.AddRange(range);
                    }
                    else
                    {
                        values.Add(ToText(item));
                    }
                }
                return values;
            default:
                error = "found a mapping, expected a list of values [a, b, c], a comma list a, b, c or a range start:stop:step";
                return null;
        }
    }

    /// <summary>A node as one line of YAML (collections in flow style, quoting kept), the form a --set value takes.</summary>
    private static string ToText(YamlNode node)
    {
        if (node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: { } plain }) return plain;
        foreach (YamlNode n in node.AllNodes)
        {
            if (n is YamlMappingNode m) m.Style = MappingStyle.Flow;
            if (n is YamlSequenceNode s) s.Style = SequenceStyle.Flow;
        }
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        string text = writer.ToString().TrimEnd();
        if (text.EndsWith("...", StringComparison.Ordinal)) text = text[..^3].TrimEnd();
        return text;
    }

    private sealed record Found(YamlNode Value, int FirstLine, int LastLine);

    private static Found? Find(string text)
    {
        if (!text.Contains(Key, StringComparison.Ordinal)) return null;
        YamlNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 0) return null;
            root = stream.Documents[0].RootNode;
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            return null;
        }
        // Only a block mapping at the top: a flow one ({name: x, sweep: ...}) keeps its key, and the loader reports it.
        if (root is not YamlMappingNode { Style: not MappingStyle.Flow } map) return null;
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: Key }) continue;
            // Block collections end where the next key starts, so take the last line any scalar or flow node reaches.
            int last = (int)keyNode.End.Line;
            foreach (YamlNode n in value.AllNodes)
            {
                int line = (int)n.End.Line;
                if (n.End.Column == 1 && n.End.Line > n.Start.Line) line--;
                last = Math.Max(last, line);
            }
            return new Found(value, (int)keyNode.Start.Line, last);
        }
        return null;
    }

    private static string Blank(string text, int firstLine, int lastLine)
    {
        var sb = new StringBuilder(text.Length);
        int line = 1;
        foreach (char c in text)
        {
            if (c == '\n') line++;
            sb.Append(c is '\n' or '\r' || line < firstLine || line > lastLine ? c : ' ');
        }
        return sb.ToString();
    }

    private static ScenarioError Error(string file, YamlNode node, string path, string message) =>
        new(file, (int)node.Start.Line, (int)node.Start.Column, path, message);
}
