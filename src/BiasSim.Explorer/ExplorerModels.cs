using System.Text.Json.Serialization;

namespace BiasSim.Explorer;

/// <summary>A group's slider: its name and the true rate ratio the scenario (with the page's overrides) declares.</summary>
public sealed record GroupFact(string Name, double RateRatio, bool IsReference);

/// <summary>What the controls need to know about the scenario as loaded, overrides applied.</summary>
public sealed record ScenarioFacts(
    string Name, string Description, string Reference, IReadOnlyList<GroupFact> Groups, IReadOnlyList<string> Regions,
    string Mechanism, double MissingShare, string? MissingSharePath, double? OfficerShare, bool HasMisclassification,
    IReadOnlyList<string> Detectors, IReadOnlyList<string> AllDetectors, ulong Seed, int Replicates, double Alpha);

/// <summary>One outcome of a judged row: how many of 100 audits reach it.</summary>
public sealed record OutcomeCount(string Outcome, string Label, int Per100);

/// <summary>A diagnosands.csv row: its cells exactly as the CSV holds them, and its plain words.</summary>
public sealed record ResultRow(
    string Detector, string Group, string Attribute, IReadOnlyList<string> Cells, IReadOnlyList<OutcomeCount>? Outcomes, string? Sentence);

public sealed record RunResponse(
    ScenarioFacts Scenario, ulong Seed, int Replicates, string Command, IReadOnlyList<string> Columns, IReadOnlyList<ResultRow> Rows,
    string Verdict, IReadOnlyList<string> Findings, IReadOnlyList<string> Warnings, double ExpectedMissingShare, double ElapsedMs);

/// <summary>One point of the power curve: the share of audits correct (with its Monte Carlo SE), or null where the
/// scenario cannot reach that missing share.</summary>
public sealed record PowerPoint(double MissingShare, double? Correct, double? CorrectSe, double? FlagRate);

public sealed record PowerSeries(string Group, double TrueRateRatio, bool HasEffect, IReadOnlyList<PowerPoint> Points);

public sealed record PowerResponse(string Detector, int Replicates, ulong Seed, IReadOnlyList<double> Shares, IReadOnlyList<PowerSeries> Series,
    IReadOnlyList<string> Unreachable, double ElapsedMs);

public sealed record ScenarioListItem(string Name, string Description);

public sealed record ErrorResponse(IReadOnlyList<string> Errors);

/// <summary>Source-generated JSON: no reflection, so the explorer stays trimmable and AOT-compatible.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(RunResponse))]
[JsonSerializable(typeof(PowerResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(IReadOnlyList<ScenarioListItem>))]
internal sealed partial class ExplorerJson : JsonSerializerContext;
