using System.Globalization;
using BiasSim.Core.Detectors;
using BiasSim.Core.Diagnosands;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;

namespace BiasSim.Cli.Output;

/// <summary>
/// The plain words of every output (console, report, sweep, mdrr): what 100 audits would conclude, outcome by outcome.
/// A flag is not a finding: "detected" is said only of correct outcomes, and the sentences lead with the most
/// consequential outcome (wrong direction, false alarm, unmeasurable, misestimated, missed, then correct).
/// </summary>
internal static class Verdicts
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The outcomes in the order a reader needs them: the most consequential first.</summary>
    public static readonly IReadOnlyList<AuditOutcome> ByConsequence =
    [
        AuditOutcome.WrongDirection, AuditOutcome.FalseAlarm, AuditOutcome.NotEstimable,
        AuditOutcome.Misestimated, AuditOutcome.Missed, AuditOutcome.Correct,
    ];

    /// <summary>A row's share of replicates with <paramref name="outcome"/>, or null where that outcome is not reported.</summary>
    public static double? Share(DiagnosandRow r, AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Correct => r.CorrectRate,
        AuditOutcome.Misestimated => r.MisestimatedRate,
        AuditOutcome.WrongDirection => r.WrongDirectionRate,
        AuditOutcome.Missed => r.MissedRate,
        AuditOutcome.FalseAlarm => r.FalseAlarmRate,
        AuditOutcome.NotEstimable => r.CorrectRate is null ? null : r.NotEstimableRate,
        _ => null,
    };

    /// <summary>Whether a per-group row's truth is a real difference (rate ratio not 1 by <see cref="NullEffect"/>).</summary>
    public static bool HasEffect(DiagnosandRow r) => r.TrueDifference ?? (r.TrueRateRatio is double t && !NullEffect.IsNull(t));

    /// <summary>Whether the row's replicates were judged as outcomes (tipping-point's are not).</summary>
    public static bool IsJudged(DiagnosandRow r) => r.CorrectRate is not null;

    /// <summary>
    /// The outcomes as whole audits out of 100, by the largest-remainder method so they add up to exactly 100; an outcome
    /// that happened but rounds to 0 keeps 0 here and is called "fewer than 1" in words.
    /// </summary>
    public static IReadOnlyDictionary<AuditOutcome, int> Per100(DiagnosandRow r)
    {
        var shares = ByConsequence.Select(o => (Outcome: o, Share: Share(r, o) ?? 0)).ToList();
        var floors = shares.ToDictionary(s => s.Outcome, s => (int)Math.Floor(100 * s.Share + 1e-9));
        int left = 100 - floors.Values.Sum();
        foreach (var s in shares.OrderByDescending(s => 100 * s.Share - Math.Floor(100 * s.Share + 1e-9)).ThenBy(s => ByConsequence.IndexOf(s.Outcome)))
        {
            if (left <= 0) break;
            if (s.Share <= 0) continue;
            floors[s.Outcome]++;
            left--;
        }
        return floors;
    }

    /// <summary>The outcome most consequential among those in at least half the audits, else the most consequential that
    /// happened at all: what a row's sentence leads with and how rows are ordered.</summary>
    public static AuditOutcome Headline(DiagnosandRow r)
    {
        foreach (AuditOutcome o in ByConsequence)
        {
            if (Share(r, o) >= 0.5) return o;
        }
        foreach (AuditOutcome o in ByConsequence)
        {
            if (Share(r, o) > 0) return o;
        }
        return AuditOutcome.Correct;
    }

    /// <summary>One sentence about a per-group row, a journalist can quote: what 100 audits would conclude.</summary>
    public static string Sentence(DiagnosandRow r, Scenario scenario, double expectedMissingShare, string? reference = null)
    {
        string missing = Capitalise(ConsoleReport.RecordingPhrase(scenario, expectedMissingShare));
        reference ??= ReferenceOf(scenario, r.Attribute);
        double alpha = scenario.Simulation.Alpha;
        if (r.Group == MonteCarloRunner.FamilyWiseTarget)
        {
            return r.NotEstimableRate >= 0.5
                ? $"{missing}, the groups referred at the same rate as {reference} people cannot be measured in {Audits(r.NotEstimableRate, r.Replicates)} " +
                    "of 100 audits, so whether any would be wrongly flagged is unknown."
                : FamilyWise(r, missing, reference, alpha);
        }
        if (!IsJudged(r))
        {
            return $"{missing}, {r.Detector} flags {r.Group} in {Audits(r.FlagRate, r.Replicates)} of 100 audits (not a finding about the groups).";
        }
        var n = Per100(r);
        double truth = r.TrueRateRatio ?? 1;
        string about = HasEffect(r)
            ? $"true rate ratio {truth.ToString("0.##", Inv)}, a {(truth > 1 ? $"{Percent(truth - 1)} over-referral" : $"{Percent(1 - truth)} under-referral")}"
            : $"referred at the same rate as {reference} people";
        var parts = new List<string>();
        foreach (AuditOutcome o in ByConsequence)
        {
            double share = Share(r, o) ?? 0;
            if (share <= 0) continue;
            string count = n[o] > 0 ? n[o].ToString(Inv) : "fewer than 1";
            parts.Add(parts.Count == 0 ? $"{count} of 100 audits {Phrase(o, r, truth, alpha)}" : $"{count} {Phrase(o, r, truth, alpha)}");
        }
        return $"{missing}: for {r.Group} people ({about}), {Join(parts)}{SizeNote(r, truth)}.";
    }

    /// <summary>What the outcome means for this row, to follow "N" (of 100 audits).</summary>
    private static string Phrase(AuditOutcome o, DiagnosandRow r, double truth, double alpha) => o switch
    {
        AuditOutcome.WrongDirection => $"would flag it in the wrong direction (as {(truth > 1 ? "under" : "over")}-referral)",
        AuditOutcome.FalseAlarm => $"would wrongly flag a difference{Direction(r)} (a false alarm; alpha allows {(100 * alpha).ToString("0.#", Inv)})",
        AuditOutcome.NotEstimable => "could not measure the rate ratio at all (too few recorded referrals to compare)",
        AuditOutcome.Misestimated => $"would get the direction right but the size wrong (their interval excludes {truth.ToString("0.##", Inv)})",
        AuditOutcome.Missed => "would miss it (no significant difference)",
        AuditOutcome.Correct when r.MissedRate is null && r.FalseAlarmRate is null => "would be correct",
        AuditOutcome.Correct => HasEffect(r)
            ? "would detect it correctly (right direction, interval holding the true rate ratio)"
            : "would correctly find no difference",
        _ => o.ToString(),
    };

    /// <summary>When the estimates are far off on average (more than 10% on the ratio scale), say where they land.</summary>
    private static string SizeNote(DiagnosandRow r, double truth) =>
        r.BiasLog is double bias && Math.Abs(bias) > Math.Log(1.1) && r.MeanEstimate is double mean
            ? string.Create(Inv, $"; on average the audits put the rate ratio at {mean:0.##} instead of {truth:0.##}")
            : "";

    /// <summary>" as under-referral": which way a row's flags went, when they all went one way.</summary>
    private static string Direction(DiagnosandRow r) => (r.FlagUpRate, r.FlagDownRate) switch
    {
        ( > 0, > 0) => "",
        ( > 0, _) => " as over-referral",
        (_, > 0) => " as under-referral",
        _ => "",
    };

    private static string FamilyWise(DiagnosandRow r, string missing, string reference, double alpha)
    {
        string direction = (r.FlagUpRate, r.FlagDownRate) switch
        {
            ( > 0, > 0) => string.Create(Inv,
                $" (flagged as over-referral in {Audits(r.FlagUpRate!.Value, r.Replicates)}, as under-referral in " +
                $"{Audits(r.FlagDownRate!.Value, r.Replicates)})"),
            ( > 0, _) => " (all flagged as over-referral)",
            (_, > 0) => " (all flagged as under-referral)",
            _ => "",
        };
        return $"{missing}, taking all the groups referred at the same rate as {reference} people together, at least one would be wrongly flagged " +
               $"(a false alarm) in {Audits(r.FalseAlarmRate ?? r.FlagRate, r.Replicates)} of 100 audits{direction}, against " +
               $"{(100 * alpha).ToString("0.#", Inv)} allowed for each group on its own.";
    }

    /// <summary>The chi-square test's sentence: correct means it flags a difference that truly exists, or none where none does;
    /// it never says which group or which way.</summary>
    public static string TestSentence(DiagnosandRow r, string of) => r.TrueDifference switch
    {
        _ when r.NotEstimableRate >= 0.5 =>
            $"The chi-square test of all groups together{of} cannot be computed in {Audits(r.NotEstimableRate, r.Replicates)} of 100 audits: too little is " +
            "recorded.",
        false => $"No group truly differs, yet the chi-square test of all groups together{of} flags a difference in " +
                 $"{Audits(r.FalseAlarmRate!.Value, r.Replicates)} " +
                 "of 100 audits (false alarms).",
        true => $"The chi-square test of all groups together{of} rightly finds that groups are referred at different rates in " +
                $"{Audits(r.CorrectRate!.Value, r.Replicates)} " +
                $"of 100 audits{(r.MissedRate > 0 ? $" and misses it in {Audits(r.MissedRate!.Value, r.Replicates)}" : "")}; it says neither which group nor " +
                "which way.",
        null => $"The chi-square test of all groups together{of} flags a difference in {Audits(r.FlagRate, r.Replicates)} of 100 audits.",
    };

    /// <summary>
    /// One line for the whole scenario, from the per-group rows of the audit people actually run (rate-ratio, else the
    /// first per-group detector): whether an audit of these data would mislead, could not measure, lacks power, or works.
    /// </summary>
    public static string Verdict(IReadOnlyList<DiagnosandRow> rows)
    {
        var audit = PrimaryRows(rows).Where(r => r.Group != MonteCarloRunner.FamilyWiseTarget).ToList();
        if (audit.Count == 0) return "Verdict: no per-group detector was run, so nothing here says whether an audit would get the answer right.";
        string detector = audit[0].Detector;
        var byOutcome = audit.Where(r => Majority(r) is not null).GroupBy(r => Majority(r)!.Value)
            .ToDictionary(g => g.Key, g => g.Select(r => r.Group).ToList());
        List<string> Of(AuditOutcome? o) => o is AuditOutcome k && byOutcome.TryGetValue(k, out var groups) ? groups : [];

        var problems = new List<string>();
        if (Of(AuditOutcome.WrongDirection) is { Count: > 0 } wrong) problems.Add($"points the wrong way for {List(wrong)}");
        if (Of(AuditOutcome.FalseAlarm) is { Count: > 0 } alarms) problems.Add($"flags a difference that does not exist for {List(alarms)}");
        if (Of(AuditOutcome.Misestimated) is { Count: > 0 } size) problems.Add($"gets the size of the difference wrong for {List(size)}");
        bool misleads = problems.Count > 0;
        if (Of(AuditOutcome.NotEstimable) is { Count: > 0 } unmeasurable) problems.Add($"cannot measure {List(unmeasurable)}");
        if (Of(AuditOutcome.Missed) is { Count: > 0 } missed) problems.Add($"misses the difference for {List(missed)}");
        if (misleads) return $"Verdict: an audit of these data by {detector} would mislead, not merely lack power: in most audits it {Join(problems)}.";
        if (problems.Count > 0) return $"Verdict: an audit of these data by {detector} could not settle the question: in most audits it {Join(problems)}.";
        double worst = audit.Min(r => r.CorrectRate ?? 0);
        return worst >= 0.8
            ? string.Create(Inv,
                $"Verdict: an audit of these data by {detector} would usually get the answer right: correct in at least {(int)Math.Floor(100 * worst)} of " +
                $"100 audits for every group.")
            : string.Create(Inv,
                $"Verdict: an audit of these data by {detector} is unreliable: correct in as few as {(int)Math.Floor(100 * worst)} of 100 audits for some " +
                $"group.");
    }

    /// <summary>
    /// What most audits of a row conclude: the outcome in at least half of them; failing that, when wrong directions, false
    /// alarms and misestimates together are the majority, the largest of them (the audits mostly mislead); else null.
    /// </summary>
    public static AuditOutcome? Majority(DiagnosandRow r)
    {
        foreach (AuditOutcome o in ByConsequence)
        {
            if (Share(r, o) >= 0.5) return o;
        }
        AuditOutcome[] misleading = [AuditOutcome.WrongDirection, AuditOutcome.FalseAlarm, AuditOutcome.Misestimated];
        return misleading.Sum(o => Share(r, o) ?? 0) >= 0.5 ? misleading.MaxBy(o => Share(r, o) ?? 0) : null;
    }

    /// <summary>The rows of the audit the plain words describe: rate-ratio on the first attribute when run, else the first
    /// detector whose rows are judged per group.</summary>
    public static IReadOnlyList<DiagnosandRow> PrimaryRows(IReadOnlyList<DiagnosandRow> rows)
    {
        string attribute = rows.Count > 0 ? rows[0].Attribute : Population.Ethnicity;
        var judged = rows.Where(r => r.Attribute == attribute && r.MisestimatedRate is not null).ToList();
        string? detector = judged.Any(r => r.Detector == RateRatioDetector.DetectorName) ? RateRatioDetector.DetectorName : judged.FirstOrDefault()?.Detector;
        return [.. rows.Where(r => r.Attribute == attribute && r.Detector == detector
            && (r.MisestimatedRate is not null || r.Group == MonteCarloRunner.FamilyWiseTarget))];
    }

    /// <summary>Rows in the order a reader needs them: most consequential headline outcome first, then as listed.</summary>
    public static IEnumerable<DiagnosandRow> ByHeadline(IEnumerable<DiagnosandRow> rows) =>
        rows.Select((r, i) => (r, i)).OrderBy(x => x.r.Group == MonteCarloRunner.FamilyWiseTarget ? 1 : 0)
            .ThenBy(x => ByConsequence.IndexOf(Headline(x.r))).ThenBy(x => x.i).Select(x => x.r);

    /// <summary>"N" of 100 audits, or "fewer than 1" when it happened but rounds to 0.</summary>
    public static string Audits(double share, long replicates)
    {
        int per100 = (int)Math.Round(100 * share, MidpointRounding.AwayFromZero);
        return per100 == 0 && share > 0 ? "fewer than 1" : per100 == 100 && share < 1 && replicates > 0 ? "more than 99" : per100.ToString(Inv);
    }

    public static string ReferenceOf(Scenario scenario, string attribute) =>
        attribute == Population.Ethnicity || attribute.Length == 0
            ? scenario.Population.Reference
            : scenario.Population.Attributes.Single(a => a.Name == attribute).Reference;

    private static int IndexOf(this IReadOnlyList<AuditOutcome> list, AuditOutcome o)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == o) return i;
        return -1;
    }

    private static string Join(List<string> parts) => parts.Count switch
    {
        0 => "",
        1 => parts[0],
        _ => string.Join(", ", parts.Take(parts.Count - 1)) + " and " + parts[^1],
    };

    private static string List(List<string> groups) => groups.Count == 1 ? $"{groups[0]} people" : Join(groups) + " people";
    private static string Percent(double fraction) => (100 * fraction).ToString("0.#", Inv) + "%";
    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
