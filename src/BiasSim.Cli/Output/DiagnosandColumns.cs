using System.Globalization;
using BiasSim.Core.Diagnosands;

namespace BiasSim.Cli.Output;

/// <summary>
/// The diagnosand columns, in order. Their names are a public contract (users' scripts read them):
/// add columns, never rename or reorder existing ones.
/// </summary>
internal static class DiagnosandColumns
{
    public sealed record Column(string Name, Func<DiagnosandRow, object?> Value);

    public static readonly IReadOnlyList<Column> All =
    [
        new("detector", r => r.Detector),
        new("group", r => r.Group),
        new("true_rate_ratio", r => r.TrueRateRatio),
        new("replicates", r => r.Replicates),
        new("flag_rate", r => r.FlagRate),
        new("flag_rate_se", r => r.FlagRateSe),
        new("flag_up_rate", r => r.FlagUpRate),
        new("flag_down_rate", r => r.FlagDownRate),
        new("mean_estimate", r => r.MeanEstimate),
        new("mean_log_estimate", r => r.MeanLogEstimate),
        new("bias_log", r => r.BiasLog),
        new("rmse_log", r => r.RmseLog),
        new("coverage", r => r.Coverage),
        new("mean_lower", r => r.MeanLower),
        new("mean_upper", r => r.MeanUpper),
        new("mean_ci_width", r => r.MeanCiWidth),
        new("type_s_rate", r => r.TypeSRate),
        new("exaggeration_ratio", r => r.ExaggerationRatio),
        new("not_estimable_rate", r => r.NotEstimableRate),
        // Monte Carlo standard errors and counts, after the contract columns above.
        new("estimable", r => r.Estimable),
        new("flag_up_rate_se", r => r.FlagUpRateSe),
        new("flag_down_rate_se", r => r.FlagDownRateSe),
        new("mean_estimate_se", r => r.MeanEstimateSe),
        new("mean_log_estimate_se", r => r.MeanLogEstimateSe),
        new("bias_log_se", r => r.BiasLogSe),
        new("rmse_log_se", r => r.RmseLogSe),
        new("coverage_se", r => r.CoverageSe),
        new("mean_ci_width_se", r => r.MeanCiWidthSe),
        new("type_s_rate_se", r => r.TypeSRateSe),
        new("exaggeration_ratio_se", r => r.ExaggerationRatioSe),
        new("not_estimable_rate_se", r => r.NotEstimableRateSe),
        new("attribute", r => r.Attribute),
        // What each audit concluded (see AuditOutcome): shares of all replicates, empty where the outcome does not apply.
        new("correct_rate", r => r.CorrectRate),
        new("correct_rate_se", r => r.CorrectRateSe),
        new("misestimated_rate", r => r.MisestimatedRate),
        new("misestimated_rate_se", r => r.MisestimatedRateSe),
        new("wrong_direction_rate", r => r.WrongDirectionRate),
        new("wrong_direction_rate_se", r => r.WrongDirectionRateSe),
        new("missed_rate", r => r.MissedRate),
        new("missed_rate_se", r => r.MissedRateSe),
        new("false_alarm_rate", r => r.FalseAlarmRate),
        new("false_alarm_rate_se", r => r.FalseAlarmRateSe),
        new("true_difference", r => r.TrueDifference),
        new("dropped_draw_share", r => r.DroppedDrawShare),
        new("dropped_draw_replicate_rate", r => r.DroppedDrawReplicateRate),
    ];

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
