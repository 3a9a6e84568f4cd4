using System.Globalization;
using System.Text;
using BiasSim.Cli.Output;
using BiasSim.Cli.Plots;
using static BiasSim.Cli.Report.HtmlReport;

namespace BiasSim.Cli.Report;

/// <summary>
/// <c>biassim report DIR --short</c>: a one-page summary for advocates and journalists. report-short.html holds the
/// headline, the verdict, one plot (what 100 audits would conclude; the MDRR plot for an MDRR grid) and the key facts,
/// with no tables and no YAML, and prints on one A4 page; report-short.md says the same with the plot as a file link.
/// </summary>
internal static class ShortReport
{
    public const string HtmlFile = "report-short.html";
    public const string MarkdownFile = "report-short.md";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    // One A4 page: 297 mm less 2 x 12 mm margins leaves 273 mm; the plot (800 x 500) is held to 92 mm tall, the words
    // take the rest at 9.5 pt. tests/browser/check-short-report.sh prints it with Chromium and counts the pages.
    private const string Css = """
        :root { color-scheme: light; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #fff; color: #111; line-height: 1.45;
               font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
        main { max-width: 52rem; margin: 0 auto; padding: 1.5rem 1.25rem 2rem; }
        .kicker { margin: 0; font-size: .8rem; letter-spacing: .08em; text-transform: uppercase; color: #444; }
        h1 { font-size: 1.7rem; line-height: 1.2; margin: .2rem 0 .4rem; overflow-wrap: anywhere; }
        .description { color: #333; margin: 0 0 .6rem; }
        .headline { font-size: 1.2rem; font-weight: 600; line-height: 1.4; margin: .6rem 0; padding: .6rem .9rem;
                    border-left: .4rem solid #0072B2; background: #F2F6FA; }
        .verdict { font-size: 1.05rem; margin: .6rem 0; padding: .5rem .9rem; border: 2px solid #111; }
        figure { margin: .8rem 0; }
        figure img { display: block; width: 100%; max-width: 800px; height: auto; border: 1px solid #C8C8C8; }
        figcaption { font-size: .85rem; color: #222; margin-top: .3rem; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .6rem 0; font-size: .88rem; }
        dl.facts dt { font-weight: 700; }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        footer { margin-top: .8rem; padding-top: .4rem; border-top: 1px solid #C8C8C8; font-size: .78rem; color: #444; }
        @page { size: A4; margin: 12mm 14mm; }
        @media print {
          body { font-size: 9.5pt; line-height: 1.35; }
          main { max-width: none; padding: 0; }
          h1 { font-size: 16pt; }
          .headline { background: none; font-size: 11.5pt; margin: 3mm 0; padding: 1.5mm 3mm; }
          .verdict { font-size: 10pt; margin: 3mm 0; padding: 1.5mm 3mm; }
          figure { margin: 3mm 0; }
          figure, .headline, .verdict, dl.facts { break-inside: avoid; page-break-inside: avoid; }
          figure img { width: auto; max-width: 100%; max-height: 92mm; margin: 0 auto; }
          figcaption, dl.facts { font-size: 8.5pt; }
          footer { font-size: 7.5pt; margin-top: 2mm; }
        }
        """;

    /// <summary>The one plot: what 100 audits would conclude (run, or the sweep's headline series), else the MDRR plot, else the first.</summary>
    public static RenderedPlot? ChoosePlot(IReadOnlyList<RenderedPlot> plots) =>
        plots.FirstOrDefault(p => p.FileStem == "outcomes") ?? plots.FirstOrDefault(p => p.FileStem.StartsWith("sweep-outcomes", StringComparison.Ordinal))
        ?? plots.FirstOrDefault(p => p.FileStem == "mdrr") ?? plots.FirstOrDefault();

    /// <summary>
    /// The verdict (<see cref="Verdicts.Verdict"/>): for a run, over its rows; for a sweep, at the design point where its
    /// headline ends (the largest value of the first swept parameter), so the two sentences agree; none for MDRR.
    /// </summary>
    public static string? Verdict(ResultsFolder f)
    {
        switch (f.Kind)
        {
            case ResultsKind.Run when f.Rows.Length > 0:
                return Verdicts.Verdict([.. f.Rows.Select(r => r.Row)]);
            case ResultsKind.Sweep when f.SweepPoints.Length > 0:
                var varying = SweepPlots.Varying(f.SweepParameters, f.SweepPoints.Select(p => p.Values));
                var points = f.SweepPoints.GroupBy(p => string.Join('\u001f', p.Values)).Select(g => g.ToList()).ToList();
                if (varying.Count > 0 && f.SweepPoints.All(p => p.Number(varying[0]) is not null))
                {
                    points = [.. points.OrderBy(g => g[0].Number(varying[0]))];
                }
                var last = points[^1];
                string where = string.Join(", ", (varying.Count > 0 ? varying : [.. Enumerable.Range(0, f.SweepParameters.Length)])
                    .Select(i => $"{Lower(Labels.Parameter(f.SweepParameters[i], f.Reference).Split(" (")[0])} " +
                        $"{Labels.Value(f.SweepParameters[i], last[0].Values[i])}"));
                string verdict = Verdicts.Verdict([.. last.Select(p => p.Result.Row)]);
                return verdict.StartsWith("Verdict: ", StringComparison.Ordinal) ? $"Verdict at {where}: {verdict["Verdict: ".Length..]}" : verdict;
            default:
                return null;
        }
    }

    private static string Lower(string s) => s.Length == 0 ? s : char.ToLowerInvariant(s[0]) + s[1..];

    /// <summary>The key facts under the plot: what was simulated, how often, and where the full results are.</summary>
    private static List<ReportItem> Facts(ResultsFolder f, ReportDocument full)
    {
        var items = new List<ReportItem>();
        if (f.Scenario is { } s && f.Kind != ResultsKind.Mdrr)
        {
            var different = s.Population.Groups.Where(g => s.Referrals.RateRatio(g.Name) != 1).ToList();
            items.Add(new ReportItem("Assumed", $"{s.Population.Groups.Length} groups compared with {s.Population.Reference} people; true rate ratios " +
                (different.Count == 0 ? "all 1 (no disproportionality)" : string.Join(", ", different.Select(g => $"{g.Name} " +
                    $"{s.Referrals.RateRatio(g.Name).ToString("0.###", Inv)}"))) +
                (f.ExpectedMissingShare is double m ? $"; {(100 * m).ToString("0.#", Inv)}% of ethnicity unrecorded" : "") +
                " (hypothetical: the simulation's assumptions)."));
        }
        if (full.Assumptions.Where(a => a.Term == "Swept").Select(a => a.Text).ToList() is { Count: > 0 } swept)
        {
            items.Add(new ReportItem("Swept", string.Join(" ", swept)));
        }
        string reps = (f.CompletedReplicates ?? f.Replicates) is long n
            ? string.Create(Inv, $"{n:N0} simulated audits{(f.Kind == ResultsKind.Sweep ? " per design point" : "")}")
            : "simulated audits";
        items.Add(new ReportItem("Simulated", $"{reps}, seed {f.Seed?.ToString(Inv) ?? "set per point"}; BiasSim " +
            $"{(f.Version.Length > 0 ? f.Version : VersionInfo.Version)}."));
        items.Add(new ReportItem("Full results", $"{ReportWriter.HtmlFile} (biassim report {f.Folder}): every table, plot and assumption."));
        return items;
    }

    public static (string Html, string Markdown) Render(ResultsFolder f, ReportDocument full, RenderedPlot? plot, string? plotNote)
    {
        string? verdict = Verdict(f);
        var facts = Facts(f, full);
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
         .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
         .Append("<meta name=\"generator\" content=\"").Append(E(full.Generator)).Append("\">\n")
         .Append("<title>BiasSim summary: ").Append(E(full.ScenarioName)).Append("</title>\n")
         .Append("<style>\n").Append(Css).Append("\n</style>\n</head>\n<body>\n<main>\n");
        h.Append("<header>\n<p class=\"kicker\">BiasSim ").Append(E(full.KindInWords)).Append(" " +
            "summary</p>\n<h1>").Append(E(full.ScenarioName)).Append("</h1>\n");
        if (full.Description.Length > 0) h.Append("<p class=\"description\">").Append(E(full.Description)).Append("</p>\n");
        h.Append("</header>\n");
        h.Append("<p class=\"headline\">").Append(E(full.Headline)).Append("</p>\n");
        if (verdict is not null) h.Append("<p class=\"verdict\">").Append(E(verdict)).Append("</p>\n");
        if (plot is not null)
        {
            h.Append("<figure>\n<img src=\"data:image/png;base64,").Append(Convert.ToBase64String(plot.Png))
             .Append("\" width=\"").Append(PlotTheme.Width).Append("\" height=\"").Append(PlotTheme.Height)
             .Append("\" alt=\"").Append(E(plot.AltText)).Append("\">\n<figcaption>").Append(E(plot.Caption)).Append("</figcaption>\n</figure>\n");
        }
        else
        {
            h.Append("<p>").Append(E(plotNote ?? "No plot for this folder.")).Append("</p>\n");
        }
        h.Append("<dl class=\"facts\">\n");
        foreach (ReportItem i in facts) h.Append("<dt>").Append(E(i.Term)).Append("</dt><dd>").Append(E(i.Text)).Append("</dd>\n");
        h.Append("</dl>\n<footer><p>Made with ").Append(E(full.Generator))
         .Append(". A flag is not a finding: an audit is correct only when it flags the true direction with an interval holding the true rate " +
             "ratio.</p></footer>\n")
         .Append("</main>\n</body>\n</html>\n");

        var m = new StringBuilder();
        m.Append("# ").Append(full.ScenarioName).Append("\n\n");
        if (full.Description.Length > 0) m.Append(full.Description).Append("\n\n");
        m.Append("**").Append(full.Headline).Append("**\n\n");
        if (verdict is not null) m.Append(verdict).Append("\n\n");
        if (plot is not null)
        {
            m.Append("![").Append(plot.AltText.Replace("]", ")", StringComparison.Ordinal)).Append("](")
             .Append(PlotSet.FolderName).Append('/').Append(plot.FileStem).Append(".png)\n\n")
             .Append('*').Append(plot.Caption).Append("*\n\n");
        }
        else m.Append(plotNote ?? "No plot for this folder.").Append("\n\n");
        foreach (ReportItem i in facts) m.Append("- **").Append(i.Term).Append(":** ").Append(i.Text).Append('\n');
        m.Append("\nMade with ").Append(full.Generator).Append(".\n");
        return (h.ToString(), m.ToString());
    }

    /// <summary>Writes report-short.html, report-short.md and the one plot (plots/STEM.png and .svg), each atomically.</summary>
    public static (string Html, string Markdown) Write(ResultsFolder f, string outFolder, IReadOnlyList<RenderedPlot> plots, string? plotsNote)
    {
        RenderedPlot? plot = ChoosePlot(plots);
        ReportDocument full = ReportBuilder.Build(f, plot is null ? [] : [plot], plotsNote);
        var (html, markdown) = Render(f, full, plot, plotsNote);
        string htmlPath = Path.Combine(outFolder, HtmlFile), markdownPath = Path.Combine(outFolder, MarkdownFile);
        try
        {
            Directory.CreateDirectory(outFolder);
            if (plot is not null) PlotSet.Write([plot], Path.Combine(outFolder, PlotSet.FolderName));
            AtomicFile.WriteAllText(htmlPath, html);
            AtomicFile.WriteAllText(markdownPath, markdown);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{outFolder}: cannot write the summary there ({e.Message})");
        }
        return (htmlPath, markdownPath);
    }
}
