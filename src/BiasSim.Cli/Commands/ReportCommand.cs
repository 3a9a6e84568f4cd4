using System.CommandLine;
using BiasSim.Cli.Plots;
using BiasSim.Cli.Report;

namespace BiasSim.Cli.Commands;

/// <summary><c>biassim report DIR [--out DIR2]</c>: a shareable report.html and report.md from a run or sweep folder.</summary>
internal static class ReportCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var folder = new Argument<string>("folder") { Description = "A results folder written by 'biassim run' or 'biassim sweep'" };
        var output = CommonOptions.Output("Where to write report.html, report.md and plots/ (default: the results folder)");
        var noPlots = new Option<bool>("--no-plots") { Description = "Leave the plots out of the report" };
        var force = CommonOptions.Force("Write into the --out folder even if it holds files BiasSim did not write");
        var brief = new Option<bool>("--short")
        {
            Description = $"Write a printable one-page summary instead ({ShortReport.HtmlFile} and " +
            $"{ShortReport.MarkdownFile}): headline, verdict, one plot"
        };
        var command = new Command("report", "Write a shareable report (report.html and report.md, with plots) from a run or sweep folder")
        {
            folder, output, noPlots, force, brief,
        };
        command.SetAction(parse =>
        {
            string dir = parse.GetValue(folder)!;
            string outFolder = parse.GetValue(output) ?? dir;
            ResultsFolder results = ResultsFolder.Load(dir);
            OutputFolder.EnsureWritable(outFolder, parse.GetValue(force));
            using FolderLock folderLock = FolderLock.Acquire(outFolder);
            if (parse.GetValue(brief))
            {
                // Only the summary is replaced: the full report and the other plots beside it stay.
                OutputFolder.Clear(outFolder, OutputFolder.Replace.ShortReport);
                string? why = "The plot was left out (--no-plots).";
                IReadOnlyList<RenderedPlot> drawn = parse.GetValue(noPlots) ? [] : ReportWriter.TryDrawPlots(results, stderr, out why);
                var (shortHtml, shortMarkdown) = ShortReport.Write(results, outFolder, drawn, why);
                stdout.WriteLine($"Wrote {shortHtml} and {shortMarkdown}");
                return ExitCodes.Success;
            }
            // The previous report and plots go first, so a stale plot never sits beside the new report.
            OutputFolder.Clear(outFolder, OutputFolder.Replace.Report);
            IReadOnlyList<RenderedPlot> plots = [];
            string? note = "Plots were left out (--no-plots).";
            if (!parse.GetValue(noPlots)) plots = ReportWriter.TryDrawPlots(results, stderr, out note);
            var (html, markdown) = ReportWriter.Write(results, outFolder, plots, note);
            if (plots.Count > 0) stdout.WriteLine($"Wrote {plots.Count} plot(s) to {Path.Combine(outFolder, PlotSet.FolderName)} (PNG and SVG)");
            stdout.WriteLine($"Wrote {html} and {markdown}");
            return ExitCodes.Success;
        });
        return command;
    }
}
