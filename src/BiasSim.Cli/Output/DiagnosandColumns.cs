using System.Globalization;
using BiasSim.Core.Diagnosands;

namespace BiasSim.Cli.Output;

/// <summary>
/// The diagnosand columns, in order. Their names are a public contract (users' scripts read them):
/// add columns, never rename or reorder existing ones.
/// </summary>
internal static class DiagnosandColumns
{
    /// <summary>A column: its name, its value in a row, and how its text (never empty) sets it in a row being read back.</summary>
    public sealed record Column(string Name, Func<DiagnosandRow, object?> Value, Func<DiagnosandRow, string, DiagnosandRow> Set);

    public static readonly IReadOnlyList<Column> All =
    [
        new("detector", r => r.Detector, (r, t) => r with { Detector = t }),
        new("group", r => r.Group, (r, t) => r with { Group = t }),
        new("true_rate_ratio", r => r.TrueRateRatio, (r, t) => r with { TrueRateRatio = N(t) }),
        new("replicates", r => r.Replicates, (r, t) => r with { Replicates = (long)(N(t) ?? 0) }),
        new("flag_rate", r => r.FlagRate, (r, t) => r with { FlagRate = N(t) ?? 0 }),
        new("flag_rate_se", r => r.FlagRateSe, (r, t) => r with { FlagRateSe = N(t) ?? 0 }),
        new("flag_up_rate", r => r.FlagUpRate, (r, t) => r with { FlagUpRate = N(t) }),
        new("flag_down_rate", r => r.FlagDownRate, (r, t) => r with { FlagDownRate = N(t) }),
        new("mean_estimate", r => r.MeanEstimate, (r, t) => r with { MeanEstimate = N(t) }),
        new("mean_log_estimate", r => r.MeanLogEstimate, (r, t) => r with { MeanLogEstimate = N(t) }),
        new("bias_log", r => r.BiasLog, (r, t) => r with { BiasLog = N(t) }),
        new("rmse_log", r => r.RmseLog, (r, t) => r with { RmseLog = N(t) }),
        new("coverage", r => r.Coverage, (r, t) => r with { Coverage = N(t) }),
        new("mean_lower", r => r.MeanLower, (r, t) => r with { MeanLower = N(t) }),
        new("mean_upper", r => r.MeanUpper, (r, t) => r with { MeanUpper = N(t) }),
        new("mean_ci_width", r => r.MeanCiWidth, (r, t) => r with { MeanCiWidth = N(t) }),
        new("type_s_rate", r => r.TypeSRate, (r, t) => r with { TypeSRate = N(t) }),
        new("exaggeration_ratio", r => r.ExaggerationRatio, (r, t) => r with { ExaggerationRatio = N(t) }),
        new("not_estimable_rate", r => r.NotEstimableRate, (r, t) => r with { NotEstimableRate = N(t) ?? 0 }),
        // Monte Carlo standard errors and counts, after the contract columns above.
        new("estimable", r => r.Estimable, (r, t) => r with { Estimable = (long)(N(t) ?? 0) }),
        new("flag_up_rate_se", r => r.FlagUpRateSe, (r, t) => r with { FlagUpRateSe = N(t) }),
        new("flag_down_rate_se", r => r.FlagDownRateSe, (r, t) => r with { FlagDownRateSe = N(t) }),
        new("mean_estimate_se", r => r.MeanEstimateSe, (r, t) => r with { MeanEstimateSe = N(t) }),
        new("mean_log_estimate_se", r => r.MeanLogEstimateSe, (r, t) => r with { MeanLogEstimateSe = N(t) }),
        new("bias_log_se", r => r.BiasLogSe, (r, t) => r with { BiasLogSe = N(t) }),
        new("rmse_log_se", r => r.RmseLogSe, (r, t) => r with { RmseLogSe = N(t) }),
        new("coverage_se", r => r.CoverageSe, (r, t) => r with { CoverageSe = N(t) }),
        new("mean_ci_width_se", r => r.MeanCiWidthSe, (r, t) => r with { MeanCiWidthSe = N(t) }),
        new("type_s_rate_se", r => r.TypeSRateSe, (r, t) => r with { TypeSRateSe = N(t) }),
        new("exaggeration_ratio_se", r => r.ExaggerationRatioSe, (r, t) => r with { ExaggerationRatioSe = N(t) }),
        new("not_estimable_rate_se", r => r.NotEstimableRateSe, (r, t) => r with { NotEstimableRateSe = N(t) ?? 0 }),
        new("attribute", r => r.Attribute, (r, t) => r with { Attribute = t }),
        // What each audit concluded (see AuditOutcome): shares of all replicates, empty where the outcome does not apply.
        new("correct_rate", r => r.CorrectRate, (r, t) => r with { CorrectRate = N(t) }),
        new("correct_rate_se", r => r.CorrectRateSe, (r, t) => r with { CorrectRateSe = N(t) }),
        new("misestimated_rate", r => r.MisestimatedRate, (r, t) => r with { MisestimatedRate = N(t) }),
        new("misestimated_rate_se", r => r.MisestimatedRateSe, (r, t) => r with { MisestimatedRateSe = N(t) }),
        new("wrong_direction_rate", r => r.WrongDirectionRate, (r, t) => r with { WrongDirectionRate = N(t) }),
        new("wrong_direction_rate_se", r => r.WrongDirectionRateSe, (r, t) => r with { WrongDirectionRateSe = N(t) }),
        new("missed_rate", r => r.MissedRate, (r, t) => r with { MissedRate = N(t) }),
        new("missed_rate_se", r => r.MissedRateSe, (r, t) => r with { MissedRateSe = N(t) }),
        new("false_alarm_rate", r => r.FalseAlarmRate, (r, t) => r with { FalseAlarmRate = N(t) }),
        new("false_alarm_rate_se", r => r.FalseAlarmRateSe, (r, t) => r with { FalseAlarmRateSe = N(t) }),
        new("true_difference", r => r.TrueDifference, (r, t) => r with { TrueDifference = B(t) }),
        new("dropped_draw_share", r => r.DroppedDrawShare, (r, t) => r with { DroppedDrawShare = N(t) }),
        new("dropped_draw_replicate_rate", r => r.DroppedDrawReplicateRate, (r, t) => r with { DroppedDrawReplicateRate = N(t) }),
    ];

    /// <summary>The column names, in order: every table's header after its own leading columns.</summary>
    public static IEnumerable<string> Names => All.Select(c => c.Name);

    /// <summary>A row's cells, in column order, as every CSV table and the explorer write them.</summary>
    public static IEnumerable<string> Cells(DiagnosandRow row) => All.Select(c => Format(c.Value(row)));

    /// <summary>The columns a row cannot be read without.</summary>
    private static readonly string[] Required = ["detector", "group", "flag_rate"];

    /// <summary>A row from its cells' text by column name (null or "" where absent), as summary.json and the CSV hold them.</summary>
    /// <exception cref="FormatException">A required column is missing.</exception>
    public static DiagnosandRow Read(Func<string, string?> text)
    {
        foreach (string name in Required)
        {
            string? cell = text(name);
            if (string.IsNullOrEmpty(cell) || (name == "flag_rate" && N(cell) is null))
            {
                throw new FormatException($"has no {(name == "flag_rate" ? "number" : "value")} in '{name}', expected a BiasSim diagnosand row");
            }
        }
        var row = new DiagnosandRow { Detector = "", Group = "" };
        foreach (Column column in All)
        {
            if (text(column.Name) is { Length: > 0 } cell) row = column.Set(row, cell);
        }
        return row;
    }

    private static double? N(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) ? d : null;

    private static bool? B(string text) => text switch { "true" => true, "false" => false, _ => null };

    /// <summary>Round-trip invariant formatting: the same double always prints the same way on every machine.</summary>
    public static string Format(object? value) => value switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        string s => s,
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
