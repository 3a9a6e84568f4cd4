using System.Collections.Immutable;
using BiasSim.Core.Scenarios;
using YamlDotNet.RepresentationModel;

namespace BiasSim.Core.BiasAnalysis;

/// <summary>
/// A priors file for <c>detect --bias-analysis</c>: per census group, a prior on its recording ratio (how often its
/// referrals have a recorded group, relative to the reference's), and optionally how many draws to take.
/// </summary>
public sealed record BiasPriors(ImmutableDictionary<string, Prior> RecordingRatios, int? Draws)
{
    /// <summary>Optional Dirichlet prior on the misclassification matrix: row g (self-defined group, in census order) holds the
    /// concentrations of P(recorded as h | g) over the census groups h. Null: categories taken as self-defined.</summary>
    public ImmutableArray<ImmutableArray<double>>? Misclassification { get; init; }
}

public sealed record BiasPriorsLoadResult(BiasPriors? Priors, IReadOnlyList<ScenarioError> Errors);

/// <summary>
/// Reads a priors file through the scenario loader's guarded parse and typed reader, so its errors name file, line,
/// column and key path in the same words. A plain number is a point prior; otherwise
/// <c>{distribution: NAME, ...parameters}</c>.
/// </summary>
public static class BiasPriorsLoader
{
    public const string RecordingRatiosKey = "recording_ratios";
    public const int MaxDraws = 10_000_000;

    /// <summary>Each distribution and its parameters, in the order they are written.</summary>
    public static readonly ImmutableDictionary<string, ImmutableArray<string>> Distributions = new Dictionary<string, ImmutableArray<string>>
    {
        ["point"] = ["value"],
        ["uniform"] = ["min", "max"],
        ["triangular"] = ["min", "mode", "max"],
        ["trapezoidal"] = ["min", "lower_mode", "upper_mode", "max"],
        ["log-normal"] = ["median", "gsd"],
    }.ToImmutableDictionary();

    public const string MisclassificationKey = "misclassification";

    private static readonly string[] TopKeys = [RecordingRatiosKey, "draws", MisclassificationKey];

    /// <param name="groups">The census groups (the counts' categories); <paramref name="reference"/> among them.</param>
    public static BiasPriorsLoadResult Load(string text, string fileName, IReadOnlyCollection<string> groups, string reference)
    {
        var r = new YamlNodeReader(fileName);
        if (string.IsNullOrWhiteSpace(text))
        {
            r.Error(1, 1, "", $"the file is empty, expected a mapping with {RecordingRatiosKey} (per group, a prior on its recording ratio)");
            return new BiasPriorsLoadResult(null, r.Errors);
        }
        YamlNode? rootNode = ScenarioParser.Parse(text, r);
        if (rootNode is null) return new BiasPriorsLoadResult(null, r.Errors);
        YamlMappingNode? root = r.Mapping(rootNode, "", TopKeys);
        if (root is null) return new BiasPriorsLoadResult(null, r.Errors);

        int? draws = null;
        if (YamlNodeReader.Child(root, "draws") is { } drawsNode && r.Integer(drawsNode, "draws", $"a whole number of draws from 1 to {MaxDraws:N0}") is long n)
        {
            if (n is < 1 or > MaxDraws) r.Error(drawsNode, "draws", $"found {n}, expected a whole number of draws from 1 to {MaxDraws:N0}");
            else draws = (int)n;
        }

        YamlNode? ratiosNode = r.Required(root, rootNode, "", RecordingRatiosKey,
            "per census group, a prior on how often its referrals have a recorded group relative to the reference's");
        YamlMappingNode? ratios = r.Mapping(ratiosNode, RecordingRatiosKey, null);
        var priors = ImmutableDictionary.CreateBuilder<string, Prior>(StringComparer.Ordinal);
        string[] others = [.. groups.Where(g => g != reference)];
        foreach (var (group, keyNode, value) in YamlNodeReader.Entries(ratios))
        {
            string path = YamlNodeReader.Join(RecordingRatiosKey, group);
            if (group == reference)
            {
                r.Error(keyNode, path, $"'{group}' is the reference, whose recording ratio is 1 by definition; expected one of: {string.Join(", ", others)}");
                continue;
            }
            if (!r.Known(group, keyNode, path, "a census group", others)) continue;
            if (ReadPrior(value, path, r) is { } prior) priors[group] = prior;
        }
        if (ratios is not null && ratios.Children.Count == 0)
        {
            r.Error(ratiosNode!, RecordingRatiosKey, $"found no groups, expected a prior for at least one of: {string.Join(", ", others)}");
        }
        ImmutableArray<ImmutableArray<double>>? matrix = YamlNodeReader.Child(root, MisclassificationKey) is { } mNode
            ? ReadMatrix(mNode, [.. groups], r) : null;
        return r.Errors.Count > 0
            ? new BiasPriorsLoadResult(null, r.Errors)
            : new BiasPriorsLoadResult(new BiasPriors(priors.ToImmutable(), draws) { Misclassification = matrix }, r.Errors);
    }

    /// <summary>Every census group's row, each a mapping of recorded categories (census groups) to Dirichlet concentrations
    /// (pseudo-counts, at least 0; unlisted categories 0), with a positive total.</summary>
    private static ImmutableArray<ImmutableArray<double>>? ReadMatrix(YamlNode node, string[] groups, YamlNodeReader r)
    {
        const string Expected = "a Dirichlet concentration (a pseudo-count of at least 0, such as 95 for 95 of 100 validated records)";
        YamlMappingNode? map = r.Mapping(node, MisclassificationKey, groups);
        if (map is null) return null;
        var rows = new ImmutableArray<double>[groups.Length];
        bool valid = true;
        for (int g = 0; g < groups.Length; g++)
        {
            string path = YamlNodeReader.Join(MisclassificationKey, groups[g]);
            YamlNode? rowNode = r.Required(map, node, MisclassificationKey, groups[g],
                "the row of that self-defined group: recorded category -> Dirichlet concentration");
            YamlMappingNode? row = r.Mapping(rowNode, path, groups);
            if (row is null) { valid = false; continue; }
            var values = new double[groups.Length];
            foreach (var (category, _, value) in YamlNodeReader.Entries(row))
            {
                int h = Array.IndexOf(groups, category);
                if (h < 0) { valid = false; continue; }
                if (r.Ranged(value, YamlNodeReader.Join(path, category), Expected, v => v >= 0) is double v) values[h] = v;
                else valid = false;
            }
            if (values.Sum() <= 0)
            {
                r.Error(rowNode!, path, "found no positive concentration, expected at least one recorded category with a concentration above 0");
                valid = false;
            }
            rows[g] = [.. values];
        }
        return valid ? [.. rows] : null;
    }

    private static Prior? ReadPrior(YamlNode node, string path, YamlNodeReader r)
    {
        const string Positive = "a recording ratio above 0 (1 = recorded as often as the reference)";
        if (node is YamlScalarNode)
        {
            return r.Ranged(node, path, Positive, v => v > 0) is double v ? new PointPrior(v) : null;
        }
        if (node is not YamlMappingNode)
        {
            r.Error(node, path, $"expected a number (a point prior) or {{distribution: NAME, ...}}, found {YamlNodeReader.Describe(node)}");
            return null;
        }
        var map = (YamlMappingNode)node;
        YamlNode? nameNode = r.Required(map, node, path, "distribution", $"one of: {string.Join(", ", Distributions.Keys.Order())}");
        string? name = r.String(nameNode, YamlNodeReader.Join(path, "distribution"));
        if (name is null) return null;
        if (!r.Known(name, nameNode!, YamlNodeReader.Join(path, "distribution"), "a distribution", [.. Distributions.Keys.Order()])) return null;
        ImmutableArray<string> parameters = Distributions[name];
        r.Mapping(node, path, [.. parameters, "distribution"]);
        var values = new Dictionary<string, double>();
        foreach (string p in parameters)
        {
            string expected = p == "gsd" ? "a geometric SD of at least 1 (1 = no uncertainty)" : Positive;
            YamlNode? pNode = r.Required(map, node, path, p, expected);
            if (pNode is null) continue;
            if (r.Ranged(pNode, YamlNodeReader.Join(path, p), expected, v => p == "gsd" ? v >= 1 : v > 0) is double v) values[p] = v;
        }
        if (values.Count < parameters.Length) return null;
        double V(string p) => values[p];
        string order = string.Join(" <= ", parameters.Where(p => p is not "gsd" and not "median"));
        bool ordered = name switch
        {
            "uniform" => V("min") < V("max"),
            "triangular" => V("min") <= V("mode") && V("mode") <= V("max") && V("min") < V("max"),
            "trapezoidal" => V("min") <= V("lower_mode") && V("lower_mode") <= V("upper_mode") && V("upper_mode") <= V("max") && V("min") < V("max"),
            _ => true,
        };
        if (!ordered)
        {
            string found = string.Join(", ", parameters.Select(p => $"{p} {YamlNodeReader.Format(V(p))}"));
            r.Error(node, path, $"found {found}, expected {order} with min below max");
            return null;
        }
        return name switch
        {
            "point" => new PointPrior(V("value")),
            "uniform" => new UniformPrior(V("min"), V("max")),
            "triangular" => new TriangularPrior(V("min"), V("mode"), V("max")),
            "trapezoidal" => new TrapezoidalPrior(V("min"), V("lower_mode"), V("upper_mode"), V("max")),
            _ => new LogNormalPrior(V("median"), V("gsd")),
        };
    }
}
