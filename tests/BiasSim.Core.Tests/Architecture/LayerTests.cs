using System.Collections.Immutable;
using System.Text.RegularExpressions;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Tests.Architecture;

/// <summary>
/// The core's folders depend one way (docs/architecture.md): a folder uses only folders on lower layers, and folders on
/// one layer do not use each other. Checked on the compiled assembly, so a reference inside a method body or a lambda
/// counts, and on the sources, for what the compiler erases (constants, usings, crefs).
/// </summary>
public class LayerTests
{
    /// <summary>Lowest first. Every folder of src/BiasSim.Core must be on exactly one layer.</summary>
    private static readonly string[][] Layers =
    [
        ["Randomness"],
        ["Sampling"],
        ["Scenarios"],
        ["Calibration"],
        ["Engine"],
        ["Detectors"],
        ["Diagnosands", "Design"],
        ["Simulation"],
        ["Power", "Records", "BiasAnalysis"],
    ];

    /// <summary>What detectors may see below them beyond the scenario's census: the observed counts and the scratch-space
    /// budget, never the data-generating model (CountModel, CellTable, Stratification, calibration).</summary>
    private static readonly string[] DetectorsMaySee = ["Engine.StratifiedCounts", "Engine.StackBudget"];

    private static readonly Lazy<ImmutableArray<TypeReferenceEdge>> Compiled =
        new(() => CoreReferenceGraph.Read(typeof(Scenario).Assembly.Location));

    private static int LayerOf(string folder) => Array.FindIndex(Layers, l => l.Contains(folder));

    /// <summary>Why <paramref name="from"/> may not use <paramref name="to"/>, or null when it may.</summary>
    private static string? Breach(string from, string to)
    {
        if (from == to) return null;
        int a = LayerOf(from), b = LayerOf(to);
        if (a < 0 || b < 0) return $"{(a < 0 ? from : to)} is on no layer";
        return b < a ? null : b == a ? "same layer" : "upwards";
    }

    [Fact]
    public void Compiled_core_references_only_lower_layers()
    {
        var breaches = Compiled.Value
            .Where(e => Breach(e.FromFolder, e.ToFolder) is not null)
            .Select(e => $"{e} ({Breach(e.FromFolder, e.ToFolder)})")
            .ToList();
        Assert.True(breaches.Count == 0, "Core references against the layers:\n" + string.Join("\n", breaches));
    }

    [Fact]
    public void Detectors_see_observed_counts_never_the_data_generating_model()
    {
        var breaches = Compiled.Value
            .Where(e => e.FromFolder == "Detectors" && e.ToFolder is "Engine" or "Calibration" && !DetectorsMaySee.Contains(e.To))
            .Select(e => e.ToString())
            .ToList();
        Assert.True(breaches.Count == 0, "Detectors reading the model:\n" + string.Join("\n", breaches));
    }

    /// <summary>The check above is only as good as the reader: it must see references that exist only inside method bodies
    /// and lambdas (the simulation building a detector's frame from the model), not just signatures.</summary>
    [Fact]
    public void Reader_sees_references_inside_method_bodies_and_lambdas()
    {
        var edges = Compiled.Value.Select(e => e.ToString()).ToHashSet();
        // Only in a method body: the loader calls the calibration stage.
        Assert.Contains("Design.ScenarioLoader -> Calibration.TargetShareCalibration", edges);
        // Only in lambdas of the descriptor: a detector built from its frame.
        Assert.Contains("Detectors.IpwDetector -> Detectors.AnalysisFrame", edges);
        // Only in a body: the runner compiles the model.
        Assert.Contains("Simulation.MonteCarloRunner -> Engine.CountModel", edges);
    }

    [Fact]
    public void Every_core_folder_is_on_a_layer_and_every_layer_is_a_folder()
    {
        string core = Path.Combine(TestScenarios.RepoRoot, "src", "BiasSim.Core");
        var folders = Directory.GetDirectories(core).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).Order().ToList();
        Assert.Equal(Layers.SelectMany(l => l).Order(), folders);
        Assert.Empty(Directory.GetFiles(core, "*.cs"));
    }

    private static readonly Regex Namespace = new(@"^namespace BiasSim\.Core\.(\w+)", RegexOptions.Multiline);
    private static readonly Regex Qualified = new(@"BiasSim\.Core\.(\w+)");

    [Fact]
    public void Sources_name_only_lower_layers()
    {
        string core = Path.Combine(TestScenarios.RepoRoot, "src", "BiasSim.Core");
        // Folder.Type as a word (Engine.CellTable, in code or a cref), for every type of every folder.
        var typesByFolder = typeof(Scenario).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith("BiasSim.Core.", StringComparison.Ordinal) == true && !t.IsNested)
            .GroupBy(t => t.Namespace!["BiasSim.Core.".Length..].Split('.')[0])
            .ToDictionary(g => g.Key, g => g.Select(t => t.Name.Split('`')[0]).ToHashSet());
        var breaches = new List<string>();
        foreach (string file in Directory.GetFiles(core, "*.cs", SearchOption.AllDirectories).Order())
        {
            string relative = Path.GetRelativePath(core, file).Replace('\\', '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal)) continue;
            string folder = relative.Split('/')[0];
            string text = File.ReadAllText(file);
            Match ns = Namespace.Match(text);
            if (!ns.Success || ns.Groups[1].Value != folder) breaches.Add($"{relative}: namespace is not BiasSim.Core.{folder}");
            var named = Qualified.Matches(text).Select(m => m.Groups[1].Value).ToHashSet();
            foreach (var (other, types) in typesByFolder)
            {
                if (types.Any(t => Regex.IsMatch(text, $@"(?<!\w){other}\.{t}\b"))) named.Add(other);
            }
            foreach (string other in named)
            {
                if (Breach(folder, other) is string why) breaches.Add($"{relative} names {other} ({why})");
            }
        }
        Assert.True(breaches.Count == 0, "Sources against the layers:\n" + string.Join("\n", breaches));
    }
}
