using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using BiasSim.Core.Design;
using BiasSim.Core.Diagnosands;
using BiasSim.Core.Engine;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli.Report;

/// <summary>The distribution of one detector's estimates: <c>BinEdges</c> on the rate-ratio scale (one more than
/// <c>Counts</c>), as written to summary.json under <c>estimate_histogram</c>.</summary>
internal sealed record EstimateDistribution(ImmutableArray<double> BinEdges, ImmutableArray<long> Counts)
{
    public long Total => Counts.Sum();
}

/// <summary>One diagnosand row read back from a results folder, with what only the files carry.</summary>
internal sealed record ResultRow(DiagnosandRow Row, string Attribute, EstimateDistribution? Histogram);

/// <summary>One row of sweep.csv: the swept parameters' values (as written, one per <see cref="ResultsFolder.SweepParameters"/>) and the diagnosands
/// there.</summary>
internal sealed record SweepPoint(ImmutableArray<string> Values, ResultRow Result)
{
    public double? Number(int parameter) => ResultsFolder.ParseNumber(Values[parameter]);
}

/// <summary>One row of mdrr.csv: the minimum detectable rate ratio at a power target, with any swept parameters' values.</summary>
internal sealed record MdrrRow(
    ImmutableArray<string> Values, string Detector, string Group, string Direction, double? PowerTarget,
    double? Mdrr, double? MdrrLower, double? MdrrUpper, double? AnalyticMdrr, long? Replicates, double? ExpectedMissingShare)
{
    public double? Number(int parameter) => ResultsFolder.ParseNumber(Values[parameter]);
}

internal enum ResultsKind { Run, Sweep, Mdrr }

/// <summary>
/// A finished BiasSim output folder (from <c>run</c>, <c>sweep</c> or <c>mdrr</c>), read back from its files: the immutable input
/// of the plots and the report, which never see the simulation itself. <see cref="Load"/> rejects anything else with
/// a clear <see cref="UserInputException"/> (exit code 2).
/// </summary>
internal sealed class ResultsFolder
{
    public const string SummaryFile = "summary.json";
    public const string ScenarioCopy = "scenario.yaml";
    public const string SweepFile = "sweep.csv";
    public const string MdrrFile = "mdrr.csv";
    private const long MaxSummaryBytes = 256L << 20;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private ResultsFolder(string folder) => Folder = folder;

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
    /// <summary><see cref="ScenarioText"/> as the loader reads it (a sweep's <c>sweep:</c> section blanked).</summary>
    private string? _loadableText;
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

        JsonDocument json;
        try
        {
            if (new FileInfo(summaryPath).Length > MaxSummaryBytes) throw new UserInputException($"{summaryPath}: too large for a BiasSim summary");
            json = JsonDocument.Parse(File.ReadAllText(summaryPath));
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{summaryPath}: not valid JSON ({e.Message}), {expected}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{summaryPath}: cannot be read ({e.Message})");
        }

        using (json)
        {
            JsonElement root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Str(root, "tool") != "biassim")
            {
                throw new UserInputException($"{summaryPath}: not a BiasSim summary (no \"tool\": \"biassim\"), {expected}");
            }
            return Build(folder, summaryPath, root);
        }
    }

    private static ResultsFolder Build(string folder, string summaryPath, JsonElement root)
    {
        string sweepPath = Path.Combine(folder, SweepFile);
        string mdrrPath = Path.Combine(folder, MdrrFile);
        bool hasRows = root.TryGetProperty("rows", out JsonElement rowsJson) && rowsJson.ValueKind == JsonValueKind.Array && rowsJson.GetArrayLength() > 0;
        // summary.json names the command that wrote the folder; only folders written before it did are recognised by their files.
        string? command = Str(root, "command");
        if (command == "detect")
        {
            throw new UserInputException($"{folder}: holds the results of 'biassim detect', whose report is written by 'biassim detect ... --report'");
        }
        bool isSweep = command is null ? File.Exists(sweepPath) : command == "sweep";
        bool isMdrr = command is null ? !isSweep && !hasRows && File.Exists(mdrrPath) : command == "mdrr";
        if (command is not null and not ("run" or "sweep" or "mdrr"))
        {
            throw new UserInputException($"{summaryPath}: command '{command}' is not one BiasSim reports on, expected run, sweep or mdrr");
        }
        if (!isSweep && !hasRows && !isMdrr)
        {
            throw new UserInputException($"{folder}: holds no results (no rows in {SummaryFile}, no {SweepFile} or {MdrrFile}), expected the output folder " +
                "of 'biassim run' or 'biassim sweep'");
        }

        ImmutableArray<string> overrides = root.TryGetProperty("overrides", out JsonElement o) && o.ValueKind == JsonValueKind.Array
            ? [.. o.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)]
            : [];
        string? text = ReadScenarioCopy(folder);
        Scenario? scenario = text is null ? null : Reload(Path.Combine(folder, ScenarioCopy), text, overrides, summaryPath, required: hasRows);
        if (scenario is null && hasRows)
        {
            throw new UserInputException($"{folder}: has no {ScenarioCopy} (the scenario 'biassim run' copies beside its results), so its report cannot " +
                "describe it; run the scenario again with this version of biassim");
        }

        JsonElement scenarioJson = root.TryGetProperty("scenario", out JsonElement s) && s.ValueKind == JsonValueKind.Object ? s : default;
        double? expectedMissing = root.TryGetProperty("data", out JsonElement data) && data.ValueKind == JsonValueKind.Object
            ? Num(data, "expected_missing_share") : null;
        if (expectedMissing is null && scenario is not null) expectedMissing = TryExpectedMissingShare(scenario);

        var (sweepParameters, sweepPoints) = isSweep ? ReadSweep(sweepPath) : ([], []);
        var (mdrrParameters, mdrrRows) = File.Exists(mdrrPath) ? ReadMdrr(mdrrPath) : ([], []);
        return new ResultsFolder(folder)
        {
            Kind = isSweep ? ResultsKind.Sweep : isMdrr ? ResultsKind.Mdrr : ResultsKind.Run,
            Version = Str(root, "version") ?? "",
            ScenarioName = scenario?.Name ?? Str(scenarioJson, "name") ?? Str(root, "scenario_name")
                ?? Path.GetFileName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar)),
            Description = scenario?.Description ?? Str(scenarioJson, "description") ?? "",
            ScenarioFile = Str(root, "scenario_file"),
            ScenarioText = text,
            _loadableText = text,
            Scenario = scenario,
            Overrides = overrides,
            Seed = root.TryGetProperty("seed", out JsonElement seed) && seed.ValueKind == JsonValueKind.Number && seed.TryGetUInt64(out ulong sd) ? sd
                : scenario?.Seed,
            Replicates = Long(root, "replicates") ?? scenario?.Simulation.Replicates,
            CompletedReplicates = Long(root, "completed_replicates"),
            Partial = root.TryGetProperty("partial", out JsonElement p) && p.ValueKind == JsonValueKind.True,
            ElapsedSeconds = Num(root, "elapsed_seconds"),
            ExpectedMissingShare = expectedMissing,
            Alpha = scenario?.Simulation.Alpha
                ?? (scenarioJson.ValueKind == JsonValueKind.Object && scenarioJson.TryGetProperty("simulation", out JsonElement sim) ? Num(sim, "alpha")
                    : Num(root, "alpha")),
            Reference = scenario?.Population.Reference ?? "",
            Warnings = root.TryGetProperty("warnings", out JsonElement w) && w.ValueKind == JsonValueKind.Array
                ? [.. w.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)]
                : [],
            Subcommand = Str(root, "command"),
            SweepGrid = root.TryGetProperty("parameters", out JsonElement grid) && grid.ValueKind == JsonValueKind.Array
                ? [.. grid.EnumerateArray().Where(g => Str(g, "path") is not null).Select(g => (Str(g, "path")!,
                    g.TryGetProperty("values", out JsonElement v) && v.ValueKind == JsonValueKind.Array
                        ? v.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : x.GetRawText()).ToImmutableArray()
                        : ImmutableArray<string>.Empty))]
                : [],
            Rows = hasRows ? [.. rowsJson.EnumerateArray().Select((r, i) => RowFromJson(r, i, summaryPath))] : [],
            SweepParameters = sweepParameters,
            SweepPoints = sweepPoints,
            MdrrParameters = mdrrParameters,
            MdrrRows = mdrrRows,
        };
    }

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
        if (_loadableText is null) return null;
        var overrides = Overrides.Select(ScenarioOverride.Parse).OfType<ScenarioOverride>().Concat(extra).ToList();
        return ScenarioLoader.Load(_loadableText, Path.Combine(Folder, ScenarioCopy), overrides).Scenario;
    }

    /// <summary>E[unknown] / E[referrals] under <paramref name="scenario"/>, or null if the model cannot be built.</summary>
    public static double? TryExpectedMissingShare(Scenario scenario)
    {
        try
        {
            return new CountModel(scenario).ExpectedMissingShare;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private static ResultRow RowFromJson(JsonElement row, int index, string summaryPath)
    {
        if (row.ValueKind != JsonValueKind.Object) throw new UserInputException($"{summaryPath}: rows[{index}] is not an object");
        string? Text(string name) => row.TryGetProperty(name, out JsonElement v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        } : null;
        DiagnosandRow r = BuildRow(Text, $"{summaryPath}: rows[{index}]");
        return new ResultRow(r, Text("attribute") ?? "", row.TryGetProperty("estimate_histogram", out JsonElement h) ? Histogram(h) : null);
    }

    /// <summary>Reads the optional <c>estimate_histogram</c>; null (no plot) when absent or malformed.</summary>
    private static EstimateDistribution? Histogram(JsonElement h)
    {
        if (h.ValueKind != JsonValueKind.Object ||
            !h.TryGetProperty("bin_edges", out JsonElement e) || e.ValueKind != JsonValueKind.Array ||
            !h.TryGetProperty("counts", out JsonElement c) || c.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        if (e.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.Number) || c.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.Number)) return null;
        ImmutableArray<double> edges = [.. e.EnumerateArray().Select(x => x.GetDouble())];
        ImmutableArray<long> counts = [.. c.EnumerateArray().Select(x => x.TryGetInt64(out long n) ? n : -1)];
        bool valid = counts.Length >= 1 && edges.Length == counts.Length + 1 && counts.All(n => n >= 0) &&
                     edges.All(x => x > 0 && double.IsFinite(x)) && edges.Zip(edges.Skip(1)).All(t => t.First < t.Second);
        return valid ? new EstimateDistribution(edges, counts) : null;
    }

    private static (ImmutableArray<string>, ImmutableArray<SweepPoint>) ReadSweep(string path)
    {
        var (header, rows) = ResultsCsv.Parse(ReadText(path));
        int detector = IndexOf(header, "detector");
        if (detector < 0 || IndexOf(header, "group") < 0 || IndexOf(header, "flag_rate") < 0)
        {
            throw new UserInputException($"{path}: not a BiasSim sweep table (expected the parameter columns, then detector, group, flag_rate, ...)");
        }
        var points = ImmutableArray.CreateBuilder<SweepPoint>();
        for (int i = 0; i < rows.Count; i++)
        {
            IReadOnlyList<string> cells = rows[i];
            string? Text(string name) => IndexOf(header, name) is int j and >= 0 && cells[j].Length > 0 ? cells[j] : null;
            DiagnosandRow r = BuildRow(Text, $"{path}: line {i + 2}");
            points.Add(new SweepPoint([.. cells.Take(detector)], new ResultRow(r, Text("attribute") ?? "", null)));
        }
        return ([.. header.Take(detector)], points.ToImmutable());
    }

    private static (ImmutableArray<string>, ImmutableArray<MdrrRow>) ReadMdrr(string path)
    {
        var (header, rows) = ResultsCsv.Parse(ReadText(path));
        int detector = IndexOf(header, "detector");
        if (detector < 0 || IndexOf(header, "mdrr") < 0)
            throw new UserInputException($"{path}: not a BiasSim MDRR table (expected columns detector, group, direction, power_target, mdrr, ...)");
        var list = ImmutableArray.CreateBuilder<MdrrRow>();
        bool withShare = IndexOf(header, "expected_missing_share") >= 0;
        foreach (IReadOnlyList<string> cells in rows)
        {
            string Cell(string name) => IndexOf(header, name) is int j and >= 0 ? cells[j] : "";
            ImmutableArray<string> values = withShare ? [.. cells.Take(detector), Cell("expected_missing_share")] : [.. cells.Take(detector)];
            list.Add(new MdrrRow(values, Cell("detector"), Cell("group"), Cell("direction"), ParseNumber(Cell("power_target")),
                ParseNumber(Cell("mdrr")), ParseNumber(Cell("mdrr_lower")), ParseNumber(Cell("mdrr_upper")), ParseNumber(Cell("analytic_mdrr")),
                ParseNumber(Cell("replicates")) is double n ? (long)n : null, ParseNumber(Cell("expected_missing_share"))));
        }
        return (withShare ? [.. header.Take(detector), "expected_missing_share"] : [.. header.Take(detector)], list.ToImmutable());
    }

    private static string ReadText(string path)
    {
        try
        {
            if (new FileInfo(path).Length > MaxSummaryBytes) throw new UserInputException($"{path}: too large to report on");
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{path}: cannot be read ({e.Message})");
        }
    }

    private static int IndexOf(IReadOnlyList<string> header, string name)
    {
        for (int i = 0; i < header.Count; i++) if (header[i] == name) return i;
        return -1;
    }

    /// <summary>A diagnosand row from its columns by name (the names in <see cref="Output.DiagnosandColumns"/>).</summary>
    private static DiagnosandRow BuildRow(Func<string, string?> text, string where)
    {
        double? N(string name) => ParseNumber(text(name));
        double Required(string name) => N(name) ?? throw new UserInputException($"{where}: has no number in '{name}', expected a BiasSim diagnosand row");
        return new DiagnosandRow
        {
            Detector = text("detector") ?? throw new UserInputException($"{where}: has no 'detector', expected a BiasSim diagnosand row"),
            Group = text("group") ?? throw new UserInputException($"{where}: has no 'group', expected a BiasSim diagnosand row"),
            TrueRateRatio = N("true_rate_ratio"),
            Replicates = (long)(N("replicates") ?? 0),
            Estimable = (long)(N("estimable") ?? 0),
            FlagRate = Required("flag_rate"),
            FlagRateSe = N("flag_rate_se") ?? 0,
            FlagUpRate = N("flag_up_rate"),
            FlagUpRateSe = N("flag_up_rate_se"),
            FlagDownRate = N("flag_down_rate"),
            FlagDownRateSe = N("flag_down_rate_se"),
            MeanEstimate = N("mean_estimate"),
            MeanEstimateSe = N("mean_estimate_se"),
            MeanLogEstimate = N("mean_log_estimate"),
            MeanLogEstimateSe = N("mean_log_estimate_se"),
            BiasLog = N("bias_log"),
            BiasLogSe = N("bias_log_se"),
            RmseLog = N("rmse_log"),
            RmseLogSe = N("rmse_log_se"),
            Coverage = N("coverage"),
            CoverageSe = N("coverage_se"),
            MeanLower = N("mean_lower"),
            MeanUpper = N("mean_upper"),
            MeanCiWidth = N("mean_ci_width"),
            MeanCiWidthSe = N("mean_ci_width_se"),
            TypeSRate = N("type_s_rate"),
            TypeSRateSe = N("type_s_rate_se"),
            ExaggerationRatio = N("exaggeration_ratio"),
            ExaggerationRatioSe = N("exaggeration_ratio_se"),
            NotEstimableRate = N("not_estimable_rate") ?? 0,
            NotEstimableRateSe = N("not_estimable_rate_se") ?? 0,
            TrueDifference = text("true_difference") switch { "true" => true, "false" => false, _ => null },
            CorrectRate = N("correct_rate"),
            CorrectRateSe = N("correct_rate_se"),
            MisestimatedRate = N("misestimated_rate"),
            MisestimatedRateSe = N("misestimated_rate_se"),
            WrongDirectionRate = N("wrong_direction_rate"),
            WrongDirectionRateSe = N("wrong_direction_rate_se"),
            MissedRate = N("missed_rate"),
            MissedRateSe = N("missed_rate_se"),
            FalseAlarmRate = N("false_alarm_rate"),
            FalseAlarmRateSe = N("false_alarm_rate_se"),
            DroppedDrawShare = N("dropped_draw_share"),
            DroppedDrawReplicateRate = N("dropped_draw_replicate_rate"),
        };
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

    private static long? Long(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long l) ? l
            : null;
}
