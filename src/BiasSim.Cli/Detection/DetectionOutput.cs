using System.Globalization;
using System.Text;
using BiasSim.Cli.Output;
using BiasSim.Cli.Plots;
using BiasSim.Cli.Report;
using BiasSim.Cli.Results;
using BiasSim.Core.Detectors;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli.Detection;

/// <summary>What <c>detect</c> writes: detection.csv, the console table, and the plain-language report.</summary>
internal static class DetectionOutput
{
    public const string CsvFile = "detection.csv";

    /// <summary>detection.csv's columns, in order: a public contract.</summary>
    public static readonly string[] Columns = ["detector", "group", "estimate", "lower", "upper", "statistic", "df", "p_value", "flagged", "note"];

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>detection.csv: numbers at round-trip precision; every cell escaped against spreadsheet formula injection.</summary>
    public static string RenderCsv(DetectionResult result)
    {
        using var csv = new CsvText();
        csv.Row(Columns);
        foreach (DetectionRow r in result.Rows)
        {
            csv.Row([r.Detector, r.Group, N(r.Estimate), N(r.Lower), N(r.Upper), N(r.Statistic), N(r.Df), N(r.PValue), r.Flagged, r.Note]);
        }
        return csv.ToString();
    }

    private static string N(double? v) => v is double d ? d.ToString("R", Inv) : "";

    public const string SummaryFile = "summary.json";

    /// <summary>summary.json of a detect folder: what was read, the request, and the same rows as detection.csv (numbers as
    /// JSON numbers, round-trip), with the command that wrote it like every other BiasSim summary.json.</summary>
    public static string RenderSummary(DetectionResult r) => ResultsJson.Serialize(Summary(r), ResultsJson.Default.DetectSummary);

    public static DetectSummary Summary(DetectionResult r) => new()
    {
        Version = VersionInfo.Version,
        DataFile = r.Request.Data,
        CensusFile = r.Request.Census,
        MatrixFile = r.Request.Matrix,
        Reference = r.Reference,
        Alpha = r.Request.Alpha,
        Referrals = r.Referrals,
        Unknown = r.Unknown,
        MissingShare = r.MissingShare,
        Detectors = r.Detectors,
        Rows = [.. r.Rows.Select(row => new DetectSummaryRow(row.Detector, row.Group, row.Estimate, row.Lower, row.Upper, row.Statistic, row.Df,
            row.PValue, row.Flagged, row.Note))],
    };

    /// <summary>The name of what is recorded: "ethnicity" for recorded_ethnicity, else "group".</summary>
    public static string Attribute(DetectionResult r) =>
        r.Data.GroupColumn.StartsWith("recorded_", StringComparison.OrdinalIgnoreCase) && r.Data.GroupColumn.Length > 9 ? r.Data.GroupColumn[9..] : "group";

    public static string Describe(string detector, string reference, double confidence, string? by) =>
        DetectorCatalog.Describe(detector).Estimates(new DetectorContext(reference, 1 - confidence / 100, new DetectorSpec(detector) { By = by }, "group"));

    /// <summary>What each detector assumes, in plain words (docs/detectors.md).</summary>
    public static string Assumes(string detector, string attribute) =>
        DetectorCatalog.Describe(detector).Assumes(new DetectorContext("", 0.05, new DetectorSpec(detector), attribute));

    /// <summary>The headline, one finding per group, and what the data cannot show.</summary>
    public static (string Headline, List<string> Findings, List<string> Cannot) Words(DetectionResult r)
    {
        string reference = r.Reference, attribute = Attribute(r);
        string share = (100 * r.MissingShare).ToString("0.0", Inv) + "%";
        string level = (100 * (1 - r.Request.Alpha)).ToString("0.##", Inv) + "%";
        var findings = new List<string>
        {
            string.Create(Inv, $"Of {r.Referrals:N0} referrals, {r.Unknown:N0} ({share}) have no recorded {attribute}."),
        };
        DetectionRow? Find(string detector, string group) => r.Rows.FirstOrDefault(x => x.Detector == detector && x.Group == group);
        var overBounds = new List<string>();
        var underBounds = new List<string>();
        var flaggedCc = new List<string>();
        foreach (string group in r.Population.Groups.Select(g => g.Name).Where(g => g != reference))
        {
            var parts = new List<string>();
            if (Find(RateRatioDetector.DetectorName, group) is { } rr)
            {
                if (!rr.Estimable) parts.Add($"on recorded referrals alone the rate ratio cannot be estimated ({rr.Note["not estimable: ".Length..]})");
                else
                {
                    if (rr.Flagged is "up" or "down") flaggedCc.Add(group);
                    string verdict = rr.Flagged switch
                    {
                        "up" => $"higher than the {reference} rate beyond chance",
                        "down" => $"lower than the {reference} rate beyond chance",
                        _ => $"not distinguishable from the {reference} rate",
                    };
                    parts.Add(string.Create(Inv,
                        $"on recorded referrals alone, referred at {rr.Estimate:0.00} times the {reference} rate ({level} interval {rr.Lower:0.00} to " +
                        $"{rr.Upper:0.00}), {verdict}"));
                }
            }
            if (Find(MisclassificationCorrectedDetector.DetectorName, group) is { } mc)
            {
                parts.Add(mc.Estimable
                    ? string.Create(Inv,
                        $"corrected for the misclassification matrix, {mc.Estimate:0.00} ({level} interval {mc.Lower:0.00} to {mc.Upper:0.00})")
                    : $"the misclassification correction is not estimable ({mc.Note["not estimable: ".Length..]})");
            }
            if (Find(IpwDetector.DetectorName, group) is { Estimable: true } ipw)
            {
                parts.Add(string.Create(Inv, $"weighted by {r.Data.Stratifier}, {ipw.Estimate:0.00} ({level} interval {ipw.Lower:0.00} to {ipw.Upper:0.00})"));
            }
            if (Find(BoundsDetector.DetectorName, group) is { } b)
            {
                if (!b.Estimable) parts.Add("the bounds cannot be computed");
                else if (b.Lower > 1)
                {
                    overBounds.Add(group);
                    parts.Add(string.Create(Inv,
                        $"assuming nothing about the unrecorded referrals, between {b.Lower:0.00} and {Fmt(b.Upper)}: higher than the {reference} rate even " +
                        $"in the worst case"));
                }
                else if (b.Upper < 1)
                {
                    underBounds.Add(group);
                    parts.Add(string.Create(Inv,
                        $"assuming nothing about the unrecorded referrals, between {b.Lower:0.00} and {Fmt(b.Upper)}: lower than the {reference} rate even " +
                        $"in the best case"));
                }
                else
                    parts.Add(string.Create(Inv,
                        $"assuming nothing about the unrecorded referrals, anywhere from {b.Lower:0.00} to {Fmt(b.Upper)}, so these data alone cannot show " +
                        $"whether {group} people are over- or under-referred"));
            }
            if (TippingPoint(r, group, Find) is string tipping) parts.Add(tipping);
            if (parts.Count > 0) findings.Add($"{group}: {string.Join("; ", parts)}.");
        }
        if (r.Rows.FirstOrDefault(x => x.Detector == ChiSquareDetector.DetectorName) is { Estimable: true } chi)
        {
            findings.Add(string.Create(Inv,
                $"Chi-square test of recorded referrals against census shares: X² = {chi.Statistic:0.0} on {chi.Df} df, p {PWithSign(chi.PValue)}: ") +
                (chi.Flagged == "yes" ? "the recorded referrals are not spread across groups as the population is."
                    : "no evidence that the recorded referrals are spread differently from the population."));
        }

        string headline;
        bool ranBounds = r.Detectors.Contains(BoundsDetector.DetectorName);
        bool ranRr = r.Detectors.Contains(RateRatioDetector.DetectorName);
        if (ranBounds && overBounds.Count + underBounds.Count == 0)
        {
            headline = $"With {share} of referrals having no recorded {attribute}, these data alone cannot show whether any group is referred at a different " +
                $"rate from {reference} people: every group's bounds include a rate ratio of 1" +
                (ranRr && flaggedCc.Count > 0 ? $", although recorded referrals alone would flag {List(flaggedCc)}." : ".");
        }
        else if (ranBounds)
        {
            var said = new List<string>();
            if (overBounds.Count > 0) said.Add($"{List(overBounds)} are referred at a higher rate than {reference} people");
            if (underBounds.Count > 0) said.Add($"{List(underBounds)} are referred at a lower rate");
            headline = string.Create(Inv, $"Even assuming nothing about the {r.Unknown:N0} unrecorded referrals, {string.Join(", and ", said)}.");
        }
        else if (ranRr)
        {
            headline = flaggedCc.Count > 0
                ? $"On recorded referrals alone (complete-case), {List(flaggedCc)} are referred at a different rate from {reference} people; that " +
                    $"holds only if recording is unrelated to {Itself(attribute)} and the categories are self-defined."
                : $"On recorded referrals alone (complete-case), no group's rate differs from the {reference} rate beyond chance.";
        }
        else
        {
            headline = string.Create(Inv,
                $"{r.Detectors.Length} detector(s) ran once on {r.Referrals:N0} referrals, {share} of them with no recorded {attribute}.");
        }

        var cannot = new List<string>();
        if (r.Unknown > 0 && (ranRr || r.Detectors.Contains(ChiSquareDetector.DetectorName)))
        {
            cannot.Add($"The complete-case analysis (rate-ratio, chi-square) assumes the {share} unrecorded referrals are like the recorded ones. If " +
                $"recording depends on {Itself(attribute)} itself, it is biased however many referrals there are; the bounds show how far that could go.");
        }
        cannot.AddRange(r.Notes);
        cannot.Add("The true rate ratios are unknown, so a single analysis cannot say how often an audit like this one would find a disproportionality that " +
            "exists. 'biassim run' on a scenario that mimics these data (their missing share, who assigns the categories) measures exactly that.");
        return (headline, findings, cannot);
    }

    /// <summary>
    /// The tipping-point sentence for one group: the recording ratio (the group's recording rate over the reference's) at
    /// which the complete-case finding stops being significant, from the tipping-point row when that detector ran, else
    /// from the rate-ratio row's Katz interval, which is the same number (its end nearest 1: docs/detectors.md). Flagged up,
    /// the finding survives recording ratios below the tipping point; flagged down, above it. Not significant: no recording
    /// difference is needed, and nothing more is said.
    /// </summary>
    internal static string? TippingPoint(DetectionResult r, string group, Func<string, string, DetectionRow?> find)
    {
        DetectionRow? row = find(DetectorCatalog.TippingPoint, group) is { Estimable: true } tp ? tp
            : find(RateRatioDetector.DetectorName, group) is { Estimable: true } rr ? rr : null;
        if (row is null) return null;
        string attribute = Attribute(r), reference = r.Reference;
        string recorded = attribute == "group" ? "were recorded" : $"had their {attribute} recorded";
        if (row.Flagged is not ("up" or "down"))
        {
            return $"no difference in recording between {group} and {reference} referrals is needed to explain why nothing was flagged";
        }
        // The tipping point is the interval end nearest 1: the lower end of an up flag, the upper end of a down flag.
        double tip = row.Detector == DetectorCatalog.TippingPoint && row.Estimate is double e ? e : row.Flagged == "up" ? row.Lower!.Value : row.Upper!.Value;
        return row.Flagged == "up"
            ? $"this finding would vanish (stop being significant) if {group} referrals {recorded} {Ratio(tip)} times as often as {reference} ones, or " +
                $"more often still; " +
              "a smaller recording difference cannot explain it away"
            : $"this finding would vanish (stop being significant) if {group} referrals {recorded} only {Ratio(tip)} times as often as {reference} ones " +
              $"({reference} referrals {Ratio(1 / tip)} times as often as {group} ones), or less often still; a smaller recording difference cannot " +
                  $"explain it away";
    }

    /// <summary>A recording ratio to 2 decimals, or 3 when 2 would print 1.00 for a ratio that is not 1.</summary>
    private static string Ratio(double v) => v.ToString(v.ToString("0.00", Inv) == "1.00" ? "0.000" : "0.00", Inv);

    /// <summary>"ethnicity", or "the group" when the attribute has no better name.</summary>
    private static string Itself(string attribute) => attribute == "group" ? "the group" : attribute;

    private static string Fmt(double? v) => v is double d && double.IsPositiveInfinity(d) ? "infinity" : (v ?? double.NaN).ToString("0.00", Inv);

    private static string PWithSign(double? p) => p is double v && v < 0.0001 ? "< 0.0001" : "= " + P(p);

    private static string P(double? p) => p is not double v ? "-" : v < 0.0001 ? "< 0.0001" : v.ToString("0.0000", Inv);

    private static string List(List<string> items) => items.Count switch
    {
        1 => $"{items[0]} people",
        _ => $"{string.Join(", ", items.Take(items.Count - 1))} and {items[^1]} people",
    };

    private static string Num(double? v, string format = "0.000") => v is not double d ? "-" : double.IsPositiveInfinity(d) ? "inf" : d.ToString(format, Inv);

    /// <summary>The tables and sentences printed after <c>biassim detect</c>.</summary>
    public static string RenderConsole(DetectionResult r, string outFolder, IEnumerable<string> written)
    {
        var sb = new StringBuilder();
        DetectRequest q = r.Request;
        string form = r.Data.Form == DataForm.Records ? $"records, group column {r.Data.GroupColumn}" : "counts by group";
        sb.Append(Inv, $"{q.Data} ({form}): {r.Referrals:N0} referrals, {r.Unknown:N0} ({100 * r.MissingShare:0.0}%) with no recorded {Attribute(r)}\n");
        sb.Append(Inv,
            $"Census: {q.Census ?? q.Data + " (population column)"}, {r.Population.Groups.Length} groups; reference {r.Reference}; alpha {q.Alpha}\n");
        double confidence = 100 * (1 - q.Alpha);
        foreach (var (detector, rows) in Tables(r, confidence))
        {
            sb.Append('\n').Append(detector).Append(": ").Append(Describe(detector, r.Reference, confidence, r.Data.Stratifier)).Append('\n');
            var table = new TextTable([.. rows.Header]);
            foreach (IReadOnlyList<string> row in rows.Rows) table.Add([.. row]);
            table.Render(sb);
        }
        var (headline, findings, cannot) = Words(r);
        sb.Append("\nWhat these data can and cannot show:\n");
        sb.Append("  ").Append(headline).Append('\n');
        foreach (string f in findings) sb.Append("  - ").Append(f).Append('\n');
        foreach (string c in cannot) sb.Append("  - ").Append(c).Append('\n');
        sb.Append('\n');
        foreach (string file in written) sb.Append("Wrote ").Append(file).Append('\n');
        return sb.ToString();
    }

    /// <summary>One table per detector: header and formatted rows, shared by the console and the report. The note column
    /// (why a row is not estimable) appears only when some row has one.</summary>
    public static IEnumerable<(string Detector, ReportTable Table)> Tables(DetectionResult r, double confidence)
    {
        foreach (string detector in r.Detectors)
        {
            DetectionRow[] rows = [.. r.Rows.Where(x => x.Detector == detector)];
            bool notes = rows.Any(x => !x.Estimable);
            List<string> header;
            var cells = new List<IReadOnlyList<string>>();
            if (detector == ChiSquareDetector.DetectorName)
            {
                header = ["test", "statistic", "df", "p-value", "flagged"];
                foreach (DetectionRow x in rows) cells.Add([x.Group, Num(x.Statistic, "0.00"), Num(x.Df, "0"), P(x.PValue), x.Flagged]);
            }
            else if (detector == BoundsDetector.DetectorName)
            {
                header = ["group", "lower", "upper", "midpoint", "flagged"];
                foreach (DetectionRow x in rows) cells.Add([x.Group, Num(x.Lower), Num(x.Upper), Num(x.Estimate), x.Flagged]);
            }
            else
            {
                header = [detector == MissingShareDetector.DetectorName ? r.Data.Stratifier ?? "level" : "group", "estimate", $"{confidence:0.#}% interval",
                    "z", "p-value", "flagged"];
                foreach (DetectionRow x in rows)
                {
                    bool omnibus = x.Estimate is null && x.Statistic is not null;
                    cells.Add(omnibus
                        ? [x.Group, "-", "-", string.Create(Inv, $"X²={Num(x.Statistic, "0.00")}, df {Num(x.Df, "0")}"), P(x.PValue), x.Flagged]
                        : [x.Group, Num(x.Estimate), x.Lower is null ? "-" : $"{Num(x.Lower)} to {Num(x.Upper)}", Num(x.Statistic, "0.00"), P(x.PValue),
                            x.Flagged]);
                }
            }
            if (notes)
            {
                header.Add("note");
                for (int i = 0; i < cells.Count; i++) cells[i] = [.. cells[i], rows[i].Estimable ? "" : rows[i].Note];
            }
            yield return (detector, new ReportTable($"{detector}: {Describe(detector, r.Reference, confidence, r.Data.Stratifier)}", header, cells));
        }
    }

    /// <summary>The report document: the same kind of report as a simulation's, framed as what these data can and cannot show.</summary>
    /// <summary>The plot of the estimates, intervals and bounds (none when nothing is estimable, or when the graphics library
    /// cannot load: then <paramref name="failure"/> says why and a warning goes to <paramref name="stderr"/>).</summary>
    public static IReadOnlyList<RenderedPlot> TryDrawPlots(DetectionResult r, TextWriter stderr, out string? failure)
    {
        try
        {
            failure = null;
            return DetectPlots.Build(r);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException or EntryPointNotFoundException)
        {
            failure = $"the plot could not be drawn: the SkiaSharp graphics library did not load on this machine ({e.GetBaseException().Message})";
            stderr.WriteLine($"biassim: warning: {failure}; the other results are written (use --no-plots to skip plots).");
            return [];
        }
    }

    public static ReportDocument Report(DetectionResult r, string rerun, IReadOnlyList<RenderedPlot>? plots = null, string? plotsNote = null)
    {
        var (headline, findings, cannot) = Words(r);
        DetectRequest q = r.Request;
        double confidence = 100 * (1 - q.Alpha);
        string attribute = Attribute(r);
        var assumptions = new List<ReportItem>
        {
            new("Data", string.Create(Inv,
                $"{q.Data}: " +
                $"{(r.Data.Form == DataForm.Records ? $"one row per referral, recorded group in column {r.Data.GroupColumn}" : "counts by group")}; " +
                $"{r.Referrals:N0} referrals, {r.Unknown:N0} with no recorded {attribute}.")),
            new("Unrecorded",
                $"an empty value or one of: {string.Join(", ", q.Options.UnknownValues)} (ignoring case)" +
                    (r.Data.Form == DataForm.Counts ? "; in a counts file, the row with that group name" : "") + "."),
            new("Census",
                string.Create(Inv,
                    $"{q.Census ?? q.Data + " (population column)"}: {string.Join(", ", r.Population.Groups.Select(g => $"{g.Name} {g.Census:N0}"))}.")),
            new("Reference group",
                $"{r.Reference}: every rate ratio compares a group's referral rate per head of census population with the {r.Reference} rate."),
        };
        foreach (string d in r.Detectors)
            assumptions.Add(new ReportItem(d, $"{Describe(d, r.Reference, confidence, r.Data.Stratifier)}. Assumes {Assumes(d, attribute)}."));
        if (q.Matrix is not null)
            assumptions.Add(new ReportItem("Misclassification matrix", $"{q.Matrix}: rows self-defined groups, columns recorded categories."));
        return new ReportDocument
        {
            ScenarioName = $"What {Path.GetFileName(q.Data)} can and cannot show",
            Description = "A single analysis of observed referral data with BiasSim's detectors; the true rate ratios are unknown.",
            Kind = "detect",
            Headline = headline,
            Findings = findings,
            Notes = cannot,
            Assumptions = assumptions,
            Tables = [.. Tables(r, confidence).Select(t => t.Table)],
            TableNote = string.Create(Inv,
                $"Estimates are rate ratios against {r.Reference} (1 = the same rate per head of population), with {confidence:0.#}% intervals; 'flagged' is " +
                $"up or down when the interval (or, for bounds, the whole identified range) excludes 1, and yes when a test has p < {q.Alpha}. The same " +
                $"numbers at full precision are in {CsvFile}."),
            Plots = plots ?? [],
            PlotsNote = plotsNote ?? "No group has an estimable rate ratio to plot. 'biassim run' on a scenario that mimics these data draws power and " +
                "interval plots.",
            Reproducibility =
            [
                new("Data file", q.Data),
                new("Census", q.Census ?? "the data file's population column"),
                new("Alpha", q.Alpha.ToString(Inv)),
                new("Version", $"BiasSim {VersionInfo.Version}"),
            ],
            RerunCommand = rerun,
            Generator = $"BiasSim {VersionInfo.Version}",
        };
    }
}
