using System.Globalization;
using System.Text;
using System.Text.Json;
using BiasSim.Core.Power;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli.Output;

/// <summary>What <c>biassim mdrr</c> writes: mdrr.csv, summary.json and a table with one plain sentence.</summary>
internal static class MdrrOutput
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public sealed record MdrrInfo(string ScenarioFile, ulong Seed, int Threads, double ElapsedSeconds, IReadOnlyList<string> Overrides);

    /// <summary>mdrr.csv's columns, in order (a public contract: add at the end, never rename or reorder).</summary>
    public static readonly IReadOnlyList<(string Name, Func<MdrrResult, MdrrInfo, object?> Value)> Columns =
    [
        ("detector", (r, _) => r.Detector),
        ("group", (r, _) => r.Group),
        ("direction", (r, _) => Direction(r.Direction)),
        ("power_target", (r, _) => r.PowerTarget),
        ("mdrr", (r, _) => r.Mdrr),
        ("mdrr_lower", (r, _) => r.MdrrLower),
        ("mdrr_upper", (r, _) => r.MdrrUpper),
        ("analytic_mdrr", (r, _) => r.AnalyticMdrr),
        ("replicates", (r, _) => r.Replicates),
        ("power_at_mdrr", (r, _) => r.PowerAtMdrr),
        ("power_at_mdrr_se", (r, _) => r.PowerAtMdrrSe),
        ("log_mdrr_se", (r, _) => r.LogMdrrSe),
        ("slope", (r, _) => r.Slope),
        ("evaluations", (r, _) => r.Evaluations.Length),
        ("seed", (_, i) => i.Seed),
        ("expected_missing_share", (r, _) => r.ExpectedMissingShare),
    ];

    public static string Direction(FlagDirection d) => d == FlagDirection.Up ? "up" : "down";

    /// <summary>mdrr.csv for a grid of --set values: one column per swept parameter (named by its path), then the columns above.</summary>
    public static string GridCsv(IReadOnlyList<string> parameters, IReadOnlyList<(IReadOnlyList<string> Values, MdrrResult Result)> points, MdrrInfo info)
    {
        var sb = new StringBuilder();
        Output.Csv.AppendRow(sb, parameters.Concat(Columns.Select(c => c.Name)));
        foreach (var (values, result) in points)
        {
            Output.Csv.AppendRow(sb, values.Concat(Columns.Select(c => Format(c.Value(result, info)))));
        }
        return sb.ToString();
    }

    /// <summary>summary.json for a grid: the shared settings, and each point's own MDRR summary with its parameter values.</summary>
    public static string GridJson(Scenario scenario, IReadOnlyList<string> parameters,
        IReadOnlyList<(IReadOnlyList<string> Values, Scenario Scenario, MdrrResult Result)> points, MdrrInfo info)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("tool", "biassim");
            w.WriteString("command", "mdrr");
            w.WriteString("version", VersionInfo.Version);
            w.WriteString("scenario_file", info.ScenarioFile);
            w.WriteString("scenario_name", scenario.Name);
            w.WriteNumber("seed", info.Seed);
            w.WriteNumber("elapsed_seconds", Math.Round(info.ElapsedSeconds, 3));
            w.WriteStartArray("parameters");
            foreach (string p in parameters) w.WriteStringValue(p);
            w.WriteEndArray();
            w.WriteStartArray("points");
            foreach (var (values, pointScenario, result) in points)
            {
                w.WriteStartObject();
                w.WriteStartObject("values");
                for (int i = 0; i < parameters.Count; i++) w.WriteString(parameters[i], values[i]);
                w.WriteEndObject();
                w.WritePropertyName("mdrr");
                w.WriteRawValue(Json(pointScenario, result, info));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    public static string Csv(MdrrResult result, MdrrInfo info)
    {
        var sb = new StringBuilder();
        Output.Csv.AppendRow(sb, Columns.Select(c => c.Name));
        Output.Csv.AppendRow(sb, Columns.Select(c => Format(c.Value(result, info))));
        return sb.ToString();
    }

    public static string Json(Scenario scenario, MdrrResult result, MdrrInfo info)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("tool", "biassim");
            w.WriteString("command", "mdrr");
            w.WriteString("version", VersionInfo.Version);
            w.WriteString("scenario_file", info.ScenarioFile);
            w.WriteString("scenario_name", scenario.Name);
            w.WriteStartArray("overrides");
            foreach (string o in info.Overrides) w.WriteStringValue(o);
            w.WriteEndArray();
            w.WriteNumber("threads", info.Threads);
            w.WriteNumber("elapsed_seconds", Math.Round(info.ElapsedSeconds, 3));
            w.WriteNumber("alpha", scenario.Simulation.Alpha);
            // Common random numbers: every rate ratio tried reuses the same replicate seeds.
            w.WriteBoolean("common_random_numbers", true);
            foreach (var (name, value) in Columns)
            {
                switch (value(result, info))
                {
                    case null: w.WriteNull(name); break;
                    case double d: w.WriteNumber(name, d); break;
                    case int i: w.WriteNumber(name, i); break;
                    case ulong u: w.WriteNumber(name, u); break;
                    case object o: w.WriteString(name, Format(o)); break;
                }
            }
            if (result.Failure is null) w.WriteNull("failure"); else w.WriteString("failure", result.Failure);
            w.WriteStartArray("power_curve");
            foreach (PowerEvaluation e in result.Evaluations.OrderBy(e => e.RateRatio))
            {
                w.WriteStartObject();
                w.WriteNumber("rate_ratio", e.RateRatio);
                w.WriteNumber("power", e.Power);
                w.WriteNumber("power_se", e.PowerSe);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    public static string Render(Scenario scenario, MdrrResult r, MdrrInfo info, string outputFolder)
    {
        var sb = new StringBuilder();
        sb.Append(Inv,
            $"{scenario.Name}: minimum detectable rate ratio of {r.Group} vs {scenario.Population.Reference} ({r.Detector}, flagged " +
            $"{Direction(r.Direction)}), ")
          .Append(Inv, $"{r.Replicates:N0} replicates per rate ratio tried, seed {info.Seed}, {info.ElapsedSeconds:0.00} s on {info.Threads} thread(s)\n");
        sb.Append(Inv, $"Common random numbers: the {r.Evaluations.Length} rate ratios tried all reuse the same replicate seeds.\n\n");
        var table = new TextTable("target power", "MDRR", "95% MC interval", "power at MDRR (±MC SE)", "normal approx.", "runs");
        int d = Decimals(r);
        table.Add(Pct(r.PowerTarget), Rr(r.Mdrr, d), r.MdrrLower is null ? "-" : $"{Rr(r.MdrrLower, d)} to {Rr(r.MdrrUpper, d)}",
            r.PowerAtMdrr is double p ? $"{Pct(p)} (±{Pct(r.PowerAtMdrrSe ?? 0)})" : "-", Rr(r.AnalyticMdrr, d),
            r.Evaluations.Length.ToString(Inv));
        table.Render(sb);
        sb.Append("\nIn plain words:\n  ").Append(Sentence(scenario, r)).Append('\n');
        sb.Append(Inv, $"\nWrote {Path.Combine(outputFolder, "mdrr.csv")} and {Path.Combine(outputFolder, "summary.json")}\n");
        return sb.ToString();
    }

    /// <summary>"With 64.7% of ethnicity unrecorded, the smallest true over-referral of Black people that audits flag as
    /// over-referral in 80 of 100 is a rate ratio of 1.14 (95% MC interval 1.13 to 1.15)."</summary>
    public static string Sentence(Scenario scenario, MdrrResult r)
    {
        string missing = ConsoleReport.RecordingPhrase(scenario, r.ExpectedMissingShare);
        string kind = r.Direction == FlagDirection.Up ? "over-referral" : "under-referral";
        int per100 = (int)Math.Round(100 * r.PowerTarget, MidpointRounding.AwayFromZero);
        string lead = char.ToUpperInvariant(missing[0]) + missing[1..];
        if (r.Mdrr is not double mdrr)
        {
            return $"{lead}, no true {kind} of {r.Group} people was found that audits flag as {kind} in {per100} of 100: {r.Failure}.";
        }
        int decimals = Decimals(r);
        string interval = r.MdrrLower is double lo && r.MdrrUpper is double hi ? $" (95% MC interval {Rr(lo, decimals)} to {Rr(hi, decimals)})" : "";
        // A flag in the right direction is what MDRR counts, not a correct audit: the words say "flag", never "detect".
        return $"{lead}, the smallest true {kind} of {r.Group} people that audits flag as {kind} in {per100} of 100 is a rate ratio of " +
            $"{Rr(mdrr, decimals)}{interval}.";
    }

    /// <summary>Enough decimals that the ends of the Monte Carlo interval differ when printed.</summary>
    private static int Decimals(MdrrResult r) => Decimals(r.MdrrLower, r.MdrrUpper);

    /// <summary>
    /// The decimals an MDRR and both ends of its interval are printed with, everywhere (console, report, plots' alt text):
    /// 2, or the fewest up to 4 at which the two ends print differently, so a reader never sees "1.14 (1.14 to 1.14)".
    /// </summary>
    public static int Decimals(double? lower, double? upper)
    {
        if (lower is not double lo || upper is not double hi) return 2;
        for (int d = 2; d < MaxDecimals; d++)
        {
            if (Rr(lo, d) != Rr(hi, d)) return d;
        }
        return MaxDecimals;
    }

    private const int MaxDecimals = 4;

    /// <summary>An MDRR (or an interval end) to <paramref name="decimals"/> places; "-" when there is none.</summary>
    public static string Rr(double? v, int decimals) => v is double d ? d.ToString("0." + new string('0', decimals), Inv) : "-";

    private static string Format(object? value) => value switch
    {
        null => "",
        double d => d.ToString("R", Inv),
        _ => Convert.ToString(value, Inv) ?? "",
    };

    private static string Pct(double v) => (100 * v).ToString("0.0", Inv) + "%";
}
