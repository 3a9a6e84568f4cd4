using System.Text;
using System.Text.Json;
using BiasSim.Core.Diagnosands;
using BiasSim.Core.Engine;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli.Output;

/// <summary>Everything needed to reproduce and read a run, as JSON: the validated scenario, seed, replicates,
/// version, elapsed time and the diagnosand rows (same column names as the CSV).</summary>
public static class SummaryJson
{
    public sealed record RunInfo(string ScenarioFile, ulong Seed, int Replicates, int Threads, double ElapsedSeconds, IReadOnlyList<string> Warnings);

    public static string Render(Scenario scenario, SimulationResult result, RunInfo info)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("tool", "biassim");
            w.WriteString("version", VersionInfo.Version);
            w.WriteString("scenario_file", info.ScenarioFile);
            w.WriteNumber("seed", info.Seed);
            w.WriteNumber("replicates", info.Replicates);
            w.WriteNumber("completed_replicates", result.CompletedReplicates);
            w.WriteBoolean("partial", result.Partial);
            w.WriteNumber("threads", info.Threads);
            w.WriteNumber("elapsed_seconds", Math.Round(info.ElapsedSeconds, 3));
            w.WriteStartArray("warnings");
            foreach (string warning in info.Warnings) w.WriteStringValue(warning);
            w.WriteEndArray();
            w.WritePropertyName("scenario");
            WriteScenario(w, scenario);
            w.WriteStartArray("rows");
            foreach (DiagnosandRow row in result.Rows) WriteRow(w, row);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteRow(Utf8JsonWriter w, DiagnosandRow row)
    {
        w.WriteStartObject();
        foreach (DiagnosandColumns.Column column in DiagnosandColumns.All)
        {
            switch (column.Value(row))
            {
                case null: w.WriteNull(column.Name); break;
                case double d: w.WriteNumber(column.Name, d); break;
                case long l: w.WriteNumber(column.Name, l); break;
                case object o: w.WriteString(column.Name, DiagnosandColumns.Format(o)); break;
            }
        }
        w.WriteEndObject();
    }

    /// <summary>The scenario as validated, with the same keys as the YAML file.</summary>
    private static void WriteScenario(Utf8JsonWriter w, Scenario s)
    {
        w.WriteStartObject();
        w.WriteString("name", s.Name);
        w.WriteString("description", s.Description);
        w.WriteNumber("seed", s.Seed);
        w.WriteStartObject("population");
        w.WriteString("reference", s.Population.Reference);
        w.WriteStartObject("groups");
        foreach (PopulationGroup g in s.Population.Groups) w.WriteNumber(g.Name, g.Census);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("referrals");
        if (s.Referrals.BaseRate is double baseRate) w.WriteNumber("base_rate", baseRate);
        if (s.Referrals.Total is long total) w.WriteNumber("total", total);
        w.WriteStartObject("rate_ratios");
        foreach (PopulationGroup g in s.Population.Groups) w.WriteNumber(g.Name, s.Referrals.RateRatio(g.Name));
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("recording");
        w.WriteStartObject("missing");
        switch (s.Recording.Missing)
        {
            case McarMissingness mcar:
                w.WriteString("mechanism", "mcar");
                w.WriteNumber("share", mcar.Share);
                break;
            default:
                w.WriteString("mechanism", "none");
                break;
        }
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartArray("detectors");
        foreach (string d in s.Detectors) w.WriteStringValue(d);
        w.WriteEndArray();
        w.WriteStartObject("simulation");
        w.WriteNumber("replicates", s.Simulation.Replicates);
        w.WriteNumber("alpha", s.Simulation.Alpha);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
