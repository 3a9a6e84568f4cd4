using BiasSim.Cli.Plots;

namespace BiasSim.Cli.Report;

/// <summary>Writes report.html and report.md (and the plots they show) for a finished results folder.</summary>
internal static class ReportWriter
{
    public const string HtmlFile = "report.html";
    public const string MarkdownFile = "report.md";

    /// <summary>Draws the plots, warning on <paramref name="stderr"/> and returning none if the graphics library cannot
    /// load on this machine: the results are already written, and a report without pictures still helps.</summary>
    public static IReadOnlyList<RenderedPlot> TryDrawPlots(ResultsFolder folder, TextWriter stderr, out string? failure)
    {
        try
        {
            failure = null;
            return PlotSet.Draw(folder);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException or EntryPointNotFoundException)
        {
            failure = $"the plots could not be drawn: the SkiaSharp graphics library did not load on this machine ({e.GetBaseException().Message})";
            stderr.WriteLine($"biassim: warning: {failure}; the other results are written (use --no-plots to skip plots).");
            return [];
        }
    }

    /// <summary>Renders both reports in memory, then writes plots/ (PNG and SVG), report.html and report.md into
    /// <paramref name="outFolder"/>, each file atomically. Returns the report paths.</summary>
    public static (string Html, string Markdown) Write(ResultsFolder folder, string outFolder, IReadOnlyList<RenderedPlot> plots, string? plotsNote)
    {
        ReportDocument document = ReportBuilder.Build(folder, plots, plotsNote);
        string html = HtmlReport.Render(document), markdown = MarkdownReport.Render(document);
        string htmlPath = Path.Combine(outFolder, HtmlFile), markdownPath = Path.Combine(outFolder, MarkdownFile);
        try
        {
            Directory.CreateDirectory(outFolder);
            if (plots.Count > 0) PlotSet.Write(plots, Path.Combine(outFolder, PlotSet.FolderName));
            AtomicFile.WriteAllText(htmlPath, html);
            AtomicFile.WriteAllText(markdownPath, markdown);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{outFolder}: cannot write the report there ({e.Message})");
        }
        return (htmlPath, markdownPath);
    }
}
