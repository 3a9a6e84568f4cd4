using System.Globalization;
using BiasSim.Core.Detectors;

namespace BiasSim.Cli.Plots;

/// <summary>Plain-language names for detectors and swept parameters, shared by the plots and the report.</summary>
internal static class Labels
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Detector(string detector, string reference) =>
        DetectorCatalog.Find(detector)?.Label(reference) ?? detector;

    /// <summary>A diagnosand row's group in words: the chi-square row covers all groups; the family-wise row counts audits
    /// that flag any group whose true rate ratio is 1.</summary>
    public static string Group(string group) => group switch
    {
        "all" => "All groups",
        Core.Simulation.MonteCarloRunner.FamilyWiseTarget => "Any group at RR 1 (family-wise)",
        _ => group,
    };

    /// <summary>Whether the detector's estimates are rate ratios between groups (the missing-share detector compares
    /// recording across strata instead), so they belong on a rate-ratio axis.</summary>
    public static bool EstimatesRateRatios(string detector) => detector != MissingShareDetector.DetectorName;

    /// <summary>A category tick label: the family-wise row on two lines; with many categories, long names wrapped at spaces.</summary>
    public static string GroupTick(string group, bool crowded) => group switch
    {
        Core.Simulation.MonteCarloRunner.FamilyWiseTarget => "Any group at RR 1\n(family-wise)",
        _ when crowded && group.Length > 9 => Group(group).Replace(' ', '\n'),
        _ => Group(group),
    };

    public static bool IsSummaryRow(string group) => group is "all" or Core.Simulation.MonteCarloRunner.FamilyWiseTarget;

    /// <summary>The axis label for a swept dot path, with its unit.</summary>
    public static string Parameter(string path, string reference)
    {
        string[] parts = path.Split('.');
        return path switch
        {
            "recording.missing.share" or "recording.missing.target_share" or "expected_missing_share" => "Share of ethnicity unrecorded (%)",
            "recording.misclassification.assigned_by.officer" => "Share of recorded ethnicity assigned by officers (%)",
            "recording.misclassification.assigned_by.self" => "Share of recorded ethnicity self-defined (%)",
            "recording.missing.trend" => "Trend in missingness (log-odds a year)",
            "referrals.total" => "Referrals in total (count)",
            "referrals.base_rate" => "Referral probability per person, reference group",
            "simulation.alpha" => "Significance level alpha (%)",
            "simulation.replicates" => "Simulated audits (replicates)",
            _ when parts.Length == 3 && parts[0] == "referrals" && parts[1] == "rate_ratios" =>
                $"True rate ratio, {parts[2]} vs {(reference.Length > 0 ? reference : "reference")} (x)",
            _ when parts.Length == 4 && parts[0] == "recording" && parts[1] == "missing" && parts[2] == "share_by_group" =>
                $"Share of {parts[3]} ethnicity unrecorded (%)",
            _ => path,
        };
    }

    /// <summary>Whether the parameter is a share or probability best shown as a percentage.</summary>
    public static bool IsPercent(string path) =>
        path.EndsWith("share", StringComparison.Ordinal) || path.Contains(".share", StringComparison.Ordinal) ||
        path.Contains("share_by", StringComparison.Ordinal) || path == "simulation.alpha" || path.Contains("assigned_by", StringComparison.Ordinal);

    /// <summary>The parameter on its axis scale (x 100 for shares).</summary>
    public static double Scale(string path, double value) => IsPercent(path) ? 100 * value : value;

    /// <summary>The parameter's value in words: "64.7%" for a share, "1.3" otherwise; the raw text when not a number.</summary>
    public static string Value(string path, string raw)
    {
        if (!double.TryParse(raw, NumberStyles.Float, Inv, out double v)) return raw;
        return IsPercent(path) ? (100 * v).ToString("0.#", Inv) + "%" : v.ToString("#,0.####", Inv);
    }
}
