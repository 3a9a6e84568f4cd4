using System.Globalization;
using BiasSim.Core.Scenarios;

namespace BiasSim.Explorer;

/// <summary>
/// The state of a view, as its address holds it: <c>?scenario=mcar-65&amp;replicates=2000&amp;seed=5&amp;set=path=value</c>.
/// The same settings as <c>biassim run scenarios/NAME.yaml --seed S --replicates R --set path=value ...</c>.
/// </summary>
public sealed record ExploreQuery(string Scenario, ulong? Seed, int? Replicates, IReadOnlyList<ScenarioOverride> Overrides)
{
    /// <summary>Replicates one request may ask for: enough for publishable figures (MC SE at most 0.16 points), small
    /// enough that one page cannot hold the machine for more than a few seconds.</summary>
    public const int MaxReplicates = 100_000;

    /// <summary>More overrides than any page makes; a longer list is a mistake or an attack.</summary>
    public const int MaxOverrides = 64;

    /// <summary>An override longer than this is no hand edit (the CLI's YAML guard still checks every value).</summary>
    public const int MaxOverrideLength = 4096;

    /// <summary>Reads the query; every problem is listed, none thrown.</summary>
    public static (ExploreQuery? Query, IReadOnlyList<string> Errors) Parse(
        string? scenario, string? seed, string? replicates, IReadOnlyList<string?> sets)
    {
        var errors = new List<string>();
        string name = string.IsNullOrEmpty(scenario) ? BundledScenarios.Default : scenario;
        if (!BundledScenarios.All.ContainsKey(name))
        {
            string known = string.Join(", ", BundledScenarios.All.Keys);
            errors.Add(LooksLikePath(name)
                ? $"scenario={name}: file paths are refused; expected the name of a bundled scenario: {known}"
                : $"scenario={name}: no such bundled scenario{DidYouMean.Hint(name, BundledScenarios.All.Keys)}; expected one of: {known}");
        }

        ulong? seedValue = null;
        if (!string.IsNullOrEmpty(seed))
        {
            if (ulong.TryParse(seed, NumberStyles.None, CultureInfo.InvariantCulture, out ulong s)) seedValue = s;
            else errors.Add($"seed={seed}: expected a whole number from 0 to {ulong.MaxValue}");
        }

        int? replicateValue = null;
        if (!string.IsNullOrEmpty(replicates))
        {
            if (int.TryParse(replicates, NumberStyles.None, CultureInfo.InvariantCulture, out int r) && r is >= 1 and <= MaxReplicates) replicateValue = r;
            else errors.Add($"replicates={replicates}: expected a whole number from 1 to {MaxReplicates:N0} " +
                            "(the explorer's limit per request; use biassim run for more)");
        }

        var overrides = new List<ScenarioOverride>();
        if (sets.Count > MaxOverrides) errors.Add($"set: found {sets.Count} overrides, expected at most {MaxOverrides}");
        foreach (string? set in sets.Take(MaxOverrides))
        {
            if (set is null) continue;
            if (set.Length > MaxOverrideLength)
            {
                errors.Add($"set: an override of {set.Length:N0} characters, expected at most {MaxOverrideLength:N0}");
            }
            else if (ScenarioOverride.Parse(set) is { } o) overrides.Add(o);
            else errors.Add($"set={set}: expected path=value with a dot path to a scenario key, such as recording.missing.share=0.35");
        }
        return errors.Count > 0 ? (null, errors) : (new ExploreQuery(name, seedValue, replicateValue, overrides), []);
    }

    private static bool LooksLikePath(string name) =>
        name.Contains('/') || name.Contains('\\') || name.Contains("..", StringComparison.Ordinal) || name.Contains(':') ||
        name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    /// <summary>The same run on the command line, for the page to show and a reader to paste.</summary>
    public string Command(ulong seed, int replicates)
    {
        var parts = new List<string> { "biassim", "run", BundledScenarios.FileName(Scenario), "--seed", seed.ToString(CultureInfo.InvariantCulture),
            "--replicates", replicates.ToString(CultureInfo.InvariantCulture) };
        foreach (ScenarioOverride o in Overrides) parts.Add("--set " + ShellQuote($"{o.Path}={o.Value}"));
        return string.Join(' ', parts);
    }

    private static string ShellQuote(string s) =>
        s.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '=' or '/' or ',')
            ? s
            : "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
