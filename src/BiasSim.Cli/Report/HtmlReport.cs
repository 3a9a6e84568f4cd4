using System.Net;
using System.Text;
using BiasSim.Cli.Plots;

namespace BiasSim.Cli.Report;

/// <summary>
/// report.html: one self-contained file (CSS inline, plots as data: URIs, no scripts, fonts or links), accessible
/// (lang, h1/h2 headings, alt text stating what each plot shows, tables with th scope, nothing said by colour alone)
/// and made to print (A4 page CSS, no table, figure or code block split across pages). Every piece of text is
/// HTML-escaped: scenario names, descriptions, group names and file text come from users.
/// </summary>
internal static class HtmlReport
{
    private const string Css = """
        :root { color-scheme: light; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #fff; color: #111; line-height: 1.5;
               font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
        main { max-width: 64rem; margin: 0 auto; padding: 2rem 1.25rem 3rem; }
        .kicker { margin: 0; font-size: .8rem; letter-spacing: .08em; text-transform: uppercase; color: #444; }
        h1 { font-size: 2rem; line-height: 1.2; margin: .25rem 0 .5rem; overflow-wrap: anywhere; }
        h2 { font-size: 1.35rem; margin: 2.25rem 0 .75rem; padding-bottom: .2rem; border-bottom: 2px solid #111; }
        h3 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
        .description { font-size: 1.05rem; color: #333; margin: 0 0 1rem; }
        .headline { font-size: 1.3rem; font-weight: 600; line-height: 1.4; margin: 1rem 0; padding: .75rem 1rem;
                    border-left: .4rem solid #0072B2; background: #F2F6FA; }
        ul.findings li { margin: .35rem 0; }
        .note { font-size: .95rem; color: #222; }
        dl.facts { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: .45rem 1.25rem; margin: .5rem 0 1rem; }
        dl.facts dt { font-weight: 700; }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        .table-wrap { overflow-x: auto; margin: .75rem 0 1.5rem; }
        table { border-collapse: collapse; width: auto; min-width: 50%; font-size: .88rem; font-variant-numeric: tabular-nums; }
        caption { caption-side: top; text-align: left; font-weight: 700; padding: .25rem 0 .4rem; }
        th, td { border: 1px solid #8A8A8A; padding: .3rem .45rem; vertical-align: top; }
        td { text-align: left; }
        td.num { text-align: right; }
        thead th { background: #EDEDED; text-align: left; font-weight: 700; }
        tbody th { text-align: left; font-weight: 600; min-width: 7.5rem; overflow-wrap: break-word; }
        tbody tr:nth-child(even) td, tbody tr:nth-child(even) th { background: #FAFAFA; }
        figure { margin: 1.75rem 0; }
        figure img { display: block; width: 100%; max-width: 800px; height: auto; border: 1px solid #C8C8C8; }
        figcaption { font-size: .92rem; color: #222; margin-top: .4rem; max-width: 800px; }
        figcaption strong { display: block; }
        pre { margin: .5rem 0 1rem; padding: .75rem; background: #F5F5F5; border: 1px solid #C8C8C8; font-size: .85rem;
              white-space: pre-wrap; overflow-wrap: anywhere; }
        code { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; }
        footer { margin-top: 3rem; padding-top: .5rem; border-top: 1px solid #C8C8C8; font-size: .85rem; color: #444; }
        @page { size: A4; margin: 16mm 14mm; }
        @media print {
          body { font-size: 10.5pt; }
          main { max-width: none; padding: 0; }
          h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
          table, tr, figure, pre, dl.facts, .headline { break-inside: avoid; page-break-inside: avoid; }
          thead { display: table-header-group; }
          .table-wrap { overflow: visible; }
          .headline { background: none; }
          section.results, section.plots, section.reproducibility { break-before: page; page-break-before: always; }
          figure img { max-width: 100%; max-height: 11cm; width: auto; }
        }
        """;

    public static string Render(ReportDocument d)
    {
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
         .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
         .Append("<meta name=\"generator\" content=\"").Append(E(d.Generator)).Append("\">\n")
         .Append("<title>BiasSim report: ").Append(E(d.ScenarioName)).Append("</title>\n")
         .Append("<style>\n").Append(Css).Append("\n</style>\n</head>\n<body>\n<main>\n");

        h.Append("<header>\n<p class=\"kicker\">BiasSim ").Append(E(d.KindInWords)).Append(" report</p>\n")
         .Append("<h1>").Append(E(d.ScenarioName)).Append("</h1>\n");
        if (d.Description.Length > 0) h.Append("<p class=\"description\">").Append(E(d.Description)).Append("</p>\n");
        h.Append("</header>\n");

        Section(h, "summary", "In plain words");
        h.Append("<p class=\"headline\">").Append(E(d.Headline)).Append("</p>\n");
        var findings = d.Findings.Where(x => x != d.Headline).ToList();
        if (findings.Count > 0)
        {
            h.Append("<ul class=\"findings\">\n");
            foreach (string f in findings) h.Append("<li>").Append(E(f)).Append("</li>\n");
            h.Append("</ul>\n");
        }
        foreach (string n in d.Notes) h.Append("<p class=\"note\">").Append(E(n)).Append("</p>\n");
        h.Append("</section>\n");

        Section(h, "assumptions", "What was assumed");
        Facts(h, d.Assumptions);
        h.Append("</section>\n");

        Section(h, "results", "Results");
        h.Append("<p class=\"note\">").Append(E(d.TableNote)).Append("</p>\n");
        foreach (ReportTable t in d.Tables) Table(h, t);
        h.Append("</section>\n");

        Section(h, "plots", "Plots");
        if (d.Plots.Count == 0) h.Append("<p>").Append(E(d.PlotsNote ?? "No plots for this folder.")).Append("</p>\n");
        foreach (RenderedPlot p in d.Plots)
        {
            h.Append("<figure>\n<img src=\"data:image/png;base64,").Append(Convert.ToBase64String(p.Png))
             .Append("\" width=\"").Append(PlotTheme.Width).Append("\" height=\"").Append(PlotTheme.Height)
             .Append("\" alt=\"").Append(E(p.AltText)).Append("\">\n")
             .Append("<figcaption><strong>").Append(E(p.Title)).Append("</strong>").Append(E(p.Caption))
             .Append(" (Also saved as plots/").Append(E(p.FileStem)).Append(".png and .svg.)</figcaption>\n</figure>\n");
        }
        h.Append("</section>\n");

        Section(h, "reproducibility", "Reproducibility");
        Facts(h, d.Reproducibility);
        if (d.RerunCommand is not null)
        {
            h.Append("<h3>Command to re-run</h3>\n<pre><code>").Append(E(d.RerunCommand)).Append("</code></pre>\n")
             .Append("<p class=\"note\">The same seed gives the same results on any machine and any number of threads.</p>\n");
        }
        if (d.ScenarioText is not null) h.Append("<h3>Scenario file</h3>\n<pre><code>").Append(E(d.ScenarioText.TrimEnd())).Append("</code></pre>\n");
        h.Append("</section>\n");

        h.Append("<footer><p>Made with ").Append(E(d.Generator))
         .Append(". BiasSim simulates how missing and officer-assigned ethnicity data hide or fake disproportionality; the true rate ratios are the " +
             "scenario's assumptions.</p></footer>\n");
        h.Append("</main>\n</body>\n</html>\n");
        return h.ToString();
    }

    private static void Section(StringBuilder h, string id, string heading) =>
        h.Append("<section class=\"").Append(id).Append("\" aria-labelledby=\"h-").Append(id).Append("\">\n<h2 id=\"h-").Append(id).Append("\">")
            .Append(E(heading)).Append("</h2>\n");

    private static void Facts(StringBuilder h, IReadOnlyList<ReportItem> items)
    {
        h.Append("<dl class=\"facts\">\n");
        foreach (ReportItem i in items) h.Append("<dt>").Append(E(i.Term)).Append("</dt><dd>").Append(E(i.Text)).Append("</dd>\n");
        h.Append("</dl>\n");
    }

    private static void Table(StringBuilder h, ReportTable t)
    {
        h.Append("<div class=\"table-wrap\">\n<table>\n<caption>").Append(E(t.Caption)).Append("</caption>\n<thead><tr>");
        foreach (string c in t.Header) h.Append("<th scope=\"col\">").Append(E(c)).Append("</th>");
        h.Append("</tr></thead>\n<tbody>\n");
        foreach (IReadOnlyList<string> row in t.Rows)
        {
            h.Append("<tr>");
            for (int i = 0; i < row.Count; i++)
            {
                h.Append(i == 0 ? "<th scope=\"row\">" : IsNumber(row[i]) ? "<td class=\"num\">" : "<td>").Append(E(row[i])).Append(i == 0 ? "</th>" : "</td>");
            }
            h.Append("</tr>\n");
        }
        h.Append("</tbody>\n</table>\n</div>\n");
    }

    /// <summary>Numbers (and the "–" of a missing one) are right-aligned so their digits line up.</summary>
    internal static bool IsNumber(string cell) => cell.Length > 0
        && (char.IsAsciiDigit(cell[0]) || cell[0] is '–' || (cell[0] is '-' or '+' && cell.Length > 1 && char.IsAsciiDigit(cell[1])));

    /// <summary>Escapes &amp; &lt; &gt; " and ' (safe in text and in quoted attributes).</summary>
    public static string E(string text) => WebUtility.HtmlEncode(text);
}
