using System.Collections.Immutable;
using System.Text.Json;
using BiasSim.Cli.Results;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;

namespace BiasSim.Cli.Output;

/// <summary>Everything needed to reproduce and read a run, as JSON: the validated scenario, seed, replicates,
/// version, elapsed time and the diagnosand rows (same column names as the CSV).</summary>
internal static class SummaryJson
{
    public sealed record RunInfo(string ScenarioFile, ulong Seed, int Replicates, int Threads, double ElapsedSeconds, IReadOnlyList<string> Warnings)
    {
        /// <summary>The <c>--set path=value</c> overrides applied on top of the scenario file, in order.</summary>
        public IReadOnlyList<string> Overrides { get; init; } = [];
    }

    public static string Render(Scenario scenario, SimulationResult result, RunInfo info) =>
        ResultsJson.Serialize(Build(scenario, result, info), ResultsJson.Default.RunSummary);

    /// <summary>The typed results of a run, as summary.json holds them.</summary>
    public static RunSummary Build(Scenario scenario, SimulationResult result, RunInfo info) => new()
    {
        Version = VersionInfo.Version,
        ScenarioFile = info.ScenarioFile,
        Overrides = [.. info.Overrides],
        Seed = info.Seed,
        Replicates = info.Replicates,
        CompletedReplicates = result.CompletedReplicates,
        Partial = result.Partial,
        Threads = info.Threads,
        ElapsedSeconds = Math.Round(info.ElapsedSeconds, 3),
        Data = new RunData
        {
            ExpectedMissingShare = result.ExpectedMissingShare,
            MeanMissingShare = result.MeanMissingShare,
            MeanMissingShareSe = result.MeanMissingShareSe,
            TrueRateRatios = new([.. scenario.Population.Groups.Take(result.TrueRateRatios.Length)
                .Select((g, i) => KeyValuePair.Create(g.Name, result.TrueRateRatios[i]))]),
        },
        Warnings = [.. info.Warnings],
        Scenario = JsonValues.Build(w => WriteScenario(w, scenario)),
        Rows = result.Rows,
    };

    /// <summary>The scenario as validated, with the same keys as the YAML file (plus what validation resolved,
    /// such as the calibration shift).</summary>
    private static void WriteScenario(Utf8JsonWriter w, Scenario s)
    {
        w.WriteStartObject();
        w.WriteString("name", s.Name);
        w.WriteString("description", s.Description);
        w.WriteNumber("seed", s.Seed);
        w.WriteStartObject("population");
        w.WriteString("reference", s.Population.Reference);
        if (s.Population.HasRegions)
        {
            w.WriteStartObject("regions");
            foreach (Region region in s.Population.Regions)
            {
                w.WriteStartObject(region.Name);
                for (int g = 0; g < s.Population.Groups.Length; g++) w.WriteNumber(s.Population.Groups[g].Name, region.Census[g]);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteStartObject("groups");
        foreach (PopulationGroup g in s.Population.Groups) w.WriteNumber(g.Name, g.Census);
        w.WriteEndObject();
        if (s.Population.Attributes.Length > 0)
        {
            w.WriteStartObject("attributes");
            foreach (ProtectedAttribute a in s.Population.Attributes)
            {
                w.WriteStartObject(a.Name);
                w.WriteString("reference", a.Reference);
                w.WriteStartObject("by_group");
                for (int g = 0; g < s.Population.Groups.Length; g++) WriteShares(w, s.Population.Groups[g].Name, a.Levels, a.SharesByGroup[g]);
                w.WriteEndObject();
                w.WriteStartObject("census");
                foreach (PopulationGroup level in a.AsPopulation(s.Population).Groups) w.WriteNumber(level.Name, level.Census);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();

        w.WriteStartObject("referrals");
        if (s.Referrals.BaseRate is double baseRate) w.WriteNumber("base_rate", baseRate);
        if (s.Referrals.Total is long total) w.WriteNumber("total", total);
        w.WriteStartObject("rate_ratios");
        foreach (PopulationGroup g in s.Population.Groups) w.WriteNumber(g.Name, s.Referrals.RateRatio(g.Name));
        w.WriteEndObject();
        if (!s.Referrals.RateRatiosByRegion.IsEmpty)
        {
            w.WriteStartObject("rate_ratios_by_region");
            foreach (Region region in s.Population.Regions.Where(x => s.Referrals.RateRatiosByRegion.ContainsKey(x.Name)))
            {
                WriteNumbers(w, region.Name, s.Referrals.RateRatiosByRegion[region.Name]);
            }
            w.WriteEndObject();
        }
        if (s.Referrals.Covariates.Length > 0)
        {
            w.WriteStartObject("covariates");
            foreach (Covariate c in s.Referrals.Covariates)
            {
                w.WriteStartObject(c.Name);
                WriteShares(w, "levels", c.Levels, c.Shares);
                if (!c.SharesByGroup.IsEmpty)
                {
                    w.WriteStartObject("by_group");
                    foreach (var (group, shares) in c.SharesByGroup.OrderBy(kv => s.Population.IndexOf(kv.Key))) WriteShares(w, group, c.Levels, shares);
                    w.WriteEndObject();
                }
                if (!c.SharesByRegion.IsEmpty)
                {
                    w.WriteStartObject("by_region");
                    foreach (var (region, shares) in c.SharesByRegion.OrderBy(kv => s.Population.RegionIndex(kv.Key))) WriteShares(w, region, c.Levels, shares);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }

        if (!s.Referrals.AttributeRateRatios.IsEmpty)
        {
            w.WriteStartObject("attributes");
            foreach (var (name, ratios) in s.Referrals.AttributeRateRatios.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.WriteStartObject(name);
                WriteNumbers(w, "rate_ratios", ratios);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();

        w.WriteStartObject("recording");
        WriteMissing(w, s.Recording.Missing, s.Population, s.Referrals);
        if (s.Recording.Misclassification is { } mis) WriteMisclassification(w, mis, s.Population, s.Recording.ValidationShare);
        if (!s.Recording.Attributes.IsEmpty)
        {
            w.WriteStartObject("attributes");
            foreach (ProtectedAttribute a in s.Population.Attributes)
            {
                AttributeRecording recording = s.Recording.Attributes[a.Name];
                Population view = a.AsPopulation(s.Population);
                w.WriteStartObject(a.Name);
                WriteMissing(w, recording.Missing, view, s.Referrals);
                if (recording.Misclassification is { } m) WriteMisclassification(w, m, view);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();

        w.WriteStartArray("detectors");
        foreach (string d in s.Detectors) WriteDetector(w, s.DetectorSpec(d));
        w.WriteEndArray();
        w.WriteStartObject("simulation");
        w.WriteNumber("replicates", s.Simulation.Replicates);
        w.WriteNumber("alpha", s.Simulation.Alpha);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>A detector as the scenario file would write it: its name, or {name: {options}} when it has any.</summary>
    private static void WriteDetector(Utf8JsonWriter w, DetectorSpec spec)
    {
        var defaults = new DetectorSpec(spec.Name);
        bool plain = spec.By is null && spec.Adjust == Adjustment.None && spec.ValidationShare is null && spec.Imputations == defaults.Imputations;
        if (plain)
        {
            w.WriteStringValue(spec.Name);
            return;
        }
        w.WriteStartObject();
        w.WriteStartObject(spec.Name);
        if (spec.By is not null) w.WriteString("by", spec.By);
        bool draws = spec.Name is "multiple-imputation" || spec.ValidationShare is not null || spec.Imputations != defaults.Imputations;
        if (draws) w.WriteNumber("m", spec.Imputations);
        if (spec.Adjust != Adjustment.None) w.WriteString("adjust", spec.Adjust.ToString().ToLowerInvariant());
        if (spec.ValidationShare is double v) w.WriteNumber("validation_share", v);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteMisclassification(Utf8JsonWriter w, Misclassification mis, Population population, double? validationShare = null)
    {
        w.WriteStartObject("misclassification");
        if (mis.NamedMatrix is not null) w.WriteString("matrix_name", mis.NamedMatrix);
        w.WriteStartObject("matrix");
        for (int g = 0; g < population.Groups.Length; g++) WriteShares(w, population.Groups[g].Name, mis.Categories, mis.Matrix[g]);
        w.WriteEndObject();
        w.WriteStartObject("assigned_by");
        w.WriteNumber("officer", mis.OfficerShare);
        w.WriteNumber("self", 1 - mis.OfficerShare);
        w.WriteEndObject();
        if (validationShare is double v) w.WriteNumber("validation_share", v);
        w.WriteEndObject();
    }

    private static void WriteMissing(Utf8JsonWriter w, MissingnessMechanism m, Population population, ReferralProcess referrals)
    {
        w.WriteStartObject("missing");
        w.WriteString("mechanism", m.Name);
        switch (m)
        {
            case McarMissingness mcar:
                w.WriteNumber("share", mcar.Share);
                break;
            case MnarMissingness mnar:
                WriteShares(w, "share_by_group", [.. population.Groups.Select(g => g.Name)], mnar.ShareByGroup);
                break;
            case MarMissingness mar:
                w.WriteString("by", mar.By);
                ImmutableArray<string> levels = mar.CovariateIndex == MarMissingness.RegionIndex
                    ? [.. population.Regions.Select(x => x.Name)]
                    : referrals.Covariates[mar.CovariateIndex].Levels;
                WriteShares(w, "share", levels, mar.ShareByLevel);
                break;
            case LogisticMissingness logistic:
                w.WriteNumber("intercept", logistic.Intercept);
                w.WriteStartObject("coefficients");
                foreach (LogisticTerm term in logistic.Terms) w.WriteNumber(term.Key, term.Coefficient);
                w.WriteEndObject();
                break;
        }
        if (m.Trend != 0) w.WriteNumber("trend", m.Trend);
        if (m.TargetShare is double target)
        {
            w.WriteNumber("target_share", target);
            w.WriteNumber("calibration_shift", m.CalibrationShift);
        }
        w.WriteEndObject();
    }

    private static void WriteShares(Utf8JsonWriter w, string name, IReadOnlyList<string> keys, IReadOnlyList<double> values)
    {
        w.WriteStartObject(name);
        for (int i = 0; i < keys.Count; i++) w.WriteNumber(keys[i], values[i]);
        w.WriteEndObject();
    }

    private static void WriteNumbers(Utf8JsonWriter w, string name, ImmutableDictionary<string, double> values)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in values.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteNumber(k, v);
        w.WriteEndObject();
    }
}
