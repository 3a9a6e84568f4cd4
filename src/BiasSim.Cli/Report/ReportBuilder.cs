using System.Globalization;
using System.Text;
using BiasSim.Cli.Output;
using BiasSim.Cli.Plots;
using BiasSim.Core.Detectors;
using BiasSim.Core.Diagnosands;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli.Report;

/// <summary>Turns a finished results folder (and its plots) into the words, tables and facts of a report.</summary>
internal static class ReportBuilder
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static ReportDocument Build(ResultsFolder f, IReadOnlyList<RenderedPlot> plots, string? plotsNote)
    {
        var (headline, findings) = f.Kind switch { ResultsKind.Sweep => SweepWords(f), ResultsKind.Mdrr => MdrrWords(f), _ => RunWords(f) };
        return new ReportDocument
        {
            ScenarioName = f.ScenarioName,
            Description = f.Description,
            Kind = f.Kind.ToString().ToLowerInvariant(),
            Headline = headline,
            Findings = findings,
            Notes = Notes(f),
            Assumptions = Assumptions(f),
            Tables = f.Kind switch
            {
                ResultsKind.Sweep => [SweepTable(f), .. MdrrTables(f)],
                ResultsKind.Mdrr => [.. MdrrTables(f)],
                _ => [.. RunTables(f), .. MdrrTables(f)]
            },
            TableNote = f.Kind == ResultsKind.Mdrr
                ? "The minimum detectable rate ratio (MDRR) is the smallest true rate ratio the audit flags in its direction in the target share of audits; " +
                    "brackets give its 95% Monte Carlo interval. The formula column is the analytic approximation."
                : $"Each simulated audit ends in one outcome. Correct: flagged in the true direction with a {Confidence(f)} interval that holds the true " +
                        "rate ratio, " +
                        "or nothing flagged where the true rate ratio is 1. Misestimated: right direction, but the interval excludes the truth. Wrong " +
                        "direction, missed " +
                        "(a true difference not flagged), false alarm (a difference flagged where there is none) and not estimable complete the count. " +
                        "\"Flags a difference\" counts every flag, right or wrong: a flag is not a finding. Brackets give a 95% Monte Carlo interval " +
                        "(Wilson). " +
                        $"Coverage is the share of audits whose {Confidence(f)} interval holds the true rate ratio ({Confidence(f)} is right); bias is the " +
                        "average error on the log scale (0 is right).",
            Plots = plots,
            PlotsNote = plotsNote,
            Reproducibility = Reproducibility(f),
            RerunCommand = RerunCommand(f),
            ScenarioText = f.ScenarioText,
            Generator = $"BiasSim {VersionInfo.Version}",
        };
    }

    private static bool IsEthnicity(ResultRow r) => r.Attribute.Length == 0 || r.Attribute == Population.Ethnicity;

    /// <summary>A rate-ratio row for one real group (not the family-wise summary), which <see cref="ConsoleReport.Sentence"/> can describe.</summary>
    private static bool IsGroupRateRow(ResultRow r) =>
        r.Row.Detector == RateRatioDetector.DetectorName && IsEthnicity(r) && !Labels.IsSummaryRow(r.Row.Group) && r.Row.TrueRateRatio is not null;

    // ---- Plain words ---------------------------------------------------------------------------------------------

    private static (string, IReadOnlyList<string>) RunWords(ResultsFolder f)
    {
        Scenario scenario = f.Scenario!;
        var rows = f.Rows.Select(r => r.Row).ToList();
        var findings = ConsoleReport.PlainWords(scenario, rows, f.ExpectedMissingShare ?? 0);
        string verdict = Verdicts.Verdict(rows);
        // The headline: the most consequential finding first, then the verdict for the whole scenario.
        string headline = findings.Count > 0 ? findings[0] : "This run has no per-group results to put in plain words; see the tables below.";
        findings.Add(verdict);
        return (headline, findings);
    }

    private static (string, IReadOnlyList<string>) SweepWords(ResultsFolder f)
    {
        if (f.SweepPoints.Length == 0) return ("The sweep holds no design points.", []);
        var varying = SweepPlots.Varying(f.SweepParameters, f.SweepPoints.Select(p => p.Values));
        var rate = f.SweepPoints.Where(p => IsGroupRateRow(p.Result)).ToList();
        string? group = rate.FirstOrDefault(p => p.Result.Row.TrueRateRatio is double rr && rr != 1)?.Result.Row.Group
            ?? rate.FirstOrDefault()?.Result.Row.Group;
        string points = string.Create(Inv, $"{f.SweepPoints.Select(p => string.Join('\u001f', p.Values)).Distinct().Count():N0} design points");
        if (group is null) return ($"The sweep covers {points}; see the tables and plots below.", []);

        var series = rate.Where(p => p.Result.Row.Group == group).ToList();
        if (varying.Count >= 1 && series.All(p => p.Number(varying[0]) is not null)) series = [.. series.OrderBy(p => p.Number(varying[0]))];
        SweepPoint first = series[0], last = series[^1];
        var truths = series.Select(p => p.Result.Row.TrueRateRatio).Distinct().ToList();
        string what = truths is [double rr] && rr != 1
            ? $"a true {(rr > 1 ? $"{Percent(rr - 1)} over-referral" : $"{Percent(1 - rr)} under-referral")} of {group} people"
            : $"a difference for {group} people";
        bool effect = series.Any(p => Verdicts.HasEffect(p.Result.Row));
        string verb = effect ? "detected correctly (right direction, interval holding the truth)" : "correctly left unflagged";
        double Right(SweepPoint p) => p.Result.Row.CorrectRate ?? 0;
        int a = Per100(Right(first)), b = Per100(Right(last));

        string headline;
        if (varying.Count == 1)
        {
            string path = f.SweepParameters[varying[0]];
            string param = Lower(Labels.Parameter(path, f.Reference).Split(" (")[0]);
            string change = a == b ? $"in {b} of 100 audits throughout" : $"in {b} of 100 audits instead of {a}";
            headline = $"As the {param} goes from {Labels.Value(path, first.Values[varying[0]])} to {Labels.Value(path, last.Values[varying[0]])}, " +
                       $"{what} would be {verb} {change}{Otherwise(last.Result.Row, Labels.Value(path, last.Values[varying[0]]))}.";
        }
        else
        {
            var all = series.Select(p => Per100(Right(p))).ToList();
            headline = $"Across {points}, {what} would be {verb} in between {all.Min()} and {all.Max()} of 100 audits, depending on the settings.";
        }

        var findings = new List<string>();
        foreach (SweepPoint p in first == last ? [first] : new[] { first, last })
        {
            var extra = f.SweepParameters.Select((path, i) => new ScenarioOverride(path, p.Values[i]));
            Scenario? at = f.ScenarioAt(extra);
            string where = string.Join(", ", f.SweepParameters.Select((path, i) => $"{path} = {p.Values[i]}"));
            if (at is not null)
            {
                double missing = ResultsFolder.TryExpectedMissingShare(at) ?? 0;
                findings.Add($"At {where}: {Lower(ConsoleReport.Sentence(p.Result.Row, at, missing))}");
            }
        }
        return (headline, findings);
    }

    /// <summary>", and at the last point most audits would ...": the outcome that dominates where the sweep ends, when it is not
    /// a correct one, so a headline never leaves a misleading audit unsaid.</summary>
    private static string Otherwise(DiagnosandRow r, string at)
    {
        AuditOutcome o = Verdicts.Headline(r);
        if (o == AuditOutcome.Correct || Verdicts.Share(r, o) is not double share) return "";
        string what = o switch
        {
            AuditOutcome.WrongDirection => "flag it in the wrong direction",
            AuditOutcome.FalseAlarm => "wrongly flag a difference",
            AuditOutcome.NotEstimable => "be unable to measure it",
            AuditOutcome.Misestimated => "get the direction right but the size wrong",
            _ => "miss it",
        };
        return $"; at {at}, {Verdicts.Audits(share, r.Replicates)} of 100 would {what}";
    }

    private static (string, IReadOnlyList<string>) MdrrWords(ResultsFolder f)
    {
        var sentences = f.MdrrRows.Select(m =>
        {
            string missing = m.ExpectedMissingShare is double share
                ? (share > 0 ? $"With {Percent(share)} of ethnicity unrecorded, t" : "With every referral's ethnicity recorded, t")
                : "T";
            string kind = Kind(m);
            int d = MdrrOutput.Decimals(m.MdrrLower, m.MdrrUpper);
            return m.Mdrr is double v
                ? $"{missing}he smallest true {kind} of {m.Group} people that audits flag as {kind} in {Audits(m)} is a rate ratio of {MdrrOutput.Rr(v, d)}" +
                  (m.MdrrLower is double lo && m.MdrrUpper is double hi ? $" (95% Monte Carlo interval {MdrrOutput.Rr(lo, d)} to " +
                      $"{MdrrOutput.Rr(hi, d)})." : ".")
                : $"{missing}he search found no true {kind} of {m.Group} people that audits flag as {kind} in {Audits(m)}.";
        }).ToList();
        string headline = MdrrTrend(f) ?? (sentences.Count > 0 ? sentences[0] : "The MDRR table is empty.");
        return (headline, sentences);
    }

    private static string Kind(MdrrRow m) => m.Direction == "down" ? "under-referral" : "over-referral";

    private static string Audits(MdrrRow m) => m.PowerTarget is double p ? $"{Per100(p)} of 100 audits" : "the target share of audits";

    /// <summary>
    /// The headline of an MDRR grid: how the first series (detector, group, direction, power) moves along the swept
    /// parameter (the missing share when swept), from its smallest value to its largest, not the first point alone. MDRR
    /// counts flags in the right direction, so the words say "flag", never "detect". Null when nothing is swept. The console
    /// of <c>biassim mdrr</c> over a grid says the same sentence.
    /// </summary>
    internal static string? MdrrTrend(ResultsFolder f)
    {
        var varying = SweepPlots.Varying(f.MdrrParameters, f.MdrrRows.Select(r => r.Values))
            .Where(p => f.MdrrRows.All(r => r.Number(p) is not null)).ToList();
        if (varying.Count == 0) return null;
        int axis = varying.FirstOrDefault(p => f.MdrrParameters[p].Contains("missing", StringComparison.Ordinal), varying[0]);
        var first = f.MdrrRows[0];
        var series = f.MdrrRows
            .Where(r => (r.Detector, r.Group, r.Direction, r.PowerTarget) == (first.Detector, first.Group, first.Direction, first.PowerTarget))
            .OrderBy(r => r.Number(axis)).ToList();
        if (series.Count < 2) return null;
        string path = f.MdrrParameters[axis];
        string param = Lower(Labels.Parameter(path, f.Reference).Split(" (")[0]);
        string from = Labels.Value(path, series[0].Values[axis]), to = Labels.Value(path, series[^1].Values[axis]);
        string kind = Kind(first);
        string lead = $"As the {param} rises from {from} to {to}, the smallest true {kind} of {first.Group} people that audits flag as {kind} in " +
            $"{Audits(first)}";
        // expected_missing_share follows from the swept settings, so it never counts as another parameter varying.
        var alsoVarying = varying.Where(p => p != axis && f.MdrrParameters[p] != "expected_missing_share").ToList();
        var alsoNames = alsoVarying.Select(p => Lower(Labels.Parameter(f.MdrrParameters[p], f.Reference).Split(" (")[0]));
        string others = alsoVarying.Count > 0 ? $" (with {string.Join(" and ", alsoNames)} also varying)" : "";
        var found = series.Where(r => r.Mdrr is not null).ToList();
        if (found.Count == 0)
        {
            // One reason for every value (officer assignment flagging at a true rate ratio of 1, say) is the finding itself.
            string why = series.Select(r => r.Failure).Distinct().ToList() is [string only] ? $" (at each, {only})" : "";
            return $"{lead}: none was found at any of the {series.Count} values{others}{why}.";
        }
        // One number of decimals for the whole sentence: enough that every interval quoted has distinct ends.
        MdrrRow a = series[0], b = series[^1];
        int d = new[] { a, b }.Concat(found).Max(r => MdrrOutput.Decimals(r.MdrrLower, r.MdrrUpper));
        string At(MdrrRow r) => r.Mdrr is double v
            ? MdrrOutput.Rr(v, d) + (r.MdrrLower is double lo && r.MdrrUpper is double hi ? $" (95% Monte Carlo interval {MdrrOutput.Rr(lo, d)} to " +
                $"{MdrrOutput.Rr(hi, d)})" : "")
            : "none found";
        if (a.Mdrr is null || b.Mdrr is null)
        {
            return $"{lead} goes from {At(a)} to {At(b)}{others}" + (b.Mdrr is null ? $": at {to} no rate ratio tried was flagged that often." : ".");
        }
        double[] values = [.. found.Select(r => r.Mdrr!.Value)];
        string trend = b.Mdrr > a.Mdrr ? "rises" : b.Mdrr < a.Mdrr ? "falls" : "stays";
        bool steady = values.Zip(values.Skip(1))
            .All(p => trend == "rises" ? p.Second >= p.First : trend == "falls" ? p.Second <= p.First : p.Second == p.First);
        string path2 = trend == "stays" ? $" at {At(a)}" : $" from {At(a)} to {At(b)}";
        string wobble = steady ? "" : $", though not steadily (between {MdrrOutput.Rr(values.Min(), d)} and {MdrrOutput.Rr(values.Max(), d)} along the way)";
        return $"{lead} {trend}{path2}{wobble}{others}.";
    }

    private static List<string> Notes(ResultsFolder f)
    {
        var notes = new List<string>();
        if (f.Scenario is { } s && s.Recording.Missing is McarMissingness && s.Recording.Misclassification is null && f.Kind == ResultsKind.Run)
        {
            notes.Add("Missing completely at random is the kindest case for an auditor: it costs power but not accuracy. " +
                      "If whether ethnicity is recorded depends on the person's group, or officers assign it, these figures can be biased too.");
        }
        notes.Add("The true rate ratios are assumptions of the scenario (hypothetical): the simulation asks how reliably an audit of the damaged data would " +
            "recover them.");
        notes.AddRange(f.Warnings.Select(w => "Warning: " + w));
        if (f.Partial) notes.Add(string.Create(Inv, $"Stopped early: results cover {f.CompletedReplicates:N0} of {f.Replicates:N0} replicates."));
        return notes;
    }

    // ---- What was assumed -----------------------------------------------------------------------------------------

    private static List<ReportItem> Assumptions(ResultsFolder f)
    {
        var items = new List<ReportItem>();
        if (f.Kind == ResultsKind.Sweep)
        {
            foreach (var (path, values) in f.SweepGrid.Length > 0
                ? f.SweepGrid.Select(g => (g.Path, (IReadOnlyList<string>)g.Values))
                : f.SweepParameters.Select((p, i) => (p, (IReadOnlyList<string>)[.. f.SweepPoints.Select(x => x.Values[i]).Distinct()])))
            {
                items.Add(new ReportItem("Swept",
                    $"{Labels.Parameter(path, f.Reference).Split(" (")[0]} ({path}): {string.Join(", ", values.Select(v => Labels.Value(path, v)))}."));
            }
        }
        if (f.Scenario is not { } s)
        {
            items.Add(new ReportItem("Scenario",
                "The folder holds no loadable copy of the scenario, so its assumptions cannot be listed here; see summary.json."));
            return items;
        }
        if (f.Kind == ResultsKind.Sweep)
            items.Add(new ReportItem("Base scenario", "Everything below holds at every design point, apart from the swept settings above."));
        items.Add(new ReportItem("Population", DescribePopulation(s)));
        items.Add(new ReportItem("Referrals", Referrals(s)));
        double missing = f.Kind == ResultsKind.Run ? f.ExpectedMissingShare ?? 0 : ResultsFolder.TryExpectedMissingShare(s) ?? 0;
        string recording = ConsoleReport.DescribeRecording(s, missing).Replace("\n", " ", StringComparison.Ordinal);
        if (recording.StartsWith("Recording: ", StringComparison.Ordinal)) recording = Capitalise(recording["Recording: ".Length..]);
        items.Add(new ReportItem("Recording", recording));
        items.Add(new ReportItem("Detectors", string.Join(" ", s.Detectors.Select(d => Detector(d, s)))));
        string reps = f.CompletedReplicates is long done && f.Replicates is long asked && done != asked
            ? string.Create(Inv, $"{done:N0} of {asked:N0}")
            : string.Create(Inv, $"{f.CompletedReplicates ?? f.Replicates ?? s.Simulation.Replicates:N0}");
        items.Add(new ReportItem("Simulation",
            $"{reps} simulated audits (replicates){(f.Kind == ResultsKind.Sweep ? " per design point" : "")}, seed " +
            $"{f.Seed?.ToString(Inv) ?? "as set per point"}; significance level alpha {s.Simulation.Alpha.ToString("0.###", Inv)}."));
        return items;
    }

    private static string DescribePopulation(Scenario s)
    {
        long total = s.Population.Total;
        var sb = new StringBuilder();
        sb.Append(Inv, $"{total:N0} people in {s.Population.Groups.Length} self-defined ethnic groups (census counts, the denominators): ");
        sb.AppendJoin(", ", s.Population.Groups.Select(g => string.Create(Inv, $"{g.Name} {g.Census:N0} ({100.0 * g.Census / total:0.#}%)")));
        sb.Append(". Rate ratios compare each group with ").Append(s.Population.Reference).Append(" people.");
        if (s.Population.HasRegions) sb.Append(Inv, $" {s.Population.Regions.Length} regions: {string.Join(", ", s.Population.Regions.Select(r => r.Name))}.");
        foreach (ProtectedAttribute a in s.Population.Attributes)
        {
            sb.Append(Inv, $" Also {a.Name}: {string.Join(", ", a.Levels)} (compared with {a.Reference}).");
        }
        return sb.ToString();
    }

    private static string Referrals(Scenario s)
    {
        var sb = new StringBuilder();
        sb.Append(s.Referrals.Total is long total
            ? string.Create(Inv, $"{total:N0} referrals in total, shared out by census population x true rate ratio.")
            : string.Create(Inv,
                $"Each {s.Population.Reference} person is referred with probability {s.Referrals.BaseRate}; other groups at that times their true rate " +
                $"ratio."));
        var different = s.Population.Groups.Where(g => s.Referrals.RateRatio(g.Name) != 1).ToList();
        sb.Append(different.Count == 0
            ? " True rate ratios: every group is referred at the same rate (no true disproportionality), so any flag is a false alarm."
            : " True rate ratios (hypothetical: what the audits try to find): " +
                $"{string.Join(", ", different.Select(g => $"{g.Name} {s.Referrals.RateRatio(g.Name).ToString("0.###", Inv)}"))}; every other group 1.");
        if (!s.Referrals.RateRatiosByRegion.IsEmpty) sb.Append(" Some rate ratios differ by region.");
        if (s.Referrals.Covariates.Length > 0) sb.Append(Inv, $" Referrals also vary by {string.Join(", ", s.Referrals.Covariates.Select(c => c.Name))}.");
        return sb.ToString();
    }

    private static string Detector(string name, Scenario s) =>
        DetectorCatalog.Describe(name).Description(new DetectorContext(s.Population.Reference, s.Simulation.Alpha, s.DetectorSpec(name)));

    // ---- Tables -----------------------------------------------------------------------------------------------------

    /// <summary>A share with its 95% Monte Carlo interval (Wilson, so a share of 0 or 1 still shows its uncertainty).</summary>
    private static string Band(double? share, long replicates)
    {
        if (share is not double p) return "–";
        var (lo, hi) = McInterval.WilsonOfShare(p, replicates);
        // Word joiners keep the band on one line when a narrow column wraps the cell.
        return $"{Pct(p)} ({ConsoleReport.Small(lo).TrimEnd('%')}\u2060–\u2060{ConsoleReport.Small(hi)})";

    }

    /// <summary>"95%" at alpha 0.05, "99%" at alpha 0.01: the confidence of the detectors' intervals.</summary>
    private static string Confidence(ResultsFolder f) => Confidence(f.Alpha ?? f.Scenario?.Simulation.Alpha ?? 0.05);

    private static string Confidence(double alpha) => (100 * (1 - alpha)).ToString("0.##", Inv) + "%";

    private static IEnumerable<ReportTable> RunTables(ResultsFolder f)
    {
        bool several = f.Rows.Select(r => r.Attribute).Distinct().Count() > 1;
        foreach (var set in f.Rows.GroupBy(r => (r.Attribute, r.Row.Detector)))
        {
            var rows = set.Select(r => r.Row).ToList();
            string caption = Labels.Detector(set.Key.Detector, f.ReferenceFor(set.Key.Attribute)) + (several ? $", by {set.Key.Attribute}" : "");
            yield return DiagnosandTable(caption, [], rows.Select(r => ((IReadOnlyList<string>)[], r)).ToList(), Confidence(f));
        }
    }

    private static ReportTable SweepTable(ResultsFolder f)
    {
        var header = f.SweepParameters.Select(p => Labels.Parameter(p, f.Reference)).ToList();
        var rows = f.SweepPoints.Select(p => ((IReadOnlyList<string>)[.. f.SweepParameters.Select((path, i) => Labels.Value(path, p.Values[i]))], p.Result.Row))
            .ToList();
        return DiagnosandTable("Results at each design point", header, rows, Confidence(f), withDetector: true, compact: true);
    }

    /// <summary>A diagnosand table with only the columns that apply to its rows (the chi-square test has no estimate or interval).</summary>
    private static ReportTable DiagnosandTable(string caption, IReadOnlyList<string> leading, List<(IReadOnlyList<string> Lead, DiagnosandRow Row)> rows,
                                               string confidence, bool withDetector = false, bool compact = false)
    {
        var r = rows.Select(x => x.Row).ToList();
        var columns = new List<(string Header, Func<DiagnosandRow, string> Cell)>();
        if (withDetector) columns.Add(("Detector", x => x.Detector));
        columns.Add(("Group", x => Labels.Group(x.Group)));
        if (r.Any(x => x.TrueRateRatio is not null)) columns.Add(("True rate ratio", x => Num(x.TrueRateRatio, "0.###")));
        if (r.Any(Verdicts.IsJudged))
        {
            columns.Add(("Correct (95% band)", x => Band(x.CorrectRate, x.Replicates)));
            if (r.Any(x => x.MisestimatedRate is not null)) columns.Add(("Misestimated", x => Pct(x.MisestimatedRate)));
            if (r.Any(x => x.WrongDirectionRate is not null)) columns.Add(("Wrong direction", x => Pct(x.WrongDirectionRate)));
            columns.Add(("Missed", x => Pct(x.MissedRate)));
            columns.Add(("False alarm", x => Pct(x.FalseAlarmRate)));
        }
        columns.Add(("Not estimable", x => Pct(x.NotEstimableRate)));
        columns.Add(("Flags a difference (95% band)", x => Band(x.FlagRate, x.Replicates)));
        bool estimates = r.Any(x => x.MeanEstimate is not null);
        if (estimates && !compact)
            columns.Add(("Flagged higher / lower", x => x.FlagUpRate is null ? "no direction" : $"{Pct(x.FlagUpRate)} / {Pct(x.FlagDownRate)}"));
        if (estimates) columns.Add(("Average estimate", x => Num(x.MeanEstimate, "0.000")));
        if (r.Any(x => x.MeanLower is not null) && !compact)
            columns.Add(($"Average {confidence} interval", x => x.MeanLower is null ? "–"
                : $"{Num(x.MeanLower, "0.00")}\u00A0to\u00A0{Num(x.MeanUpper, "0.00")}"));
        if (r.Any(x => x.Coverage is not null)) columns.Add(("Coverage", x => Pct(x.Coverage)));
        if (r.Any(x => x.BiasLog is not null) && !compact) columns.Add(("Bias (log scale)", x => Num(x.BiasLog, "+0.000;-0.000;0.000")));
        IReadOnlyList<string> header = [.. leading, .. columns.Select(c => c.Header)];
        var cells = rows.Select(x => (IReadOnlyList<string>)[.. x.Lead, .. columns.Select(c => c.Cell(x.Row))]).ToList();
        return new ReportTable(caption, header, cells);
    }

    private static IEnumerable<ReportTable> MdrrTables(ResultsFolder f)
    {
        if (f.MdrrRows.Length == 0) yield break;
        IReadOnlyList<string> header = [.. f.MdrrParameters.Select(p => Labels.Parameter(p, f.Reference)), "Group", "Detector", "Direction", "Power target",
            "Minimum detectable rate ratio (95% band)", "Formula", "Replicates"];
        var rows = f.MdrrRows.Select(m => (IReadOnlyList<string>)[
            .. f.MdrrParameters.Select((path, i) => Labels.Value(path, m.Values[i])),
            m.Group, m.Detector, m.Direction, m.PowerTarget is double t ? Pct(t) : "–",
            m.Mdrr is double v
                ? MdrrOutput.Rr(v, Dp(m)) +
                  (m.MdrrLower is double lo && m.MdrrUpper is double hi ? $" ({MdrrOutput.Rr(lo, Dp(m))} to {MdrrOutput.Rr(hi, Dp(m))})" : "")
                : "not reached",
            m.AnalyticMdrr is double a ? MdrrOutput.Rr(a, Dp(m)) : "–", m.Replicates?.ToString("N0", Inv) ?? "–"]).ToList();
        yield return new ReportTable("Smallest disproportionality audits would flag (MDRR)", header, rows);

        // MDRR, its interval and the formula share one number of decimals, enough that the interval's ends differ.
        static int Dp(MdrrRow m) => MdrrOutput.Decimals(m.MdrrLower, m.MdrrUpper);
    }

    // ---- Reproducibility -------------------------------------------------------------------------------------------

    private static List<ReportItem> Reproducibility(ResultsFolder f)
    {
        var items = new List<ReportItem>
        {
            new("Results folder", f.Folder),
            new("Written by", $"BiasSim {(f.Version.Length > 0 ? f.Version : "(unknown version)")}{(f.Subcommand is { } c ? $" ({c})" : "")}"),
        };
        if (f.Version != VersionInfo.Version) items.Add(new ReportItem("Report made by", $"BiasSim {VersionInfo.Version}"));
        if (f.ScenarioFile is not null)
            items.Add(new ReportItem("Scenario file",
                f.ScenarioFile + (f.ScenarioText is not null ? $" (copied to {Path.Combine(f.Folder, ResultsFolder.ScenarioCopy)})" : "")));
        items.Add(new ReportItem("Seed", f.Seed?.ToString(Inv) ?? "set per design point"));
        items.Add(new ReportItem("Replicates", f.CompletedReplicates is long done && f.Replicates is long asked && done != asked
            ? string.Create(Inv, $"{done:N0} of {asked:N0} (stopped early)")
            : f.Replicates?.ToString("N0", Inv) ?? "set per design point"));
        items.Add(new ReportItem("Overrides (--set)", f.Overrides.Length == 0 ? "none" : string.Join("; ", f.Overrides)));
        if (f.ElapsedSeconds is double secs)
            items.Add(new ReportItem("Run time", secs.ToString("0.###", Inv) + " s (results do not depend on the number of threads)"));
        return items;
    }

    /// <summary>The command that writes this folder again, byte for byte, from the scenario copy inside it.</summary>
    private static string? RerunCommand(ResultsFolder f)
    {
        string? scenario = f.ScenarioText is not null ? Path.Combine(f.Folder, ResultsFolder.ScenarioCopy) : f.ScenarioFile;
        if (scenario is null) return null;
        var args = new List<string> { "biassim", f.Kind.ToString().ToLowerInvariant(), scenario };
        if (f.Kind == ResultsKind.Mdrr)
        {
            if (f.MdrrRows.Length != 1) return null;
            MdrrRow m = f.MdrrRows[0];
            args.AddRange(["--group", m.Group, "--direction", m.Direction, "--detector", m.Detector]);
            if (m.PowerTarget is double p) args.AddRange(["--power", p.ToString("R", Inv)]);
            if (m.Replicates is long r) args.AddRange(["--replicates", r.ToString(Inv)]);
        }
        if (f.Seed is ulong seed) args.AddRange(["--seed", seed.ToString(Inv)]);
        if (f.Replicates is long reps && f.Kind != ResultsKind.Mdrr) args.AddRange(["--replicates", reps.ToString(Inv)]);
        foreach (string o in f.Overrides) args.AddRange(["--set", o]);
        foreach (var (path, values) in f.SweepGrid) args.AddRange(["--set", $"{path}={string.Join(',', values)}"]);
        args.AddRange(["--out", f.Folder]);
        return string.Join(' ', args.Select(Shell));
    }

    /// <summary>POSIX shell quoting: bare when safe, else in single quotes.</summary>
    internal static string Shell(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "_-./:=@%+,".Contains(c)) ? arg
            : "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    // ---- Formatting ---------------------------------------------------------------------------------------------------

    private static int Per100(double rate) => (int)Math.Round(100 * rate, MidpointRounding.AwayFromZero);
    private static string Percent(double fraction) => (100 * fraction).ToString("0.#", Inv) + "%";
    private static string Pct(double? v) => v is double d ? (100 * d).ToString("0.0", Inv) + "%" : "–";
    private static string Num(double? v, string format) => v is double d ? d.ToString(format, Inv) : "–";
    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
    private static string Lower(string s) => s.Length == 0 ? s : char.ToLowerInvariant(s[0]) + s[1..];
}
