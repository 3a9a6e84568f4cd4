using System.Globalization;
using System.Text;
using BiasSim.Cli.Results;
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

        /// <summary>The settings of a shard's partial sweep.csv, which has no summary.json of its own.</summary>
        public static SweepInfo Shard => new("", null, null, 0, 0, []);
    }

    /// <summary>sweep.csv: one column per swept parameter (named by its path), then every diagnosand column;
    /// one row per design point x detector x group.</summary>
    public static string Csv(SweepSummary summary)
    {
        using var csv = new CsvText();
        csv.Row(summary.Parameters.Select(p => p.Path).Concat(DiagnosandColumns.Names));
        foreach (SweepPointSummary point in summary.Points)
        {
            foreach (DiagnosandRow row in point.Rows)
            {
                csv.Row(point.Values.Items.Select(kv => kv.Value).Concat(DiagnosandColumns.Cells(row)));
            }
        }
        return csv.ToString();
    }

    public static string Json(SweepPlan plan, IReadOnlyList<SweepPointResult> points, SweepInfo info) =>
        ResultsJson.Serialize(Build(plan, points, info), ResultsJson.Default.SweepSummary);

    /// <summary>The typed results of a sweep, as summary.json holds them.</summary>
    public static SweepSummary Build(SweepPlan plan, IReadOnlyList<SweepPointResult> points, SweepInfo info) => new()
    {
        Version = VersionInfo.Version,
        ScenarioFile = info.ScenarioFile,
        Overrides = [.. CliOverrides.Describe(plan.FixedOverrides)],
        Parameters = [.. plan.Parameters.Select(p => new SweepParameterSummary { Path = p.Path, Values = [.. p.Values] })],
        DesignPoints = points.Count,
        Seed = info.Seed,
        Replicates = info.Replicates,
        Threads = info.Threads,
        ElapsedSeconds = Math.Round(info.ElapsedSeconds, 3),
        Partial = info.MissingPoints > 0 || points.Any(p => p.Result.Partial),
        MissingPoints = info.MissingPoints,
        Warnings = [.. info.Warnings],
        Points = [.. points.Select(point => new SweepPointSummary
        {
            Index = point.Point.Index,
            Values = new([.. plan.Parameters.Select((p, i) => KeyValuePair.Create(p.Path, point.Point.Values[i]))]),
            Overrides = [.. CliOverrides.Describe(point.Point.Overrides)],
            Name = point.Scenario.Name,
            Seed = point.Settings.Seed,
            Replicates = point.Settings.Replicates,
            CompletedReplicates = point.Result.CompletedReplicates,
            ElapsedSeconds = Math.Round(point.ElapsedSeconds, 3),
            ExpectedMissingShare = point.Result.ExpectedMissingShare,
            MeanMissingShare = point.Result.MeanMissingShare,
            MeanMissingShareSe = point.Result.MeanMissingShareSe,
            Rows = point.Result.Rows,
        })],
    };

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
