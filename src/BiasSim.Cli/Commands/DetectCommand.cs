using System.CommandLine;
using BiasSim.Cli.Detection;
using BiasSim.Cli.Report;

namespace BiasSim.Cli.Commands;

/// <summary>
/// <c>biassim detect DATA --reference G</c>: runs detectors once on observed data (records or counts), writes
/// <c>DIR/detection.csv</c> and prints a readable table; <c>--report</c> adds report.html and report.md. Every input is
/// read and checked before anything is written, so a mistake exits with code 2 and leaves no output.
/// </summary>
internal static class DetectCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var data = new Argument<string>("data")
        {
            Description = "Referral data (.csv): one row per referral (as 'generate' writes), or counts with columns group,referrals[,population] and an " +
                "Unknown row"
        };
        var census = new Option<string?>("--census", "-c")
        {
            Description = "Census populations (.csv with columns group,population), e.g. scenarios/data/census-2021-ethnicity.csv; optional when the " +
                "counts file has a population column"
        };
        var reference = new Option<string>("--reference") { Description = "Reference group for rate ratios (a census group, e.g. White)", Required = true };
        var detectors = new Option<string[]>("--detectors", "-d")
        {
            Description = $"Detectors to run, comma-separated or repeated (default: {string.Join(",", DetectionAnalysis.Default)}, plus " +
                $"misclassification-corrected with --misclassification); available: {string.Join(", ", DetectionAnalysis.Supported)}",
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.ZeroOrMore,
        };
        var matrix = new Option<string?>("--misclassification", "-m")
        { Description = "Misclassification matrix (.csv): self-defined group in the first column, recorded categories as the header, rows summing to 1" };
        var alpha = new Option<double?>("--alpha") { Description = "Significance level (default 0.05: 95% intervals)" };
        var groupColumn = new Option<string?>("--group-column")
        { Description = $"Records: the column with the recorded group (default {DataReadOptions.DefaultGroupColumn})" };
        var unknownValues = new Option<string?>("--unknown-values")
        {
            Description = "Comma-separated values meaning 'not recorded', besides an empty value (default " +
                $"\"{string.Join(",", DataReadOptions.DefaultUnknownValues)}\"; matched ignoring case)"
        };
        var by = new Option<string?>("--by")
        {
            Description = $"Column to stratify by for ipw and missing-share (default: {DataReader.DefaultRecordsStratifier} in records, the one extra " +
                "column in counts)"
        };
        var output = CommonOptions.Output("Output folder (default: out/<data file name>-detect)");
        var report = new Option<bool>("--report") { Description = "Also write report.html and report.md: what these data can and cannot show" };
        var force = CommonOptions.Force("Write into the output folder even if it holds files BiasSim did not write");
        var noPlots = new Option<bool>("--no-plots")
        {
            Description = "Do not draw the plot of estimates, intervals and bounds (by default PNG and SVG " +
            "go to DIR/plots)"
        };
        var biasAnalysis = new Option<string?>("--bias-analysis")
        {
            Description = "Probabilistic bias analysis: priors file (.yaml) declaring each group's recording ratio; writes DIR/bias_analysis.csv and a plot",
        };
        var draws = new Option<int?>("--draws")
        {
            Description = "Bias analysis: number of draws (default: the priors file's draws, else "
                + $"{Core.BiasAnalysis.ProbabilisticBiasAnalysis.DefaultDraws:N0})",
        };
        var seed = CommonOptions.Seed($"Bias analysis: seed of the draws (default {Core.Scenarios.ScenarioDefaults.Seed})");
        var command = new Command("detect", "Run detectors once on observed referral data (records or counts) and say what the data can and cannot show")
        {
            data, census, reference, detectors, matrix, alpha, groupColumn, unknownValues, by, output, report, force, noPlots, biasAnalysis, draws, seed,
        };
        command.SetAction(parse =>
        {
            string dataPath = parse.GetValue(data)!;
            var options = new DataReadOptions
            {
                GroupColumn = parse.GetValue(groupColumn) ?? DataReadOptions.DefaultGroupColumn,
                GroupColumnGiven = parse.GetValue(groupColumn) is not null,
                UnknownValues = parse.GetValue(unknownValues) is { } u
                    ? [.. u.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)]
                    : DataReadOptions.DefaultUnknownValues,
                By = parse.GetValue(by),
            };
            var request = new DetectRequest(dataPath, parse.GetValue(census), parse.GetValue(reference)!, parse.GetValue(detectors),
                parse.GetValue(matrix), parse.GetValue(alpha) ?? 0.05, options);
            DetectionResult result = DetectionAnalysis.Run(request);
            if (parse.GetValue(biasAnalysis) is null && (parse.GetValue(draws) is not null || parse.GetValue(seed) is not null))
            {
                throw new UserInputException("--draws and --seed: set the bias analysis, expected --bias-analysis PRIORS.yaml with them");
            }
            BiasAnalysisResult? bias = parse.GetValue(biasAnalysis) is string priors
                ? BiasAnalysisOutput.Run(result, priors, parse.GetValue(draws), parse.GetValue(seed) ?? Core.Scenarios.ScenarioDefaults.Seed)
                : null;
            Plots.RenderedPlot? biasPlot = bias is null || parse.GetValue(noPlots) ? null
                : Plots.BiasAnalysisPlot.Draw(bias, Path.GetFileNameWithoutExtension(dataPath));

            string folder = parse.GetValue(output) ?? Path.Combine("out", Path.GetFileNameWithoutExtension(dataPath) + "-detect");
            OutputFolder.EnsureWritable(folder, parse.GetValue(force));
            string csvPath = Path.Combine(folder, DetectionOutput.CsvFile);
            string summaryPath = Path.Combine(folder, DetectionOutput.SummaryFile);
            var written = new List<string> { csvPath, summaryPath };
            string? html = null, markdown = null;
            string? plotsNote = "The plot was left out (--no-plots).";
            IReadOnlyList<Plots.RenderedPlot> plots = parse.GetValue(noPlots) ? [] : DetectionOutput.TryDrawPlots(result, stderr, out plotsNote);
            if (parse.GetValue(report))
            {
                ReportDocument document = DetectionOutput.Report(result, Rerun(parse.Tokens.Select(t => t.Value), dataPath, folder), plots, plotsNote);
                html = HtmlReport.Render(document);
                markdown = MarkdownReport.Render(document);
                written.Add(Path.Combine(folder, ReportWriter.HtmlFile));
                written.Add(Path.Combine(folder, ReportWriter.MarkdownFile));
            }
            using FolderLock folderLock = FolderLock.Acquire(folder);
            OutputFolder.Clear(folder, OutputFolder.Replace.Results);
            try
            {
                AtomicFile.WriteAllText(csvPath, DetectionOutput.RenderCsv(result));
                AtomicFile.WriteAllText(summaryPath, DetectionOutput.RenderSummary(result));
                if (html is not null) AtomicFile.WriteAllText(Path.Combine(folder, ReportWriter.HtmlFile), html);
                if (markdown is not null) AtomicFile.WriteAllText(Path.Combine(folder, ReportWriter.MarkdownFile), markdown);
                if (plots.Count > 0) written.AddRange(Plots.PlotSet.Write(plots, Path.Combine(folder, Plots.PlotSet.FolderName)));
                if (bias is not null) AtomicFile.WriteAllText(Path.Combine(folder, BiasAnalysisOutput.CsvFile), BiasAnalysisOutput.RenderCsv(bias));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserInputException($"{folder}: cannot write the results there ({e.Message})");
            }
            if (biasPlot is not null) Plots.PlotSet.Write([biasPlot], Path.Combine(folder, Plots.PlotSet.FolderName));
            stdout.Write(DetectionOutput.RenderConsole(result, folder, written));
            if (bias is not null)
            {
                stdout.Write(BiasAnalysisOutput.RenderConsole(bias));
                stdout.WriteLine($"Wrote {Path.Combine(folder, BiasAnalysisOutput.CsvFile)}"
                    + (biasPlot is null ? "" : $" and {Path.Combine(folder, Plots.PlotSet.FolderName, Plots.BiasAnalysisPlot.Stem)}.png/.svg"));
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The command that writes the folder again: the arguments as given, with --out and --report made explicit.</summary>
    private static string Rerun(IEnumerable<string> tokens, string dataPath, string folder)
    {
        var args = new List<string> { "biassim", "detect" };
        var given = tokens.ToList();
        int skip = 0;
        for (int i = 0; i < given.Count; i++)
        {
            if (skip > 0) { skip--; continue; }
            if (given[i] is "--out" or "-o") { skip = 1; continue; }
            if (given[i] is "--report" or "detect") continue;
            args.Add(given[i]);
        }
        if (!given.Contains(dataPath)) args.Insert(2, dataPath);
        args.AddRange(["--out", folder, "--report"]);
        return string.Join(' ', args.Select(Quote));
    }

    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,@%+".Contains(c)) ? arg
            : "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
