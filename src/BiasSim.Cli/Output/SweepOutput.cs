using System.Globalization;
using System.Text;
using System.Text.Json;
using BiasSim.Cli.Sweeps;
using BiasSim.Core.Diagnosands;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;

namespace BiasSim.Cli.Output;

/// <summary>One simulated design point of a sweep.</summary>
internal sealed record SweepPointResult(SweepPoint Point, Scenario Scenario, RunSettings Settings, SimulationResult Result, double ElapsedSeconds);

/// <summary>What <c>biassim sweep</c> writes: sweep.csv, summary.json and the table on stdout.</summary>
internal static class SweepOutput
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Points printed in full before the table is cut short (the CSV always has them all).</summary>
    private const int MaxPrintedPoints = 40;

    /// <summary>The run's settings as summary.json records them.</summary>
    public sealed record SweepInfo(string ScenarioFile, ulong? Seed, int? Replicates, int Threads, double ElapsedSeconds, IReadOnlyList<string> Warnings)
    {
        /// <summary>Design points not run (Ctrl+C): the sweep is partial, and 'sweep --resume' finishes it.</summary>
        public int MissingPoints { get; init; }
    }

    /// <summary>sweep.csv: one column per swept parameter (named by its path), then every diagnosand column;
    /// one row per design point x detector x group.</summary>
    public static string Csv(SweepPlan plan, IReadOnlyList<SweepPointResult> points)
    {
        var sb = new StringBuilder();
        Output.Csv.AppendRow(sb, plan.Parameters.Select(p => p.Path).Concat(DiagnosandColumns.All.Select(c => c.Name)));
        foreach (SweepPointResult point in points)
        {
            foreach (DiagnosandRow row in point.Result.Rows)
            {
                Output.Csv.AppendRow(sb, point.Point.Values.Concat(DiagnosandColumns.All.Select(c => DiagnosandColumns.Format(c.Value(row)))));
            }
        }
        return sb.ToString();
    }

    public static string Json(SweepPlan plan, IReadOnlyList<SweepPointResult> points, SweepInfo info)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("tool", "biassim");
            w.WriteString("command", "sweep");
            w.WriteString("version", VersionInfo.Version);
            w.WriteString("scenario_file", info.ScenarioFile);
            w.WriteStartArray("overrides");
            foreach (string o in CliOverrides.Describe(plan.FixedOverrides)) w.WriteStringValue(o);
            w.WriteEndArray();
            w.WriteStartArray("parameters");
            foreach (SweepParameter p in plan.Parameters)
            {
                w.WriteStartObject();
                w.WriteString("path", p.Path);
                w.WriteStartArray("values");
                foreach (string v in p.Values) WriteValue(w, null, v);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("design_points", points.Count);
            // Every point reuses the same replicate seeds (design point 0): differences between points are not Monte Carlo noise.
            w.WriteBoolean("common_random_numbers", true);
            if (info.Seed is ulong seed) w.WriteNumber("seed", seed); else w.WriteNull("seed");
            if (info.Replicates is int reps) w.WriteNumber("replicates", reps); else w.WriteNull("replicates");
            w.WriteNumber("threads", info.Threads);
            w.WriteNumber("elapsed_seconds", Math.Round(info.ElapsedSeconds, 3));
            w.WriteBoolean("partial", info.MissingPoints > 0 || points.Any(p => p.Result.Partial));
            w.WriteNumber("missing_points", info.MissingPoints);
            w.WriteStartArray("warnings");
            foreach (string warning in info.Warnings) w.WriteStringValue(warning);
            w.WriteEndArray();
            w.WriteStartArray("points");
            foreach (SweepPointResult point in points)
            {
                w.WriteStartObject();
                w.WriteNumber("index", point.Point.Index);
                w.WriteStartObject("values");
                for (int p = 0; p < plan.Parameters.Length; p++) WriteValue(w, plan.Parameters[p].Path, point.Point.Values[p]);
                w.WriteEndObject();
                w.WriteStartArray("overrides");
                foreach (string o in CliOverrides.Describe(point.Point.Overrides)) w.WriteStringValue(o);
                w.WriteEndArray();
                w.WriteString("name", point.Scenario.Name);
                w.WriteNumber("seed", point.Settings.Seed);
                w.WriteNumber("replicates", point.Settings.Replicates);
                w.WriteNumber("completed_replicates", point.Result.CompletedReplicates);
                w.WriteNumber("elapsed_seconds", Math.Round(point.ElapsedSeconds, 3));
                w.WriteNumber("expected_missing_share", point.Result.ExpectedMissingShare);
                w.WriteNumber("mean_missing_share", point.Result.MeanMissingShare);
                w.WriteNumber("mean_missing_share_se", point.Result.MeanMissingShareSe);
                w.WriteStartArray("rows");
                foreach (DiagnosandRow row in point.Result.Rows) SummaryJson.WriteRow(w, row);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>A value as a JSON number when it is one, else as the YAML text written.</summary>
    private static void WriteValue(Utf8JsonWriter w, string? name, string value)
    {
        bool number = double.TryParse(value, NumberStyles.Float, Inv, out double d) && double.IsFinite(d);
        if (name is not null) w.WritePropertyName(name);
        if (number) w.WriteNumberValue(d); else w.WriteStringValue(value);
    }

    /// <summary>The console table: one line per design point, one column per detector and group, holding the flag rate
    /// (power, or false-alarm rate at a true RR of 1) with its Monte Carlo SE. Long grids are cut in the middle.</summary>
    public static string Render(SweepPlan plan, IReadOnlyList<SweepPointResult> points, SweepInfo info, string outputFolder)
    {
        var sb = new StringBuilder();
        SweepPointResult first = points[0];
        int[] reps = [.. points.Select(p => p.Settings.Replicates).Distinct()];
        string replicates = reps.Length == 1 ? string.Create(Inv, $"{reps[0]:N0} replicates each") : "replicates varying by point";
        string seeds = points.Select(p => p.Settings.Seed).Distinct().Count() == 1 ? string.Create(Inv, $"seed {first.Settings.Seed}")
            : "seeds varying by point";
        sb.Append(Inv,
            $"{first.Scenario.Name}: sweep of {points.Count:N0} design point(s) x {replicates}, {seeds}, {info.ElapsedSeconds:0.00} s on {info.Threads} " +
            $"thread(s)\n");
        sb.Append("Common random numbers: every point reuses the same replicate seeds, so a point equals `biassim run` with the same --set and seed.\n");
        foreach (SweepParameter p in plan.Parameters) sb.Append(Inv, $"Swept: {p.Path} = {Abbreviate(p.Values)} ({p.Values.Length} values)\n");
        foreach (ScenarioOverride o in plan.FixedOverrides) sb.Append(Inv, $"Fixed: {o.Path} = {o.Value}\n");

        // Rows can differ between points (a family-wise row exists only when every true rate ratio is 1): take them all.
        var keys = points.SelectMany(p => p.Result.Rows).Select(Key).Distinct().ToList();
        sb.Append("\nCorrect (flagged in the true direction with an interval holding the truth, or nothing flagged at a true RR of 1), ±MC SE, by design " +
            "point:\n");
        Table(r => r.CorrectRate is double c ? (r.NotEstimableRate >= 0.5 ? "not measurable" : ConsoleReport.RateWithError(c, r.CorrectRateSe, r.Replicates))
            : "not judged");
        sb.Append("\nFlagged as higher / lower (a flag is not a finding: see above for whether it was right):\n");
        Table(r => r.FlagUpRate is null ? $"{Pct(r.FlagRate)} (no direction)" : $"{Pct(r.FlagUpRate.Value)} / {Pct(r.FlagDownRate!.Value)}");

        void Table(Func<DiagnosandRow, string> cell)
        {
            var table = new TextTable([.. plan.Parameters.Select(p => p.Path), .. keys]);
            foreach (int i in PrintedIndices(points.Count))
            {
                if (i < 0)
                {
                    table.Add([.. Enumerable.Repeat("...", plan.Parameters.Length + keys.Count)]);
                    continue;
                }
                SweepPointResult point = points[i];
                var cells = new List<string>(point.Point.Values);
                foreach (string key in keys)
                {
                    DiagnosandRow? row = point.Result.Rows.FirstOrDefault(r => Key(r) == key);
                    cells.Add(row is null ? "-" : cell(row));
                }
                table.Add([.. cells]);
            }
            table.Render(sb);
        }
        if (points.Count > MaxPrintedPoints) sb.Append(Inv, $"  ({points.Count - MaxPrintedPoints:N0} design points not shown here: sweep.csv has them all)\n");
        foreach (string warning in info.Warnings) sb.Append("Warning: ").Append(warning).Append('\n');
        sb.Append(Inv, $"\nWrote {Path.Combine(outputFolder, "sweep.csv")} and {Path.Combine(outputFolder, "summary.json")}\n");
        return sb.ToString();
    }

    private static string Pct(double v) => (100 * v).ToString("0.0", Inv) + "%";

    private static string Key(DiagnosandRow r) =>
        r.Attribute == Population.Ethnicity ? $"{r.Detector} {r.Group}" : $"{r.Detector} {r.Attribute}:{r.Group}";

    /// <summary>Every index for a short grid; else the first ones, -1 for "...", and the last five.</summary>
    private static IEnumerable<int> PrintedIndices(int count)
    {
        if (count <= MaxPrintedPoints) return Enumerable.Range(0, count);
        return Enumerable.Range(0, MaxPrintedPoints - 5).Append(-1).Concat(Enumerable.Range(count - 5, 5));
    }

    private static string Abbreviate(IReadOnlyList<string> values) =>
        values.Count <= 8 ? string.Join(", ", values) : string.Join(", ", values.Take(3)) + ", ..., " + string.Join(", ", values.TakeLast(2));
}
