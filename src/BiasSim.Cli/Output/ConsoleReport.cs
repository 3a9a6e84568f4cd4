using System.Globalization;
using System.Text;
using BiasSim.Core.Detectors;
using BiasSim.Core.Diagnosands;
using BiasSim.Core.Engine;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli.Output;

/// <summary>The table and plain sentences a person reads after <c>biassim run</c>.</summary>
public static class ConsoleReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(Scenario scenario, SimulationResult result, SummaryJson.RunInfo info, string outputFolder)
    {
        var sb = new StringBuilder();
        sb.Append(Inv, $"{scenario.Name}: {result.CompletedReplicates:N0} simulated audits (replicates), seed {info.Seed}, {info.ElapsedSeconds:0.00} s on {info.Threads} thread(s)\n");
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
                var table = new TextTable("group", truthHeader, "flagged (±MC SE)", "up", "down", "mean est.", "bias(log)", "coverage", intervalHeader, "not estimable");
                foreach (DiagnosandRow r in withInterval)
                {
                    table.Add(r.Group, Num(r.TrueRateRatio, "0.00"), $"{Pct(r.FlagRate)} (±{Pct(r.FlagRateSe)})", Pct(r.FlagUpRate), Pct(r.FlagDownRate),
                        Num(r.MeanEstimate, "0.000"), Num(r.BiasLog, "+0.000;-0.000;0.000"), Pct(r.Coverage),
                        r.MeanLower is null ? "-" : $"{Num(r.MeanLower, "0.00")} to {Num(r.MeanUpper, "0.00")}", Pct(r.NotEstimableRate));
                }
                table.Render(sb);
            }
            var tests = detector.Except(withInterval).ToList();
            if (tests.Count > 0)
            {
                var table = new TextTable(withInterval.Count > 0 ? "test" : "groups", "flagged (±MC SE)", "not estimable");
                foreach (DiagnosandRow r in tests) table.Add(r.Group, $"{Pct(r.FlagRate)} (±{Pct(r.FlagRateSe)})", Pct(r.NotEstimableRate));
                table.Render(sb);
            }
        }

        sb.Append("\nIn plain words:\n");
        foreach (DiagnosandRow r in result.Rows.Where(r => r.Detector == RateRatioDetector.DetectorName && r.Attribute == Population.Ethnicity))
        {
            sb.Append("  - ").Append(Sentence(r, scenario, result.ExpectedMissingShare)).Append('\n');
        }
        foreach (ProtectedAttribute a in scenario.Population.Attributes)
        {
            var rows = result.Rows.Where(r => r.Attribute == a.Name && r.Detector == RateRatioDetector.DetectorName).ToList();
            if (rows.Count > 0 && rows.All(r => r.NotEstimableRate >= 0.5))
            {
                sb.Append(Inv, $"  - {Capitalise(a.Name)} is not recorded, so disproportionality by {a.Name} cannot be measured at all, whatever its true size");
                var biggest = rows.Where(r => r.TrueRateRatio is double v && v != 1).OrderByDescending(r => Math.Abs(Math.Log(r.TrueRateRatio!.Value))).FirstOrDefault();
                sb.Append(biggest is null ? ".\n" : string.Create(Inv, $" (here a true rate ratio of {biggest.TrueRateRatio:0.##} for {biggest.Group} people goes unseen).\n"));
            }
        }
        if (scenario.Recording.Missing is McarMissingness && scenario.Recording.Misclassification is null)
        {
            sb.Append("  Missing completely at random is the kindest case for an auditor: it costs power but not accuracy.\n")
              .Append("  If whether ethnicity is recorded depends on the person's group, or officers assign it, these figures can be biased too.\n");
        }
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
            missing += mis.OfficerShare >= 1 ? " and the rest assigned by officers" : string.Create(Inv, $" and {100 * mis.OfficerShare:0.#}% of the rest assigned by officers");
        }
        return missing;
    }

    /// <summary>One sentence a journalist can quote, with the numbers rounded to "out of 100 audits".</summary>
    public static string Sentence(DiagnosandRow r, Scenario scenario, double expectedMissingShare)
    {
        string missing = RecordingPhrase(scenario, expectedMissingShare);
        int per100 = (int)Math.Round(100 * r.FlagRate, MidpointRounding.AwayFromZero);
        if (r.Group == MonteCarloRunner.FamilyWiseTarget)
        {
            return $"{Capitalise(missing)}, taking all the groups referred at the same rate as {scenario.Population.Reference} people together, at least one would be wrongly flagged in {per100} of 100 audits.";
        }
        int unmeasurable = (int)Math.Round(100 * r.NotEstimableRate, MidpointRounding.AwayFromZero);
        if (unmeasurable >= 50)
        {
            return $"{Capitalise(missing)}, {r.Group} people cannot be measured at all in {unmeasurable} of 100 audits: no recorded referral carries that category.";
        }
        if (r.TrueRateRatio is double rr && rr != 1.0)
        {
            string size = rr > 1 ? $"{Percent(rr - 1)} over-referral" : $"{Percent(1 - rr)} under-referral";
                        int rightPer100 = (int)Math.Round(100 * (rr > 1 ? r.FlagUpRate : r.FlagDownRate), MidpointRounding.AwayFromZero);
            string sentence = $"{Capitalise(missing)}, a true {size} of {r.Group} people (rate ratio {rr.ToString("0.##", Inv)}) would be detected in {rightPer100} of 100 audits" +
                   (per100 > rightPer100 ? $" (and flagged the wrong way in {per100 - rightPer100})" : $"; {100 - rightPer100} of 100 would miss it");
            return sentence + SizeWarning(r, rr) + ".";
        }
        return $"{Capitalise(missing)}, {r.Group} people are referred at the same rate as {scenario.Population.Reference} people, " +
               $"yet {per100} of 100 audits would wrongly flag a difference (false alarms; alpha allows {(100 * scenario.Simulation.Alpha).ToString("0.#", Inv)})" +
               SizeWarning(r, 1.0) + ".";
    }

    /// <summary>One line saying what a detector does, for the table's heading.</summary>
    private static string Describe(string detector, string reference, double confidence, Scenario scenario)
    {
        DetectorSpec spec = scenario.DetectorSpec(detector);
        string by = spec.By is null ? "" : $" by {spec.By}";
        string adjust = spec.Adjust == Adjustment.None ? "" : $", {spec.Adjust.ToString().ToLowerInvariant()}-adjusted flags";
        return detector switch
        {
            RateRatioDetector.DetectorName => string.Create(Inv, $"rate ratio vs {reference} on recorded referrals, census denominators, Katz {confidence:0.#}% interval{adjust}"),
            ChiSquareDetector.DetectorName => string.Create(Inv, $"Pearson goodness-of-fit of recorded referrals against census shares, alpha {scenario.Simulation.Alpha}"),
            BoundsDetector.DetectorName => $"worst/best-case bounds vs {reference}: every unknown referral counted as {reference}, then as the group",
            IpwDetector.DetectorName => string.Create(Inv, $"inverse-probability weighting{by}, delta-method {confidence:0.#}% interval{adjust}"),
            MultipleImputationDetector.DetectorName => string.Create(Inv, $"multiple imputation{by}, m = {spec.Imputations}, Rubin's rules with Barnard-Rubin df{adjust}"),
            MisclassificationCorrectedDetector.DetectorName => string.Create(Inv, $"counts corrected by the known misclassification matrix, delta-method {confidence:0.#}% interval{adjust}"),
            MissingShareDetector.DetectorName => $"does missingness differ{by}? each level's missing share over the overall share, and a chi-square test",
            DetectorCatalog.TippingPoint => "the recording ratio r_g/r_ref that would explain away the observed rate ratio, against the true recording ratio",
            _ => detector,
        };
    }

    /// <summary>When the estimate is far off (more than 10% on the ratio scale, on average), say so: detecting the
    /// right direction with the wrong size still misleads.</summary>
    private static string SizeWarning(DiagnosandRow r, double truth) =>
        r.BiasLog is double bias && Math.Abs(bias) > Math.Log(1.1) && r.MeanEstimate is double mean
            ? string.Create(Inv, $", and the audit would put the rate ratio at {mean:0.##} instead of {truth:0.##}")
            : "";

    private static string DescribeReferrals(Scenario s)
    {
        string how = s.Referrals.Total is long total
            ? string.Create(Inv, $"{total:N0} referrals in total, shared out by census population x true rate ratio")
            : string.Create(Inv, $"each {s.Population.Reference} person referred with probability {s.Referrals.BaseRate}, other groups at that x their true rate ratio");
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
                string.Join(", ", s.Population.Groups.Select((g, i) => string.Create(Inv, $"{g.Name} {100 * m.MissingProbability(new CellKey(0, i, []), m.CalibrationShift):0.#}%"))) + ")",
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

    private static string Percent(double fraction) => (100 * fraction).ToString("0.#", Inv) + "%";
    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
    private static string Pct(double? v) => v is double d ? (100 * d).ToString("0.0", Inv) + "%" : "-";
    private static string Num(double? v, string format) => v is double d ? d.ToString(format, Inv) : "-";
}
