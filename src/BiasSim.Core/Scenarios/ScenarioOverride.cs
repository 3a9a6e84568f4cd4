using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BiasSim.Core.Scenarios;

/// <summary>
/// One <c>--set path=value</c>: replaces (or adds) the value at a dot path such as
/// <c>recording.missing.share</c> or <c>referrals.rate_ratios.Black</c>. The value is read as YAML, so
/// <c>0.35</c>, <c>mnar</c>, <c>[rate-ratio]</c> and <c>{White: 0.6, Black: 0.7}</c> all work.
/// </summary>
public sealed record ScenarioOverride(string Path, string Value)
{
    /// <summary>The argument as the user wrote it, which error messages name in place of a file.</summary>
    public string Argument => $"--set {Path}={Value}";

    /// <summary>Parses "path=value"; null when there is no '=' or the path is empty.</summary>
    public static ScenarioOverride? Parse(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0) return null;
        string path = text[..eq].Trim();
        if (path.Length == 0 || path.Split('.').Any(p => p.Length == 0)) return null;
        return new ScenarioOverride(path, text[(eq + 1)..]);
    }

    internal static YamlNode? ApplyAll(YamlNode root, IReadOnlyList<ScenarioOverride> overrides, YamlNodeReader reader)
    {
        if (root is not YamlMappingNode map)
        {
            reader.Error(root, "", "expected a mapping of keys to values at the top of the file");
            return null;
        }
        bool valid = true;
        foreach (ScenarioOverride o in overrides) valid &= o.Apply(map, reader);
        return valid ? map : null;
    }

    private bool Apply(YamlMappingNode root, YamlNodeReader reader)
    {
        YamlNode value;
        // The value is YAML the user typed (or a resumed run's state.json holds): the same guards as a file, before parsing.
        if (YamlGuard.Check(Value) is var (_, _, problem))
        {
            reader.Error(1, 1, Path, $"{Argument}: {problem}");
            return false;
        }
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(Value));
            value = stream.Documents.Count == 0 ? new YamlScalarNode("") : stream.Documents[0].RootNode;
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException or ArgumentException)
        {
            reader.Error(1, 1, Path, $"{Argument}: the value is not valid YAML, expected a number, a word, [a, list] or {{a: mapping}}");
            return false;
        }
        if (YamlGuard.CheckExpansion(value) is { } expansion)
        {
            reader.Error(1, 1, Path, $"{Argument}: {expansion}");
            return false;
        }
        reader.MarkOverridden(value, Argument);

        string[] keys = Path.Split('.');
        YamlMappingNode current = root;
        for (int i = 0; i < keys.Length - 1; i++)
        {
            YamlNode? next = YamlNodeReader.Child(current, keys[i]);
            if (next is null)
            {
                var created = new YamlMappingNode();
                var createdKey = new YamlScalarNode(keys[i]);
                reader.MarkOverridden(createdKey, Argument);
                reader.MarkOverridden(created, Argument);
                current.Children[createdKey] = created;
                current = created;
            }
            else if (next is YamlMappingNode nested)
            {
                current = nested;
            }
            else
            {
                string at = string.Join('.', keys[..(i + 1)]);
                reader.Error(next, at, $"{Argument}: '{at}' holds {YamlNodeReader.Describe(next)}, not a mapping, so '{Path}' cannot be set");
                return false;
            }
        }
        string last = keys[^1];
        YamlNode? existingKey = current.Children.Keys.FirstOrDefault(k => k is YamlScalarNode { Value: { } v } && v == last);
        if (existingKey is null)
        {
            // A new key has no place in the file: its errors (a misspelt path, say) must name the argument.
            existingKey = new YamlScalarNode(last);
            reader.MarkOverridden(existingKey, Argument);
        }
        current.Children[existingKey] = value;
        return true;
    }
}
