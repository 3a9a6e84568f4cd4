using System.Text;
using BiasSim.Cli.Plots;

namespace BiasSim.Cli.Report;

/// <summary>report.md: the same report as <see cref="HtmlReport"/> in Markdown, with the plots linked from plots/.
/// User text is escaped so it cannot become Markdown or raw HTML (many Markdown viewers render HTML).</summary>
internal static class MarkdownReport
{
    public static string Render(ReportDocument d)
    {
        var m = new StringBuilder();
        m.Append("# ").Append(Md(d.ScenarioName)).Append("\n\n");
        m.Append("*BiasSim ").Append(Md(d.KindInWords)).Append(" report*");
        if (d.Description.Length > 0) m.Append(": ").Append(Md(d.Description));
        m.Append("\n\n## In plain words\n\n");
        m.Append("**").Append(Md(d.Headline)).Append("**\n\n");
        var findings = d.Findings.Where(x => x != d.Headline).ToList();
        foreach (string f in findings) m.Append("- ").Append(Md(f)).Append('\n');
        if (findings.Count > 0) m.Append('\n');
        foreach (string n in d.Notes) m.Append(Md(n)).Append("\n\n");

        m.Append("## What was assumed\n\n");
        foreach (ReportItem i in d.Assumptions) m.Append("- **").Append(Md(i.Term)).Append(":** ").Append(Md(i.Text)).Append('\n');

        m.Append("\n## Results\n\n").Append(Md(d.TableNote)).Append("\n\n");
        foreach (ReportTable t in d.Tables)
        {
            m.Append("**").Append(Md(t.Caption)).Append("**\n\n");
            m.Append("| ").AppendJoin(" | ", t.Header.Select(Cell)).Append(" |\n");
            m.Append('|').AppendJoin('|', t.Header.Select((_, i) => i > 0 && t.Rows.All(r => HtmlReport.IsNumber(r[i])) ? " ---: " : " :--- ")).Append("|\n");
            foreach (IReadOnlyList<string> row in t.Rows) m.Append("| ").AppendJoin(" | ", row.Select(Cell)).Append(" |\n");
            m.Append('\n');
        }

        m.Append("## Plots\n\n");
        if (d.Plots.Count == 0) m.Append(Md(d.PlotsNote ?? "No plots for this folder.")).Append("\n\n");
        foreach (RenderedPlot p in d.Plots)
        {
            m.Append("![").Append(Md(p.AltText)).Append("](").Append(PlotSet.FolderName).Append('/').Append(p.FileStem).Append(".png)\n\n")
             .Append("**").Append(Md(p.Title)).Append(".** ").Append(Md(p.Caption))
             .Append(" Vector version: [").Append(p.FileStem).Append(".svg](").Append(PlotSet.FolderName).Append('/').Append(p.FileStem).Append(".svg).\n\n");
        }

        m.Append("## Reproducibility\n\n");
        foreach (ReportItem i in d.Reproducibility) m.Append("- **").Append(Md(i.Term)).Append(":** ").Append(Md(i.Text)).Append('\n');
        if (d.RerunCommand is not null)
        {
            m.Append("\nCommand to re-run (the same seed gives the same results on any machine and any number of threads):\n\n");
            Fenced(m, d.RerunCommand, "sh");
        }
        if (d.ScenarioText is not null)
        {
            m.Append("\nScenario file:\n\n");
            Fenced(m, d.ScenarioText.TrimEnd(), "yaml");
        }
        m.Append("\n---\nMade with ").Append(Md(d.Generator)).Append(".\n");
        return m.ToString();
    }

    /// <summary>A fenced code block whose fence is longer than any backtick run in the text, so the text cannot close it.</summary>
    private static void Fenced(StringBuilder m, string text, string language)
    {
        int longest = 0, run = 0;
        foreach (char c in text) { run = c == '`' ? run + 1 : 0; longest = Math.Max(longest, run); }
        string fence = new('`', Math.Max(3, longest + 1));
        m.Append(fence).Append(language).Append('\n').Append(text).Append('\n').Append(fence).Append('\n');
    }

    private static string Cell(string text) => Md(text).Replace("\n", " ", StringComparison.Ordinal);

    /// <summary>Escapes Markdown punctuation and the HTML specials, and flattens line breaks.</summary>
    public static string Md(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '\r': break;
                case '\n': sb.Append(' '); break;
                case '\\' or '`' or '*' or '_' or '[' or ']' or '|' or '#' or '~':
                    sb.Append('\\').Append(c); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }
}
