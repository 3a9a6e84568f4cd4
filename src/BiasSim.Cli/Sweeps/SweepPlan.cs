using System.Collections.Immutable;
using BiasSim.Core.Design;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli.Sweeps;

/// <summary>A swept parameter: a scenario key's dot path and the values it takes, as YAML text.</summary>
internal sealed record SweepParameter(string Path, ImmutableArray<string> Values);

/// <summary>One design point: its index in the grid, the value of each swept parameter (aligned with
/// <see cref="SweepPlan.Parameters"/>) and every override that makes its scenario, in the order applied.</summary>
internal sealed record SweepPoint(int Index, ImmutableArray<string> Values, ImmutableArray<ScenarioOverride> Overrides);

/// <summary>
/// The grid of a sweep: the cartesian product of every swept parameter's values (the first parameter varies
/// slowest), from a file's <c>sweep:</c> section and from <c>--set path=v1,v2,...</c>. A --set with a single value
/// is a plain override applied to every point. Overrides apply in the order written: the file's section first,
/// then the command line, which also replaces a file entry for the same path.
/// </summary>
internal sealed class SweepPlan
{
    /// <summary>A grid bigger than this is a mistake (a range with a tiny step), not a plan.</summary>
    public const int MaxPoints = 100_000;

    /// <summary>Each override in order: a fixed one, or parameter <c>Parameter</c> at the point's value.</summary>
    private readonly ImmutableArray<(ScenarioOverride? Fixed, int Parameter)> _slots;
    /// <summary>Where each parameter was written in the file, for its errors; null for command-line ones.</summary>
    private readonly ImmutableArray<SweepEntry?> _origins;

    private SweepPlan(string fileName, ImmutableArray<SweepParameter> parameters, ImmutableArray<SweepEntry?> origins,
        ImmutableArray<(ScenarioOverride?, int)> slots)
    {
        FileName = fileName;
        Parameters = parameters;
        _origins = origins;
        _slots = slots;
        PointCount = parameters.Aggregate(1, (n, p) => n * p.Values.Length);
    }

    public string FileName { get; }
    public ImmutableArray<SweepParameter> Parameters { get; }
    public int PointCount { get; }

    /// <summary>The overrides every point shares (single-value --set), in order.</summary>
    public ImmutableArray<ScenarioOverride> FixedOverrides => [.. _slots.Where(s => s.Fixed is not null).Select(s => s.Fixed!)];

    public IEnumerable<SweepPoint> Points => Enumerable.Range(0, PointCount).Select(Point);

    public SweepPoint Point(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, PointCount);
        var values = new string[Parameters.Length];
        int rest = index;
        for (int p = Parameters.Length - 1; p >= 0; p--)
        {
            int n = Parameters[p].Values.Length;
            values[p] = Parameters[p].Values[rest % n];
            rest /= n;
        }
        ImmutableArray<ScenarioOverride> overrides = [.. _slots.Select(s => s.Fixed
            ?? new ScenarioOverride(Parameters[s.Parameter].Path, values[s.Parameter]))];
        return new SweepPoint(index, [.. values], overrides);
    }

    /// <summary>Loads a point's scenario from the file text and the point's overrides.
    /// Errors in a value from the file's section point at that value in the file, not at a --set argument.</summary>
    public ScenarioLoadResult Load(string text, SweepPoint point)
    {
        ScenarioLoadResult result = ScenarioFile.PointAtOverrides(ScenarioLoader.Load(text, FileName, point.Overrides), FileName, point.Overrides);
        if (result.Success) return result;
        return result with { Errors = [.. result.Errors.Select(e => Relocate(e, point))] };
    }

    private ScenarioError Relocate(ScenarioError error, SweepPoint point)
    {
        for (int p = 0; p < Parameters.Length; p++)
        {
            if (_origins[p] is not { } origin) continue;
            string argument = new ScenarioOverride(Parameters[p].Path, point.Values[p]).Argument;
            if (error.File != argument) continue;
            string instead = $"{SweepSection.Key}.{Parameters[p].Path} value {point.Values[p]}";
            return new ScenarioError(FileName, origin.Line, origin.Column, error.Path, error.Message.Replace(argument, instead, StringComparison.Ordinal));
        }
        return error;
    }

    /// <summary>Builds the plan from the file's text and the <c>--set</c> arguments; null with every error otherwise.
    /// Without <paramref name="fileSection"/> the file's <c>sweep:</c> section is ignored (it belongs to the sweep command).</summary>
    public static SweepPlan? Build(string fileText, string fileName, IReadOnlyList<string> setArguments, List<string> errors, bool fileSection = true)
    {
        var fileErrors = new List<ScenarioError>();
        IReadOnlyList<SweepEntry> entries = fileSection ? SweepSection.Read(fileText, fileName, fileErrors) : [];
        errors.AddRange(fileErrors.Select(e => e.ToString()));

        var commandLine = new List<(ScenarioOverride Set, List<string> Values)>();
        foreach (string argument in setArguments)
        {
            ScenarioOverride? set = ScenarioOverride.Parse(argument);
            if (set is null)
            {
                errors.Add(CliOverrides.Malformed(argument));
                continue;
            }
            List<string>? values = SweepValues.Expand(set.Value, out string? error);
            if (values is null)
            {
                errors.Add($"--set {argument}: {error}");
                continue;
            }
            if (values.Count > 1 && commandLine.Any(c => c.Set.Path == set.Path))
            {
                errors.Add($"--set {argument}: '{set.Path}' is also set by another --set, expected a swept path once");
                continue;
            }
            if (values.Count == 1 && commandLine.Any(c => c.Set.Path == set.Path && c.Values.Count > 1))
            {
                errors.Add($"--set {argument}: '{set.Path}' is also swept by another --set, expected a swept path once");
                continue;
            }
            commandLine.Add((set, values));
        }
        if (errors.Count > 0) return null;

        var parameters = new List<SweepParameter>();
        var origins = new List<SweepEntry?>();
        var slots = new List<(ScenarioOverride?, int)>();
        foreach (SweepEntry entry in entries.Where(e => commandLine.All(c => c.Set.Path != e.Path)))
        {
            if (entry.Values.Count == 1)
            {
                slots.Add((new ScenarioOverride(entry.Path, entry.Values[0]), -1));
                continue;
            }
            slots.Add((null, parameters.Count));
            parameters.Add(new SweepParameter(entry.Path, [.. entry.Values]));
            origins.Add(entry);
        }
        foreach (var (set, values) in commandLine)
        {
            if (values.Count == 1)
            {
                slots.Add((new ScenarioOverride(set.Path, values[0]), -1));
                continue;
            }
            slots.Add((null, parameters.Count));
            parameters.Add(new SweepParameter(set.Path, [.. values]));
            origins.Add(null);
        }

        long points = parameters.Aggregate(1L, (n, p) => Math.Min(n * p.Values.Length, long.MaxValue / 2));
        if (points > MaxPoints)
        {
            errors.Add($"the sweep has {points:N0} design points ({string.Join(" x ", parameters.Select(p => p.Values.Length))}), expected at most " +
                $"{MaxPoints:N0}");
            return null;
        }
        return new SweepPlan(fileName, [.. parameters], [.. origins], [.. slots]);
    }
}
