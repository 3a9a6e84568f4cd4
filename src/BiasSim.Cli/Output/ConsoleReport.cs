using System.Globalization;
using System.Text;
using BiasSim.Core.Detectors;
using BiasSim.Core.Diagnosands;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;

namespace BiasSim.Cli.Output;

/// <summary>The table and plain sentences a person reads after <c>biassim run</c>.</summary>
internal static class ConsoleReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(Scenario scenario, SimulationResult result, SummaryJson.RunInfo info, string outputFolder)
    {
        var sb = new StringBuilder();
        sb.Append(Inv,
            $"{scenario.Name}: {result.CompletedReplicates:N0} simulated audits (replicates), seed {info.Seed}, {info.ElapsedSeconds:0.00} s on " +
            $"{info.Threads} thread(s)\n");
        sb.Append(DescribeReferrals(scenario)).Append('\n');
        sb.Append(DescribeRecording(scenario, result.ExpectedMissingShare)).Append('\n');
        double confidence = 100 * (1 - scenario.Simulation.Alpha);

        bool severalAttributes = result.Rows.Select(r => r.Attribute).Distinct().Count() > 1;
        foreach (IGrouping<(string Attribute, string Detector), DiagnosandRow> detector in result.Rows.GroupBy(r => (r.Attribute, r.Detector)))
        {
            sb.Append('\n');
            string attribute = severalAttributes ? $"{detector.Key.Attribute}, " : "";
            string reference = detector.Key.Attribute == Population.Ethnicity
                ? scenario.Population.Reference
                : scenario.Population.Attributes.Single(a => a.Name == detector.Key.Attribute).Reference;
            sb.Append(Inv, $"{attribute}{detector.Key.Detector}: {Describe(detector.Key.Detector, reference, confidence, scenario)}\n");
            var withInterval = detector.Where(r => r.MeanEstimate is not null || r.TrueRateRatio is not null).ToList();
            if (withInterval.Count > 0)
            {
                string truthHeader = detector.Key.Detector switch
                {
                    DetectorCatalog.TippingPoint => "true r/r_ref",
                    MissingShareDetector.DetectorName => "true ratio",
                    _ => "true RR",
                };
                string intervalHeader = detector.Key.Detector == BoundsDetector.DetectorName ? "mean bounds" : $"mean {confidence:0.#}% interval";
                bool judged = withInterval.Any(Verdicts.IsJudged);
                var table = judged
                    ? new TextTable("group", truthHeader, "correct (±MC SE)", "misestimated", "wrong way", "missed", "false alarm", "not estimable",
                                    "flagged up/down", "mean est.", "coverage", intervalHeader)
                    : new TextTable("group", truthHeader, "flagged (±MC SE)", "up", "down", "mean est.", "bias(log)", "coverage", intervalHeader,
                        "not estimable");
                foreach (DiagnosandRow r in withInterval)
                {
                    string interval = r.MeanLower is null ? "-" : $"{Num(r.MeanLower, "0.00")} to {Num(r.MeanUpper, "0.00")}";
                    if (judged)
                    {
                        table.Add(r.Group, Num(r.TrueRateRatio, "0.00"), RateWithError(r.CorrectRate, r.CorrectRateSe, r.Replicates), Pct(r.MisestimatedRate),
                            Pct(r.WrongDirectionRate), Pct(r.MissedRate), Pct(r.FalseAlarmRate), Pct(r.NotEstimableRate),
                            $"{Pct(r.FlagUpRate)} / {Pct(r.FlagDownRate)}", Num(r.MeanEstimate, "0.000"), Pct(r.Coverage), interval);
                    }
                    else
                    {
                        table.Add(r.Group, Num(r.TrueRateRatio, "0.00"), RateWithError(r.FlagRate, r.FlagRateSe, r.Replicates), Pct(r.FlagUpRate),
                            Pct(r.FlagDownRate),
                            Num(r.MeanEstimate, "0.000"), Num(r.BiasLog, "+0.000;-0.000;0.000"), Pct(r.Coverage), interval, Pct(r.NotEstimableRate));
                    }
                }
                table.Render(sb);
                foreach (DiagnosandRow r in withInterval.Where(r => r.DroppedDrawReplicateRate > 0))
                {
                    sb.Append(Inv,
                        $"  {r.Group}: in {100 * r.DroppedDrawReplicateRate:0.#}% of audits some matrix draws gave a negative corrected count and were left " +
                        $"out ")
                      .Append(Inv, $"of pooling ({100 * r.DroppedDrawShare:0.#}% of all draws), which leans the estimate away from 0.\n");
                }
            }
            var tests = detector.Except(withInterval).ToList();
            if (tests.Count > 0)
            {
                var table = new TextTable(withInterval.Count > 0 ? "test" : "groups", "correct (±MC SE)", "missed", "false alarm", "flagged (±MC SE)",
                    "flagged up/down", "not estimable");
                foreach (DiagnosandRow r in tests)
                {
                    string direction = r.FlagUpRate is null ? "no direction" : $"{Pct(r.FlagUpRate)} / {Pct(r.FlagDownRate)}";
                    table.Add(Plots.Labels.Group(r.Group), RateWithError(r.CorrectRate, r.CorrectRateSe, r.Replicates), Pct(r.MissedRate),
                        Pct(r.FalseAlarmRate),
                        RateWithError(r.FlagRate, r.FlagRateSe, r.Replicates), direction, Pct(r.NotEstimableRate));
                }
                table.Render(sb);
            }
        }

        sb.Append("\nIn plain words (of 100 audits; a flag is not a finding, so \"correct\" means the right direction with an interval holding the truth):\n");
        foreach (string finding in PlainWords(scenario, result.Rows, result.ExpectedMissingShare)) sb.Append("  - ").Append(finding).Append('\n');
        if (scenario.Recording.Missing is McarMissingness && scenario.Recording.Misclassification is null)
        {
            sb.Append("  Missing completely at random is the kindest case for an auditor: it costs power but not accuracy.\n")
              .Append("  If whether ethnicity is recorded depends on the person's group, or officers assign it, these figures can be biased too.\n");
        }
        sb.Append(Verdicts.Verdict(result.Rows)).Append('\n');
        foreach (string warning in info.Warnings) sb.Append("Warning: ").Append(warning).Append('\n');
        if (result.Partial) sb.Append(Inv, $"Stopped early: results cover {result.CompletedReplicates:N0} of {info.Replicates:N0} replicates.\n");
        sb.Append(Inv, $"\nWrote {Path.Combine(outputFolder, "diagnosands.csv")} and {Path.Combine(outputFolder, "summary.json")}\n");
        return sb.ToString();
    }

    /// <summary>"with 64.7% of ethnicity unrecorded and the rest assigned by officers": how the data were damaged, to open a plain sentence.</summary>
    public static string RecordingPhrase(Scenario scenario, double expectedMissingShare)
    {
        string missing = expectedMissingShare > 0
            ? string.Create(Inv, $"with {100 * expectedMissingShare:0.#}% of ethnicity unrecorded")
            : "with every referral's ethnicity recorded";
        if (scenario.Recording.Misclassification is { } mis)
        {
            missing += mis.OfficerShare >= 1 ? " and the rest assigned by officers"
                : string.Create(Inv, $" and {100 * mis.OfficerShare:0.#}% of the rest assigned by officers");
        }
        return missing;
    }

    /// <summary>One sentence a journalist can quote about one row: what 100 audits would conclude.</summary>
    public static string Sentence(DiagnosandRow r, Scenario scenario, double expectedMissingShare) =>
        Verdicts.Sentence(r, scenario, expectedMissingShare);

    /// <summary>
    /// The plain-language findings of a run, shared by the console and the report: the audit's groups with the most
    /// consequential outcome first, then attributes that cannot be measured, the family-wise row and the chi-square test.
    /// </summary>
    public static List<string> PlainWords(Scenario scenario, IReadOnlyList<DiagnosandRow> rows, double expectedMissingShare)
    {
        var primary = Verdicts.PrimaryRows(rows);
        var findings = Verdicts.ByHeadline(primary).Select(r => Verdicts.Sentence(r, scenario, expectedMissingShare)).ToList();
        foreach (ProtectedAttribute a in scenario.Population.Attributes)
        {
            var attributeRows = rows.Where(r => r.Attribute == a.Name && r.Detector == RateRatioDetector.DetectorName && !Plots.Labels.IsSummaryRow(r.Group))
                .ToList();
            if (attributeRows.Count > 0 && attributeRows.All(r => r.NotEstimableRate >= 0.5))
            {
                var biggest = attributeRows.Where(Verdicts.HasEffect).OrderByDescending(r => Math.Abs(Math.Log(r.TrueRateRatio!.Value))).FirstOrDefault();
                findings.Add($"{Capitalise(a.Name)} is not recorded, so disproportionality by {a.Name} cannot be measured at all, whatever its true size" +
                             (biggest is null ? "."
                                 : string.Create(Inv, $" (here a true rate ratio of {biggest.TrueRateRatio:0.##} for {biggest.Group} people goes unseen).")));
            }
        }
        bool severalAttributes = rows.Select(r => r.Attribute).Distinct().Count() > 1;
        foreach (DiagnosandRow r in rows.Where(r => r.Detector == ChiSquareDetector.DetectorName))
        {
            findings.Add(Verdicts.TestSentence(r, severalAttributes ? $" ({r.Attribute})" : ""));
        }
        return findings;
    }

    /// <summary>A rate with its Monte Carlo error: "12.3% (±0.3%)", or where the rate is exactly 0 or 1 (normal SE 0) the
    /// Wilson 95% bound, "0.0% (<0.04%)", so no reader takes a finite simulation for certainty.</summary>
    internal static string RateWithError(double? rate, double? se, long replicates)
    {
        if (rate is not double p) return "-";
        if (p > 0 && p < 1) return $"{Pct(p)} (±{Pct(se)})";
        var (lo, hi) = McInterval.WilsonOfShare(p, replicates);
        return p == 0 ? $"{Pct(p)} (<{Small(hi)})" : $"{Pct(p)} (>{Small(lo)})";
    }

    /// <summary>A percentage with enough digits to differ from 0% or 100%.</summary>
    internal static string Small(double fraction)
    {
        double v = 100 * fraction;
        if (v <= 0) return "0%";
        if (v >= 100) return "100%";
        string format = v is > 0.1 and < 99.9 ? "0.0" : v is > 0.01 and < 99.99 ? "0.00" : "0.000";
        return v.ToString(format, Inv) + "%";
    }

    /// <summary>One line saying what a detector does, for the table's heading.</summary>
    private static string Describe(string detector, string reference, double confidence, Scenario scenario) =>
        DetectorCatalog.Describe(detector).Heading(new DetectorContext(reference, scenario.Simulation.Alpha, scenario.DetectorSpec(detector)));

    private static string DescribeReferrals(Scenario s)
    {
        string how = s.Referrals.Total is long total
            ? string.Create(Inv, $"{total:N0} referrals in total, shared out by census population x true rate ratio")
            : string.Create(Inv,
                $"each {s.Population.Reference} person referred with probability {s.Referrals.BaseRate}, other groups at that x their true rate ratio");
        return $"Referrals: {how}.";
    }

    internal static string DescribeRecording(Scenario s, double expectedMissingShare)
    {
        MissingnessMechanism m = s.Recording.Missing;
        string how = m switch
        {
            NoMissingness => "every referral's ethnicity is recorded",
            McarMissingness => "missing completely at random (MCAR)",
            MnarMissingness mnar => "missing not at random: it depends on the person's own group (" +
                string.Join(", ",
                    s.Population.Groups.Select((g, i) => string.Create(Inv,
                        $"{g.Name} {100 * m.MissingProbability(new CellKey(0, i, []), m.CalibrationShift):0.#}%"))) + ")",
            MarMissingness mar => $"missing at random given {mar.By}: it depends on {mar.By}, not on the person's group",
            LogisticMissingness => "missing according to a logistic model on " +
                string.Join(", ", ((LogisticMissingness)m).Terms.Select(t => t.Key).DefaultIfEmpty("nothing (a constant)")),
            _ => m.Name,
        };
        var sb = new StringBuilder();
        sb.Append(expectedMissingShare > 0
            ? string.Create(Inv, $"Recording: ethnicity is missing for {100 * expectedMissingShare:0.#}% of referrals (expected), {how}.")
            : "Recording: every referral's ethnicity is recorded.");
        if (m.Trend != 0) sb.Append(Inv, $" Missingness drifts by {m.Trend:+0.###;-0.###} log-odds a year.");
        if (m.TargetShare is double target) sb.Append(Inv, $" Calibrated to an overall missing share of {100 * target:0.#}%.");
        if (s.Recording.Misclassification is { } mis)
        {
            sb.Append(Inv, $"\nCategories: {100 * mis.OfficerShare:0.#}% of recorded ethnicities are an officer's judgement")
              .Append(mis.NamedMatrix is null ? "" : $" ({mis.NamedMatrix})")
              .Append(Inv, $", recorded as one of: {string.Join(", ", mis.Categories)}.");
        }
        return sb.ToString();
    }

    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
    private static string Pct(double? v) => v is double d ? (100 * d).ToString("0.0", Inv) + "%" : "-";
    private static string Num(double? v, string format) => v is double d ? d.ToString(format, Inv) : "-";
}
