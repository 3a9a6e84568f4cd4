using System.Globalization;
using System.Text;
using BiasSim.Cli.Results;
using BiasSim.Core.Power;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli.Output;

/// <summary>What <c>biassim mdrr</c> writes: mdrr.csv, summary.json and a table with one plain sentence.</summary>
internal static class MdrrOutput
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public sealed record MdrrInfo(string ScenarioFile, ulong Seed, int Threads, double ElapsedSeconds, IReadOnlyList<string> Overrides);

    /// <summary>mdrr.csv's columns, in order (a public contract: add at the end, never rename or reorder), read from the
    /// typed summary whose JSON carries the same names.</summary>
    public static readonly IReadOnlyList<(string Name, Func<MdrrSummary, object?> Value)> Columns =
    [
        ("detector", s => s.Detector),
        ("group", s => s.Group),
        ("direction", s => s.Direction),
        ("power_target", s => s.PowerTarget),
        ("mdrr", s => s.Mdrr),
        ("mdrr_lower", s => s.MdrrLower),
        ("mdrr_upper", s => s.MdrrUpper),
        ("analytic_mdrr", s => s.AnalyticMdrr),
        ("replicates", s => s.Replicates),
        ("power_at_mdrr", s => s.PowerAtMdrr),
        ("power_at_mdrr_se", s => s.PowerAtMdrrSe),
        ("log_mdrr_se", s => s.LogMdrrSe),
        ("slope", s => s.Slope),
        ("evaluations", s => s.Evaluations),
        ("seed", s => s.Seed),
        ("expected_missing_share", s => s.ExpectedMissingShare),
    ];

    public static string Direction(FlagDirection d) => d == FlagDirection.Up ? "up" : "down";

    /// <summary>mdrr.csv for a grid of --set values: one column per swept parameter (named by its path), then the columns above.</summary>
    public static string GridCsv(MdrrGridSummary grid)
    {
        using var csv = new CsvText();
        csv.Row(grid.Parameters.Concat(Columns.Select(c => c.Name)));
        foreach (MdrrGridPoint point in grid.Points)
        {
            csv.Row(point.Values.Items.Select(kv => kv.Value).Concat(Columns.Select(c => Format(c.Value(point.Mdrr)))));
        }
        return csv.ToString();
    }

    /// <summary>summary.json for a grid: the shared settings, and each point's own MDRR summary with its parameter values.</summary>
    public static MdrrGridSummary BuildGrid(Scenario scenario, IReadOnlyList<string> parameters,
        IReadOnlyList<(IReadOnlyList<string> Values, Scenario Scenario, MdrrResult Result)> points, MdrrInfo info)
    {
        MdrrGridPoint Point((IReadOnlyList<string> Values, Scenario Scenario, MdrrResult Result) p) => new()
        {
            Values = new([.. parameters.Select((name, i) => KeyValuePair.Create(name, p.Values[i]))]),
            Mdrr = Build(p.Scenario, p.Result, info),
        };
        return new MdrrGridSummary
        {
            Version = VersionInfo.Version,
            ScenarioFile = info.ScenarioFile,
            ScenarioName = scenario.Name,
            Seed = info.Seed,
            ElapsedSeconds = Math.Round(info.ElapsedSeconds, 3),
            Parameters = [.. parameters],
            Points = [.. points.Select(Point)],
            Warnings = [.. points.SelectMany(p => p.Scenario.Warnings).Distinct()],
        };
    }

    public static string Csv(MdrrSummary summary)
    {
        using var csv = new CsvText();
        csv.Row(Columns.Select(c => c.Name));
        csv.Row(Columns.Select(c => Format(c.Value(summary))));
        return csv.ToString();
    }

    /// <summary>The typed results of one MDRR search, as summary.json holds them (the mdrr.csv columns among them).</summary>
    public static MdrrSummary Build(Scenario scenario, MdrrResult r, MdrrInfo info) => new()
    {
        Version = VersionInfo.Version,
        ScenarioFile = info.ScenarioFile,
        ScenarioName = scenario.Name,
        Overrides = [.. info.Overrides],
        Threads = info.Threads,
        ElapsedSeconds = Math.Round(info.ElapsedSeconds, 3),
        Alpha = scenario.Simulation.Alpha,
        Detector = r.Detector,
        Group = r.Group,
        Direction = Direction(r.Direction),
        PowerTarget = r.PowerTarget,
        Mdrr = r.Mdrr,
        MdrrLower = r.MdrrLower,
        MdrrUpper = r.MdrrUpper,
        AnalyticMdrr = r.AnalyticMdrr,
        Replicates = r.Replicates,
        PowerAtMdrr = r.PowerAtMdrr,
        PowerAtMdrrSe = r.PowerAtMdrrSe,
        LogMdrrSe = r.LogMdrrSe,
        Slope = r.Slope,
        Evaluations = r.Evaluations.Length,
        Seed = info.Seed,
        ExpectedMissingShare = r.ExpectedMissingShare,
        Failure = r.Failure,
        PowerCurve = [.. r.Evaluations.OrderBy(e => e.RateRatio).Select(e => new PowerCurvePoint(e.RateRatio, e.Power, e.PowerSe))],
        Warnings = scenario.Warnings,
    };

    /// <summary>One search's table and sentence; <paramref name="outputFolder"/> null leaves out the closing "Wrote" line (a
    /// grid says it once, after the last point).</summary>
    public static string Render(Scenario scenario, MdrrResult r, MdrrInfo info, string? outputFolder)
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
        if (outputFolder is not null) sb.Append('\n').Append(Wrote(outputFolder)).Append('\n');
        return sb.ToString();
    }

    public static string Wrote(string outputFolder) =>
        $"Wrote {Path.Combine(outputFolder, "mdrr.csv")} and {Path.Combine(outputFolder, "summary.json")}";

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
