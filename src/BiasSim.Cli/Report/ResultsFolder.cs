using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BiasSim.Cli.Results;
using BiasSim.Core.Design;
using BiasSim.Core.Diagnosands;
using BiasSim.Core.Engine;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli.Report;

/// <summary>One diagnosand row of a results folder, with the protected attribute and the estimates' histogram it carries.</summary>
internal sealed record ResultRow(DiagnosandRow Row)
{
    public string Attribute => Row.Attribute;
    public EstimateDistribution? Histogram => Row.Distribution;
}

/// <summary>One diagnosand row of a sweep's design point: the swept parameters' values (one per <see cref="ResultsFolder.SweepParameters"/>) and
/// the diagnosands there.</summary>
internal sealed record SweepPoint(ImmutableArray<string> Values, ResultRow Result)
{
    public double? Number(int parameter) => ResultsFolder.ParseNumber(Values[parameter]);
}

/// <summary>One MDRR search (a row of mdrr.csv): the minimum detectable rate ratio at a power target, with any swept parameters' values.</summary>
internal sealed record MdrrRow(
    ImmutableArray<string> Values, string Detector, string Group, string Direction, double? PowerTarget,
    double? Mdrr, double? MdrrLower, double? MdrrUpper, double? AnalyticMdrr, long? Replicates, double? ExpectedMissingShare, string? Failure)
{
    public double? Number(int parameter) => ResultsFolder.ParseNumber(Values[parameter]);
}

internal enum ResultsKind { Run, Sweep, Mdrr }

/// <summary>
/// The results of <c>run</c>, <c>sweep</c> or <c>mdrr</c> as the plots and the report see them: built from the command's
/// typed summary (<see cref="RunSummary"/>, <see cref="SweepSummary"/>, <see cref="MdrrSummary"/>, <see cref="MdrrGridSummary"/>),
/// either in memory by the command that just ran, or by <see cref="Load"/>, which deserialises the same type from a
/// folder's summary.json and rejects anything else with a clear <see cref="UserInputException"/> (exit code 2).
/// </summary>
internal sealed class ResultsFolder
{
    public const string SummaryFile = "summary.json";
    public const string ScenarioCopy = "scenario.yaml";
    public const string SweepFile = "sweep.csv";
    public const string MdrrFile = "mdrr.csv";
    private const long MaxSummaryBytes = 256L << 20;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The folder as the user named it.</summary>
    public string Folder { get; }
    public ResultsKind Kind { get; private init; }
    /// <summary>The BiasSim version that wrote the results.</summary>
    public string Version { get; private init; } = "";
    public string ScenarioName { get; private init; } = "";
    public string Description { get; private init; } = "";
    /// <summary>The scenario file the run was started from, as given on the command line.</summary>
    public string? ScenarioFile { get; private init; }
    /// <summary>The scenario text as copied into the folder, or null when the folder has no copy.</summary>
    public string? ScenarioText { get; private init; }
    /// <summary>The scenario reloaded from <see cref="ScenarioText"/> with <see cref="Overrides"/>; null without a copy.</summary>
    public Scenario? Scenario { get; private init; }
    public ImmutableArray<string> Overrides { get; private init; } = [];
    public ulong? Seed { get; private init; }
    public long? Replicates { get; private init; }
    public long? CompletedReplicates { get; private init; }
    public bool Partial { get; private init; }
    public double? ElapsedSeconds { get; private init; }
    public double? ExpectedMissingShare { get; private init; }
    public double? Alpha { get; private init; }
    public string Reference { get; private init; } = "";
    public ImmutableArray<string> Warnings { get; private init; } = [];
    /// <summary>The command that wrote the folder ("run", "sweep"), when summary.json records it.</summary>
    public string? Subcommand { get; private init; }
    /// <summary>A sweep's parameters and the values each took, as summary.json lists them (for the re-run command).</summary>
    public ImmutableArray<(string Path, ImmutableArray<string> Values)> SweepGrid { get; private init; } = [];
    /// <summary>Diagnosand rows of a run (empty for a sweep).</summary>
    public ImmutableArray<ResultRow> Rows { get; private init; } = [];
    /// <summary>The swept parameters' dot paths, in sweep.csv column order (empty for a run).</summary>
    public ImmutableArray<string> SweepParameters { get; private init; } = [];
    public ImmutableArray<SweepPoint> SweepPoints { get; private init; } = [];
    /// <summary>mdrr.csv's parameter columns (those before <c>detector</c>, then <c>expected_missing_share</c> when present)
    /// and rows, when the folder holds one.</summary>
    public ImmutableArray<string> MdrrParameters { get; private init; } = [];
    public ImmutableArray<MdrrRow> MdrrRows { get; private init; } = [];

    public static ResultsFolder Load(string folder)
    {
        const string expected = "expected the output folder of 'biassim run' or 'biassim sweep'";
        if (File.Exists(folder)) throw new UserInputException($"{folder}: is a file, {expected}");
        if (!Directory.Exists(folder)) throw new UserInputException($"{folder}: no such folder, {expected}");
        string summaryPath = Path.Combine(folder, SummaryFile);
        if (!File.Exists(summaryPath)) throw new UserInputException($"{folder}: not a BiasSim results folder (it has no {SummaryFile}), {expected}");

        string text;
        string? command;
        bool hasRows;
        try
        {
            if (new FileInfo(summaryPath).Length > MaxSummaryBytes) throw new UserInputException($"{summaryPath}: too large for a BiasSim summary");
            text = File.ReadAllText(summaryPath);
            using JsonDocument json = JsonDocument.Parse(text);
            JsonElement root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Str(root, "tool") != ResultsJson.Tool)
            {
                throw new UserInputException($"{summaryPath}: not a BiasSim summary (no \"tool\": \"biassim\"), {expected}");
            }
            command = Str(root, "command");
            hasRows = root.TryGetProperty("rows", out JsonElement rows) && rows.ValueKind == JsonValueKind.Array && rows.GetArrayLength() > 0;
            if (command == "mdrr" && root.TryGetProperty("points", out _)) command = MdrrGrid;
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{summaryPath}: not valid JSON ({e.Message}), {expected}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{summaryPath}: cannot be read ({e.Message})");
        }

        if (command == "detect")
        {
            throw new UserInputException($"{folder}: holds the results of 'biassim detect', whose report is written by 'biassim detect ... --report'");
        }
        if (command == "compare")
        {
            throw new UserInputException($"{folder}: holds the results of 'biassim compare' (compare.csv, its plot and summary.json), which has no " +
                "report; run 'biassim run FILE --report' for one design's report");
        }
        // Folders written before summary.json named its command are recognised by their files.
        command ??= File.Exists(Path.Combine(folder, SweepFile)) ? "sweep" : !hasRows && File.Exists(Path.Combine(folder, MdrrFile)) ? "mdrr" : "run";
        if (command is not ("run" or "sweep" or "mdrr" or MdrrGrid))
        {
            throw new UserInputException($"{summaryPath}: command '{command}' is not one BiasSim reports on, expected run, sweep or mdrr");
        }
        if (command == "run" && !hasRows)
        {
            throw new UserInputException($"{folder}: holds no results (no rows in {SummaryFile}, no {SweepFile} or {MdrrFile}), expected the output folder " +
                "of 'biassim run' or 'biassim sweep'");
        }

        string? scenarioText = ReadScenarioCopy(folder);
        try
        {
            return command switch
            {
                "sweep" => FromSweep(folder, Deserialize(text, ResultsJson.Default.SweepSummary), scenarioText, summaryPath),
                "mdrr" => FromMdrr(folder, Deserialize(text, ResultsJson.Default.MdrrSummary), scenarioText, summaryPath),
                MdrrGrid => FromMdrrGrid(folder, Deserialize(text, ResultsJson.Default.MdrrGridSummary), scenarioText, summaryPath),
                _ => FromRun(folder, Deserialize(text, ResultsJson.Default.RunSummary), scenarioText, summaryPath),
            };
        }
        catch (JsonException e)
        {
            string where = e.Path is { Length: > 1 } path ? $" at {path}" : "";
            throw new UserInputException($"{summaryPath}: not a BiasSim {command} summary{where}: {e.Message.Split(" Path: ")[0]}");
        }
    }

    /// <summary>An mdrr summary over a grid of --set values (it has "points").</summary>
    private const string MdrrGrid = "mdrr grid";

    private static T Deserialize<T>(string text, JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(text, type) ?? throw new JsonException("the summary is null");

    /// <summary>What every kind of results shares: the scenario as run (reloaded from its copy when read back), and the
    /// settings, with the scenario's own where the summary has none.</summary>
    private ResultsFolder(string folder, ResultsKind kind, string? command, string version, string? scenarioFile, string? scenarioText, Scenario? scenario,
        ImmutableArray<string> overrides, ulong? seed, long? replicates, double? elapsed, string? name = null)
    {
        Folder = folder;
        Kind = kind;
        Subcommand = command;
        Version = version;
        ScenarioFile = scenarioFile;
        ScenarioText = scenarioText;
        Scenario = scenario;
        Overrides = overrides;
        ScenarioName = scenario?.Name ?? name ?? Path.GetFileName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar));
        Description = scenario?.Description ?? "";
        Reference = scenario?.Population.Reference ?? "";
        Alpha = scenario?.Simulation.Alpha;
        Seed = seed ?? scenario?.Seed;
        Replicates = replicates ?? scenario?.Simulation.Replicates;
        ElapsedSeconds = elapsed;
    }

    /// <summary>The results of a run: from the summary just written (with the scenario as run), or as read back.</summary>
    public static ResultsFolder FromRun(string folder, RunSummary s, string? scenarioText, string summaryPath, Scenario? scenario = null)
    {
        bool hasRows = s.Rows.Length > 0;
        scenario ??= ReloadCopy(folder, scenarioText, s.Overrides, summaryPath, required: hasRows);
        if (scenario is null && hasRows)
        {
            throw new UserInputException($"{folder}: has no {ScenarioCopy} (the scenario 'biassim run' copies beside its results), so its report cannot " +
                "describe it; run the scenario again with this version of biassim");
        }
        JsonElement echo = s.Scenario.ValueKind == JsonValueKind.Object ? s.Scenario : default;
        return new ResultsFolder(folder, ResultsKind.Run, s.Command, s.Version, s.ScenarioFile, scenarioText, scenario, s.Overrides, s.Seed, s.Replicates,
            s.ElapsedSeconds, Str(echo, "name"))
        {
            Description = scenario?.Description ?? Str(echo, "description") ?? "",
            CompletedReplicates = s.CompletedReplicates,
            Partial = s.Partial,
            ExpectedMissingShare = s.Data?.ExpectedMissingShare ?? TryExpectedMissingShare(scenario),
            Alpha = scenario?.Simulation.Alpha ?? (echo.ValueKind == JsonValueKind.Object && echo.TryGetProperty("simulation", out JsonElement sim)
                ? Num(sim, "alpha") : null),
            Warnings = s.Warnings,
            Rows = [.. s.Rows.Select(r => new ResultRow(r))],
        };
    }

    /// <summary>The results of a sweep: every design point's diagnosand rows, with its parameter values.</summary>
    public static ResultsFolder FromSweep(string folder, SweepSummary s, string? scenarioText, string summaryPath = "")
    {
        Scenario? scenario = ReloadCopy(folder, scenarioText, s.Overrides, summaryPath, required: false);
        ImmutableArray<string> parameters = [.. s.Parameters.Select(p => p.Path)];
        return new ResultsFolder(folder, ResultsKind.Sweep, s.Command, s.Version, s.ScenarioFile, scenarioText, scenario, s.Overrides, s.Seed, s.Replicates,
            s.ElapsedSeconds)
        {
            Partial = s.Partial,
            ExpectedMissingShare = TryExpectedMissingShare(scenario),
            Warnings = s.Warnings,
            SweepGrid = [.. s.Parameters.Select(p => (p.Path, p.Values))],
            SweepParameters = parameters,
            SweepPoints = [.. s.Points.SelectMany(point => point.Rows.Select(row =>
                new SweepPoint([.. parameters.Select(path => point.Values[path] ?? "")], new ResultRow(row))))],
        };
    }

    /// <summary>The results of one MDRR search.</summary>
    public static ResultsFolder FromMdrr(string folder, MdrrSummary s, string? scenarioText, string summaryPath = "")
    {
        Scenario? scenario = ReloadCopy(folder, scenarioText, s.Overrides, summaryPath, required: false);
        return new ResultsFolder(folder, ResultsKind.Mdrr, s.Command, s.Version, s.ScenarioFile, scenarioText, scenario, s.Overrides, s.Seed, s.Replicates,
            s.ElapsedSeconds, s.ScenarioName)
        {
            ExpectedMissingShare = TryExpectedMissingShare(scenario),
            Alpha = scenario?.Simulation.Alpha ?? s.Alpha,
            Warnings = s.Warnings,
            MdrrParameters = [MissingShareColumn],
            MdrrRows = [MdrrRowOf([], s)],
        };
    }

    /// <summary>The results of an MDRR search at each point of a grid of --set values.</summary>
    public static ResultsFolder FromMdrrGrid(string folder, MdrrGridSummary s, string? scenarioText, string summaryPath = "")
    {
        Scenario? scenario = ReloadCopy(folder, scenarioText, [], summaryPath, required: false);
        return new ResultsFolder(folder, ResultsKind.Mdrr, s.Command, s.Version, s.ScenarioFile, scenarioText, scenario, [], s.Seed, null, s.ElapsedSeconds,
            s.ScenarioName)
        {
            ExpectedMissingShare = TryExpectedMissingShare(scenario),
            Warnings = s.Warnings,
            MdrrParameters = [.. s.Parameters, MissingShareColumn],
            MdrrRows = [.. s.Points.Select(p => MdrrRowOf([.. s.Parameters.Select(name => p.Values[name] ?? "")], p.Mdrr))],
        };
    }

    private const string MissingShareColumn = "expected_missing_share";

    private static MdrrRow MdrrRowOf(ImmutableArray<string> values, MdrrSummary m) =>
        new([.. values, m.ExpectedMissingShare is double share ? share.ToString("R", Inv) : ""], m.Detector, m.Group, m.Direction, m.PowerTarget, m.Mdrr,
            m.MdrrLower, m.MdrrUpper, m.AnalyticMdrr, m.Replicates, m.ExpectedMissingShare, m.Failure);

    private static string? ReadScenarioCopy(string folder)
    {
        string path = Path.Combine(folder, ScenarioCopy);
        if (!File.Exists(path)) return null;
        try
        {
            if (new FileInfo(path).Length > BiasSim.Cli.ScenarioFile.MaxBytes) throw new UserInputException($"{path}: too large for a scenario file");
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{path}: cannot be read ({e.Message})");
        }
    }

    /// <summary>The scenario copied beside the results, reloaded with its overrides; null without a copy.</summary>
    private static Scenario? ReloadCopy(string folder, string? text, ImmutableArray<string> overrides, string summaryPath, bool required) =>
        text is null ? null : Reload(Path.Combine(folder, ScenarioCopy), text, overrides, summaryPath, required);

    private static Scenario? Reload(string path, string text, ImmutableArray<string> overrideTexts, string summaryPath, bool required)
    {
        var overrides = new List<ScenarioOverride>();
        foreach (string o in overrideTexts)
        {
            overrides.Add(ScenarioOverride.Parse(o) ?? throw new UserInputException($"{summaryPath}: overrides: '{o}' is not path=value"));
        }
        ScenarioLoadResult result = ScenarioLoader.Load(text, path, overrides);
        if (result.Scenario is null && !required) return null;
        return result.Scenario ?? throw new UserInputException(
            [$"{path}: the scenario copied beside the results no longer loads, so the report cannot describe it:", .. result.Errors.Select(e => e.ToString())]);
    }

    /// <summary>The scenario at one design point: the folder's scenario with <paramref name="extra"/> overrides on top; null if it does not load.</summary>
    public Scenario? ScenarioAt(IEnumerable<ScenarioOverride> extra)
    {
        if (ScenarioText is null) return null;
        var overrides = Overrides.Select(ScenarioOverride.Parse).OfType<ScenarioOverride>().Concat(extra).ToList();
        return ScenarioLoader.Load(ScenarioText, Path.Combine(Folder, ScenarioCopy), overrides).Scenario;
    }

    /// <summary>E[unknown] / E[referrals] under <paramref name="scenario"/>, or null if the model cannot be built.</summary>
    public static double? TryExpectedMissingShare(Scenario? scenario)
    {
        if (scenario is null) return null;
        try
        {
            return new CountModel(scenario).ExpectedMissingShare;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The reference group rate ratios for <paramref name="attribute"/> are measured against.</summary>
    public string ReferenceFor(string attribute)
    {
        if (attribute.Length == 0 || attribute == Population.Ethnicity || Scenario is null) return Reference;
        return Scenario.Population.Attributes.FirstOrDefault(a => a.Name == attribute)?.Reference ?? "";
    }

    public static double? ParseNumber(string? text) =>
        double.TryParse(text, NumberStyles.Float, Inv, out double d) && double.IsFinite(d) ? d : null;

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Num(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}
