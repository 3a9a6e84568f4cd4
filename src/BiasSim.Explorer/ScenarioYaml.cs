using System.Globalization;
using BiasSim.Core.Scenarios;
using YamlDotNet.RepresentationModel;

namespace BiasSim.Explorer;

/// <summary>
/// "Download scenario": the bundled file with the page's overrides, seed and replicates written into it, so that
/// <c>biassim run FILE</c> with no options reproduces the page. Only called after the same text and overrides loaded
/// without error through the CLI's guarded loader, which is what makes walking the tree here safe.
/// </summary>
public static class ScenarioYaml
{
    public static string WithOverrides(string text, IReadOnlyList<ScenarioOverride> overrides, string header)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        foreach (ScenarioOverride o in overrides) Set(root, o);

        var writer = new StringWriter(CultureInfo.InvariantCulture);
        foreach (string line in header.Split('\n')) writer.Write($"# {line}\n".Replace("# \n", "#\n", StringComparison.Ordinal));
        // Save writes the tree back as YAML (flow and block styles kept; comments are not part of the tree, so the header
        // says where the commented original lives).
        stream.Save(writer, assignAnchors: false);
        return writer.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>Sets the value at the override's dot path as the loader's override does: missing mappings are created.</summary>
    private static void Set(YamlMappingNode root, ScenarioOverride o)
    {
        var value = new YamlStream();
        value.Load(new StringReader(o.Value));
        YamlNode node = value.Documents.Count == 0 ? new YamlScalarNode("") : value.Documents[0].RootNode;
        string[] keys = o.Path.Split('.');
        YamlMappingNode current = root;
        foreach (string key in keys[..^1])
        {
            if (Child(current, key) is YamlMappingNode nested) current = nested;
            else
            {
                var created = new YamlMappingNode();
                current.Children[new YamlScalarNode(key)] = created;
                current = created;
            }
        }
        YamlNode existing = current.Children.Keys.FirstOrDefault(k => k is YamlScalarNode { Value: { } v } && v == keys[^1]) ?? new YamlScalarNode(keys[^1]);
        current.Children[existing] = node;
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(p => p.Key is YamlScalarNode { Value: { } v } && v == key).Value;

    /// <summary>Overrides that put the seed and replicate count into the file (after the page's own, so they win).</summary>
    public static IReadOnlyList<ScenarioOverride> WithSettings(IReadOnlyList<ScenarioOverride> overrides, ulong seed, int replicates) =>
    [
        .. overrides,
        new ScenarioOverride("seed", seed.ToString(CultureInfo.InvariantCulture)),
        new ScenarioOverride("simulation.replicates", replicates.ToString(CultureInfo.InvariantCulture)),
    ];
}
