using System.Collections.Immutable;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace BiasSim.Core.Scenarios;

/// <summary>One value written in a <c>sweep:</c> section: its YAML text, and whether it was a plain (unquoted) scalar,
/// which alone may be a range start:stop:step or a comma list.</summary>
public sealed record SweepItem(string Text, bool Plain);

/// <summary>One parameter of a scenario's <c>sweep:</c> section as written: its dot path, its value (one item) or
/// list of values, and where the value starts. Ranges and comma lists are expanded by the sweep command.</summary>
public sealed record SweepSpec(string Path, bool IsList, ImmutableArray<SweepItem> Items, int Line, int Column);

internal static partial class ScenarioParser
{
    public const string SweepKey = "sweep";

    /// <summary>
    /// The parameters of the file's top-level <c>sweep:</c> section, checked for shape (a mapping of dot paths to a
    /// value or a non-empty list), with every error added to <paramref name="errors"/>; empty when there is none.
    /// The text passes the same guards as a scenario, so an alias bomb or deep nesting in the section is an error,
    /// not a hang or a crash. Errors elsewhere in the file are left to the scenario loader.
    /// </summary>
    public static ImmutableArray<SweepSpec> ReadSweep(string text, string fileName, List<ScenarioError> errors)
    {
        var reader = new YamlNodeReader(fileName);
        YamlNode? root = Parse(text, reader);
        var specs = new List<SweepSpec>();
        if (root is YamlMappingNode map) ReadSweep(YamlNodeReader.Child(map, SweepKey), reader, specs);
        // A file that does not parse, or fails the guards, has no sweep to read: that is the error.
        errors.AddRange(reader.Errors);
        return [.. specs];
    }

    /// <summary>Adds the section's well-formed entries to <paramref name="specs"/>; false when any is not.</summary>
    private static bool ReadSweep(YamlNode? node, YamlNodeReader r, List<SweepSpec> specs)
    {
        if (node is null) return true;
        if (node is not YamlMappingNode map || map.Children.Count == 0)
        {
            r.Error(node, SweepKey, "expected a mapping of dot paths to values, such as recording.missing.share: 0:0.9:0.05");
            return false;
        }
        bool valid = true;
        foreach (var (keyNode, valueNode) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } path } || path.Split('.').Any(p => p.Length == 0))
            {
                r.Error(keyNode, SweepKey, "expected a dot path to a scenario key, such as referrals.rate_ratios.Black");
                valid = false;
                continue;
            }
            string where = $"{SweepKey}.{path}";
            if (specs.Any(e => e.Path == path))
            {
                r.Error(keyNode, where, "the same path is swept twice, expected each path once");
                valid = false;
                continue;
            }
            int line = (int)valueNode.Start.Line, column = (int)valueNode.Start.Column;
            switch (valueNode)
            {
                case YamlScalarNode { Style: ScalarStyle.Plain, Value: { } plain }:
                    specs.Add(new SweepSpec(path, false, [new SweepItem(plain, true)], line, column));
                    break;
                case YamlScalarNode scalar:
                    specs.Add(new SweepSpec(path, false, [new SweepItem(ToText(scalar), false)], line, column));
                    break;
                case YamlSequenceNode { Children.Count: 0 }:
                    r.Error(valueNode, where, "the list is empty, expected at least one value");
                    valid = false;
                    break;
                case YamlSequenceNode list:
                    specs.Add(new SweepSpec(path, true,
                        [.. list.Children.Select(item => item is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } v } ? new SweepItem(v, true)
                            : new SweepItem(ToText(item), false))],
                        line, column));
                    break;
                default:
                    r.Error(valueNode, where, "found a mapping, expected a list of values [a, b, c], a comma list a, b, c or a range start:stop:step");
                    valid = false;
                    break;
            }
        }
        return valid;
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
}
