using BenchmarkDotNet.Attributes;
using BiasSim.Core.Design;

namespace BiasSim.Benchmarks;

/// <summary>
/// Time to load (or reject) scenario text: the bundled Prevent scenario as the baseline, and the hostile inputs of
/// HostileInputTests (alias bomb, alias flood, deep nesting of three kinds, binary garbage), which must be rejected
/// without expanding or recursing, so in about the time of an ordinary file. The tests check that each is rejected
/// cleanly; how fast is measured here, where a shared CI machine's load cannot make it flaky.
/// </summary>
[MemoryDiagnoser]
public class LoaderBenchmarks
{
    private static readonly string Prevent = File.ReadAllText(Path.Combine(EngineBenchmarks.FindRepoRoot(), "scenarios", "prevent-2015-2023.yaml"));

    private static readonly Dictionary<string, string> Inputs = new()
    {
        ["valid-prevent"] = Prevent,
        ["alias-bomb"] = AliasBomb(),
        ["alias-flood"] = "a: &a x\nb: [" + string.Join(", ", Enumerable.Repeat("*a", 2000)) + "]\n",
        ["brackets-100k"] = "name: " + new string('[', 100_000) + new string(']', 100_000) + "\n",
        ["block-sequence-100k"] = "name:\n" + string.Concat(Enumerable.Repeat("- ", 100_000)) + "x\n",
        ["indentation-300"] = string.Concat(Enumerable.Range(0, 300).Select(i => new string(' ', i) + $"k{i}:\n")),
        ["binary-4k"] = Binary(),
    };

    public static IEnumerable<string> Cases => Inputs.Keys;

    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "valid-prevent";

    /// <summary>Guards the measurement: the baseline must load and every hostile case must be rejected, else the numbers
    /// would time something else.</summary>
    [GlobalSetup]
    public void Check()
    {
        int errors = Load();
        if ((Case == "valid-prevent") != (errors == 0))
        {
            throw new InvalidOperationException($"{Case}: {errors} error(s), expected {(Case == "valid-prevent" ? "none" : "some")}");
        }
    }

    /// <summary>Errors reported (0 for the valid scenario), returned so the work is not optimised away.</summary>
    [Benchmark]
    public int Load() => ScenarioLoader.Load(Inputs[Case], "bench.yaml").Errors.Count;

    /// <summary>Ten levels of ten aliases each, 10^10 nodes if expanded, as the description of the Prevent scenario.</summary>
    private static string AliasBomb()
    {
        // The scenario's own (folded, indented) description is removed so the bomb is not a duplicate key.
        string body = System.Text.RegularExpressions.Regex.Replace(Prevent, @"^description:.*\n(?:[ \t].*\n|\n)*", "",
            System.Text.RegularExpressions.RegexOptions.Multiline);
        var lines = new List<string> { "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (int i = 1; i < 10; i++) lines.Add($"a{i}: &a{i} [" + string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10)) + "]");
        lines.Add("description: *a9");
        return string.Join("\n", lines) + "\n" + body;
    }

    private static string Binary()
    {
        var bytes = new byte[4096];
        new Random(1).NextBytes(bytes);
        return new string([.. bytes.Select(b => (char)b)]);
    }
}
