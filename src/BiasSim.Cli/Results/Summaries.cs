using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using BiasSim.Core.Diagnosands;

namespace BiasSim.Cli.Results;

// The typed results of each command, exactly as summary.json holds them (snake_case names, declaration order).
// Commands build one in memory, render console text, CSV, plots and the report from it, and serialise it with the
// source-generated ResultsJson; 'biassim report DIR' deserialises the same type. Properties are only ever added (at the
// end of a record), never renamed: users' scripts read these files.
// Source-generated deserialisation sets a missing init-only property to default, not to its initializer, so the getters
// below turn a missing list, text or object (an older or hand-made summary.json) into an empty one.

/// <summary>summary.json of <c>biassim run</c> (and of <c>merge</c>, which finishes a sharded run).</summary>
internal sealed record RunSummary
{
    public string Tool { get => field ?? ""; init; } = ResultsJson.Tool;
    public string? Command { get; init; } = "run";
    public string Version { get => field ?? ""; init; } = "";
    public string? ScenarioFile { get; init; }
    /// <summary>The <c>--set path=value</c> overrides applied on top of the scenario file, in order.</summary>
    public ImmutableArray<string> Overrides { get => field.IsDefault ? [] : field; init; } = [];
    public ulong? Seed { get; init; }
    public long? Replicates { get; init; }
    public long? CompletedReplicates { get; init; }
    public bool Partial { get; init; }
    public int Threads { get; init; }
    /// <summary>Seconds of simulation, to the millisecond.</summary>
    public double? ElapsedSeconds { get; init; }
    /// <summary>Seconds spent drawing and writing the plots, apart from the simulation; null until they are drawn.</summary>
    public double? PlotSeconds { get; init; }
    public RunData? Data { get; init; }
    public ImmutableArray<string> Warnings { get => field.IsDefault ? [] : field; init; } = [];
    /// <summary>The scenario as validated, with the same keys as the YAML file (see <see cref="ScenarioEcho"/>).</summary>
    public JsonElement Scenario { get; init; }
    public ImmutableArray<DiagnosandRow> Rows { get => field.IsDefault ? [] : field; init; } = [];
}

/// <summary>What the simulated data looked like: the expected and realised share unrecorded, and the truths.</summary>
internal sealed record RunData
{
    public double? ExpectedMissingShare { get; init; }
    public double MeanMissingShare { get; init; }
    public double MeanMissingShareSe { get; init; }
    public NamedNumbers TrueRateRatios { get => field ?? new([]); init; } = new([]);
}

/// <summary>summary.json of <c>biassim sweep</c>: the grid, and every design point's settings and diagnosand rows.</summary>
internal sealed record SweepSummary
{
    public string Tool { get => field ?? ""; init; } = ResultsJson.Tool;
    public string? Command { get; init; } = "sweep";
    public string Version { get => field ?? ""; init; } = "";
    public string? ScenarioFile { get; init; }
    public ImmutableArray<string> Overrides { get => field.IsDefault ? [] : field; init; } = [];
    public ImmutableArray<SweepParameterSummary> Parameters { get => field.IsDefault ? [] : field; init; } = [];
    public int DesignPoints { get; init; }
    /// <summary>Every point reuses the same replicate seeds (design point 0): differences between points are not Monte Carlo noise.</summary>
    public bool CommonRandomNumbers { get; init; } = true;
    public ulong? Seed { get; init; }
    public long? Replicates { get; init; }
    public int Threads { get; init; }
    public double? ElapsedSeconds { get; init; }
    public bool Partial { get; init; }
    /// <summary>Design points not run (Ctrl+C): <c>sweep --resume</c> finishes them.</summary>
    public int MissingPoints { get; init; }
    public ImmutableArray<string> Warnings { get => field.IsDefault ? [] : field; init; } = [];
    public ImmutableArray<SweepPointSummary> Points { get => field.IsDefault ? [] : field; init; } = [];
}

/// <summary>A swept parameter's dot path and the values it took, as text (written as JSON numbers where they are numbers).</summary>
internal sealed record SweepParameterSummary
{
    public string Path { get => field ?? ""; init; } = "";
    [JsonConverter(typeof(NumberOrTextListConverter))]
    public ImmutableArray<string> Values { get => field.IsDefault ? [] : field; init; } = [];
}

internal sealed record SweepPointSummary
{
    public int Index { get; init; }
    /// <summary>Each swept parameter's value at this point, by path, as text (JSON numbers where they are numbers).</summary>
    [JsonConverter(typeof(NumberOrTextMapConverter))]
    public NamedTexts Values { get => field ?? new([]); init; } = new([]);
    public ImmutableArray<string> Overrides { get => field.IsDefault ? [] : field; init; } = [];
    public string Name { get => field ?? ""; init; } = "";
    public ulong Seed { get; init; }
    public long Replicates { get; init; }
    public long CompletedReplicates { get; init; }
    public double ElapsedSeconds { get; init; }
    public double? ExpectedMissingShare { get; init; }
    public double MeanMissingShare { get; init; }
    public double MeanMissingShareSe { get; init; }
    public ImmutableArray<DiagnosandRow> Rows { get => field.IsDefault ? [] : field; init; } = [];
}

/// <summary>summary.json of <c>biassim mdrr</c> for one scenario (and each point of an mdrr grid): the settings, the
/// mdrr.csv columns, and the simulated power curve.</summary>
internal sealed record MdrrSummary
{
    public string Tool { get => field ?? ""; init; } = ResultsJson.Tool;
    public string? Command { get; init; } = "mdrr";
    public string Version { get => field ?? ""; init; } = "";
    public string? ScenarioFile { get; init; }
    public string? ScenarioName { get; init; }
    public ImmutableArray<string> Overrides { get => field.IsDefault ? [] : field; init; } = [];
    public int Threads { get; init; }
    public double? ElapsedSeconds { get; init; }
    public double? Alpha { get; init; }
    /// <summary>Every rate ratio tried reuses the same replicate seeds.</summary>
    public bool CommonRandomNumbers { get; init; } = true;
    // The mdrr.csv columns, in their order (MdrrOutput.Columns).
    public string Detector { get => field ?? ""; init; } = "";
    public string Group { get => field ?? ""; init; } = "";
    public string Direction { get => field ?? ""; init; } = "";
    public double? PowerTarget { get; init; }
    public double? Mdrr { get; init; }
    public double? MdrrLower { get; init; }
    public double? MdrrUpper { get; init; }
    public double? AnalyticMdrr { get; init; }
    public long? Replicates { get; init; }
    public double? PowerAtMdrr { get; init; }
    public double? PowerAtMdrrSe { get; init; }
    public double? LogMdrrSe { get; init; }
    public double? Slope { get; init; }
    public int Evaluations { get; init; }
    public ulong? Seed { get; init; }
    public double? ExpectedMissingShare { get; init; }
    public string? Failure { get; init; }
    public ImmutableArray<PowerCurvePoint> PowerCurve { get => field.IsDefault ? [] : field; init; } = [];
    /// <summary>The scenario's own warnings (a degenerate detector, a deprecated key).</summary>
    public ImmutableArray<string> Warnings { get => field.IsDefault ? [] : field; init; } = [];
}

internal sealed record PowerCurvePoint(double RateRatio, double Power, double PowerSe);

/// <summary>summary.json of <c>biassim mdrr</c> over a grid of <c>--set</c> values: the shared settings, and each
/// point's own <see cref="MdrrSummary"/> with its parameter values.</summary>
internal sealed record MdrrGridSummary
{
    public string Tool { get => field ?? ""; init; } = ResultsJson.Tool;
    public string? Command { get; init; } = "mdrr";
    public string Version { get => field ?? ""; init; } = "";
    public string? ScenarioFile { get; init; }
    public string? ScenarioName { get; init; }
    public ulong? Seed { get; init; }
    public double? ElapsedSeconds { get; init; }
    public ImmutableArray<string> Parameters { get => field.IsDefault ? [] : field; init; } = [];
    public ImmutableArray<MdrrGridPoint> Points { get => field.IsDefault ? [] : field; init; } = [];
    /// <summary>Every point's scenario warnings, each once.</summary>
    public ImmutableArray<string> Warnings { get => field.IsDefault ? [] : field; init; } = [];
}

internal sealed record MdrrGridPoint
{
    public NamedTexts Values { get => field ?? new([]); init; } = new([]);
    public MdrrSummary Mdrr { get => field ?? new(); init; } = new();
}

/// <summary>summary.json of <c>biassim compare</c>: each design's file, settings, verdict and diagnosand rows (compare.csv
/// holds the same rows, with the design's label first).</summary>
internal sealed record CompareSummary
{
    public string Tool { get => field ?? ""; init; } = ResultsJson.Tool;
    public string? Command { get; init; } = "compare";
    public string Version { get => field ?? ""; init; } = "";
    public ImmutableArray<string> Overrides { get => field.IsDefault ? [] : field; init; } = [];
    public int Threads { get; init; }
    public double? ElapsedSeconds { get; init; }
    public ImmutableArray<CompareDesign> Designs { get => field.IsDefault ? [] : field; init; } = [];
}

internal sealed record CompareDesign
{
    /// <summary>The design's name in compare.csv and on the console: the scenario's name, with its file when two share one.</summary>
    public string Label { get => field ?? ""; init; } = "";
    public string ScenarioFile { get => field ?? ""; init; } = "";
    public string ScenarioName { get => field ?? ""; init; } = "";
    public ulong Seed { get; init; }
    public long Replicates { get; init; }
    public double ExpectedMissingShare { get; init; }
    public double MeanMissingShare { get; init; }
    public double MeanMissingShareSe { get; init; }
    public NamedNumbers TrueRateRatios { get => field ?? new([]); init; } = new([]);
    /// <summary>The one-line verdict the console prints for the design.</summary>
    public string Verdict { get => field ?? ""; init; } = "";
    public ImmutableArray<string> Warnings { get => field.IsDefault ? [] : field; init; } = [];
    public ImmutableArray<DiagnosandRow> Rows { get => field.IsDefault ? [] : field; init; } = [];
}

/// <summary>summary.json of <c>biassim detect</c>: what was read, the request, and the rows of detection.csv.</summary>
internal sealed record DetectSummary
{
    public string Tool { get => field ?? ""; init; } = ResultsJson.Tool;
    public string? Command { get; init; } = "detect";
    public string Version { get => field ?? ""; init; } = "";
    public string DataFile { get => field ?? ""; init; } = "";
    public string? CensusFile { get; init; }
    public string? MatrixFile { get; init; }
    public string Reference { get => field ?? ""; init; } = "";
    public double Alpha { get; init; }
    public long Referrals { get; init; }
    public long Unknown { get; init; }
    public double MissingShare { get; init; }
    public ImmutableArray<string> Detectors { get => field.IsDefault ? [] : field; init; } = [];
    public ImmutableArray<DetectSummaryRow> Rows { get => field.IsDefault ? [] : field; init; } = [];
}

/// <summary>One detection.csv row with numbers as JSON numbers: an infinite upper bound is the string "Infinity", and a
/// number that does not exist is null.</summary>
internal sealed record DetectSummaryRow(
    string Detector, string Group,
    [property: JsonConverter(typeof(DetectNumberConverter))] double? Estimate,
    [property: JsonConverter(typeof(DetectNumberConverter))] double? Lower,
    [property: JsonConverter(typeof(DetectNumberConverter))] double? Upper,
    [property: JsonConverter(typeof(DetectNumberConverter))] double? Statistic,
    [property: JsonConverter(typeof(DetectNumberConverter))] double? Df,
    [property: JsonConverter(typeof(DetectNumberConverter))] double? PValue,
    string Flagged, string Note);

/// <summary>Numbers keyed by name, in a fixed order (a JSON object whose keys are data: group names).</summary>
[JsonConverter(typeof(NamedNumbersConverter))]
internal sealed record NamedNumbers(ImmutableArray<KeyValuePair<string, double>> Items);

/// <summary>Texts keyed by name, in a fixed order (a JSON object whose keys are data: parameter paths).</summary>
[JsonConverter(typeof(NamedTextsConverter))]
internal sealed record NamedTexts(ImmutableArray<KeyValuePair<string, string>> Items)
{
    public string? this[string key] => Items.FirstOrDefault(kv => kv.Key == key).Value;
}
