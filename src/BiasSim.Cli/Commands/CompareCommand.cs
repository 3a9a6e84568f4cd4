using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using BiasSim.Cli.Output;
using BiasSim.Cli.Plots;
using BiasSim.Cli.Results;
using BiasSim.Core.Diagnosands;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;

namespace BiasSim.Cli.Commands;

/// <summary>
/// <c>biassim compare A.yaml B.yaml ...</c>: runs each design as <c>run</c> would and writes one table of every
/// design's diagnosands (DIR/compare.csv, scenario name first), one plot (what 100 audits would conclude, per design and
/// group) and each design's verdict in plain words. Every file is loaded and checked before anything runs.
/// </summary>
internal static class CompareCommand
{
    public const string CsvFile = "compare.csv";
    public const string SummaryFile = "summary.json";

    /// <summary>One design: its scenario as loaded (with any --set) and the label it goes by in the table.</summary>
    private sealed record Design(string File, string Label, Scenario Scenario, RunSettings Settings);

    public static Command Build(TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var files = new Argument<string[]>("files") { Description = "Two or more scenario files (.yaml) to compare", Arity = ArgumentArity.OneOrMore };
        var replicates = CommonOptions.Replicates("Simulated audits per design (overrides each file's simulation.replicates)");
        var seed = CommonOptions.Seed("Master seed for every design (overrides each file's seed; the same seed gives " +
            "every design the same replicate seeds)");
        var threads = CommonOptions.Threads();
        var output = CommonOptions.Output("Output folder (default: out/compare)");
        Option<string[]> sets = CliOverrides.SetOption();
        sets.Description = "Override a scenario key in every design, e.g. --set recording.missing.share=0.35 (repeatable)";
        Option<bool> quiet = CliOverrides.QuietOption();
        var noPlots = new Option<bool>("--no-plots") { Description = "Do not draw the plot (by default PNG and SVG go to DIR/plots)" };
        var force = CommonOptions.Force("Write into the output folder even if it holds files BiasSim did not write");
        var maxReplicates = new Option<long>("--max-replicates")
        {
            Description = "Refuse comparisons needing more replicates than this in all", DefaultValueFactory = _ => Limits.DefaultMaxReplicates,
        };
        var command = new Command("compare", "Run several design files and compare how reliably audits of each get the answer right, in one table and one plot")
        {
            files, replicates, seed, threads, output, sets, quiet, noPlots, force, maxReplicates,
        };
        command.SetAction(parse =>
        {
            string[] paths = parse.GetValue(files) ?? [];
            if (paths.Length < 2) throw new UserInputException($"compare: found {paths.Length} scenario file, expected two or more to compare");
            int threadCount = Threads.Resolve(parse.GetValue(threads));
            int? reps = parse.GetValue(replicates);
            if (reps is < 1) throw new UserInputException($"--replicates: found {reps}, expected a whole number of at least 1");
            IReadOnlyList<ScenarioOverride> overrides = CliOverrides.Parse(parse.GetValue(sets));
            List<Design> designs = Load(paths, overrides, reps, parse.GetValue(seed), threadCount);
            Limits.CheckReplicates(designs.Sum(d => (long)d.Settings.Replicates), parse.GetValue(maxReplicates), "--max-replicates");
            foreach (Design d in designs)
            {
                foreach (string warning in d.Scenario.Warnings) stderr.WriteLine($"warning: {d.File}: {warning}");
            }
            string folder = parse.GetValue(output) ?? Path.Combine("out", "compare");
            OutputFolder.EnsureWritable(folder, parse.GetValue(force));

            var stopwatch = Stopwatch.StartNew();
            bool show = ProgressDisplay.ShouldShow(stderr, parse.GetValue(quiet));
            var results = new List<SimulationResult>();
            foreach (Design d in designs)
            {
                SimulationResult result = ProgressDisplay.Run(show, $"{d.Label} ({results.Count + 1} of {designs.Count})", d.Settings.Replicates,
                    progress => MonteCarloRunner.Run(d.Scenario, d.Settings, progress, cancellationToken));
                if (result.Partial || cancellationToken.IsCancellationRequested)
                {
                    stderr.WriteLine("Interrupted (Ctrl+C): a comparison needs every design finished, so nothing was written.");
                    return ExitCodes.Interrupted;
                }
                results.Add(result);
            }
            stopwatch.Stop();

            IReadOnlyList<RenderedPlot> plots = [];
            if (!parse.GetValue(noPlots)) plots = TryDrawPlot(designs, results, stderr);
            string csvPath = Path.Combine(folder, CsvFile);
            using FolderLock folderLock = FolderLock.Acquire(folder);
            OutputFolder.Clear(folder, OutputFolder.Replace.Results);
            IReadOnlyList<string> plotFiles = [];
            try
            {
                CompareSummary summary = Summary(designs, results, CliOverrides.Describe(overrides), threadCount, stopwatch.Elapsed.TotalSeconds);
                AtomicFile.WriteAllText(csvPath, Csv(summary));
                AtomicFile.WriteAllText(Path.Combine(folder, SummaryFile), ResultsJson.Serialize(summary, ResultsJson.Default.CompareSummary));
                if (plots.Count > 0) plotFiles = PlotSet.Write(plots, Path.Combine(folder, PlotSet.FolderName));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserInputException($"{folder}: cannot write the results there ({e.Message})");
            }
            stdout.Write(Render(designs, results, stopwatch.Elapsed.TotalSeconds, threadCount));
            stdout.WriteLine($"Wrote {csvPath} and {Path.Combine(folder, SummaryFile)}");
            if (plots.Count > 0) stdout.WriteLine($"Wrote {plots.Count} plot(s) to {Path.Combine(folder, PlotSet.FolderName)} (PNG and SVG)");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Loads every file (all errors at once); designs whose scenarios share a name are labelled by file as well.</summary>
    private static List<Design> Load(string[] paths, IReadOnlyList<ScenarioOverride> overrides, int? reps, ulong? seed, int threads)
    {
        var errors = new List<string>();
        var loaded = new List<(string File, Scenario Scenario)>();
        foreach (string path in paths)
        {
            try
            {
                loaded.Add((path, ScenarioFile.Load(path, overrides)));
            }
            catch (UserInputException e)
            {
                errors.AddRange(e.Messages);
            }
        }
        if (errors.Count > 0) throw new UserInputException(errors);
        var duplicates = loaded.GroupBy(l => l.Scenario.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        return [.. loaded.Select(l => new Design(l.File, duplicates.Contains(l.Scenario.Name) ? $"{l.Scenario.Name} ({l.File})" : l.Scenario.Name,
            l.Scenario, new RunSettings(reps ?? l.Scenario.Simulation.Replicates, seed ?? l.Scenario.Seed, threads)))];
    }

    /// <summary>The typed results of a comparison, as summary.json holds them.</summary>
    private static CompareSummary Summary(List<Design> designs, List<SimulationResult> results, IReadOnlyList<string> overrides, int threads,
        double seconds) => new()
        {
            Version = VersionInfo.Version,
            Overrides = [.. overrides],
            Threads = threads,
            ElapsedSeconds = Math.Round(seconds, 3),
            Designs = [.. designs.Zip(results, (d, r) => new CompareDesign
            {
                Label = d.Label,
                ScenarioFile = d.File,
                ScenarioName = d.Scenario.Name,
                Seed = d.Settings.Seed,
                Replicates = d.Settings.Replicates,
                ExpectedMissingShare = r.ExpectedMissingShare,
                MeanMissingShare = r.MeanMissingShare,
                MeanMissingShareSe = r.MeanMissingShareSe,
                TrueRateRatios = new([.. d.Scenario.Population.Groups.Take(r.TrueRateRatios.Length)
                    .Select((g, i) => KeyValuePair.Create(g.Name, r.TrueRateRatios[i]))]),
                Verdict = Verdicts.Verdict(r.Rows),
                Warnings = d.Scenario.Warnings,
                Rows = r.Rows,
            })],
        };

    /// <summary>compare.csv: <c>scenario</c>, then diagnosands.csv's columns, one row per design, detector and group.</summary>
    private static string Csv(CompareSummary summary)
    {
        using var csv = new CsvText();
        csv.Row(["scenario", .. DiagnosandColumns.Names]);
        foreach (CompareDesign design in summary.Designs)
        {
            foreach (DiagnosandRow row in design.Rows)
            {
                csv.Row([design.Label, .. DiagnosandColumns.Cells(row)]);
            }
        }
        return csv.ToString();
    }

    /// <summary>The rows each design's verdict speaks about (rate-ratio per group, else the first judged detector).</summary>
    private static IEnumerable<DiagnosandRow> Primary(SimulationResult r) =>
        Verdicts.PrimaryRows(r.Rows).Where(x => x.Group != MonteCarloRunner.FamilyWiseTarget);

    private static string Render(List<Design> designs, List<SimulationResult> results, double seconds, int threads)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"Comparison of {designs.Count} designs, {seconds:0.00} s on {threads} thread(s):\n");
        foreach (Design d in designs) sb.Append(inv, $"  {d.Label}: {d.File}, {d.Settings.Replicates:N0} replicates, seed {d.Settings.Seed}\n");
        sb.Append("\nWhat 100 audits would conclude, per design and group (the detector each verdict speaks about):\n");
        var table = new TextTable("scenario", "detector", "group", "true RR",
            "correct", "misestimated", "wrong way", "missed", "false alarm", "not measurable");
        for (int i = 0; i < designs.Count; i++)
        {
            foreach (DiagnosandRow r in Primary(results[i]))
            {
                var n = Verdicts.Per100(r);
                string Cell(AuditOutcome o) => Verdicts.Share(r, o) is double s ? (n[o] == 0 && s > 0 ? "<1" : n[o].ToString(inv)) : "-";
                table.Add(designs[i].Label, r.Detector, r.Group, r.TrueRateRatio is double t ? t.ToString("0.###", inv) : "-",
                    Cell(AuditOutcome.Correct), Cell(AuditOutcome.Misestimated), Cell(AuditOutcome.WrongDirection), Cell(AuditOutcome.Missed),
                    Cell(AuditOutcome.FalseAlarm), Cell(AuditOutcome.NotEstimable));
            }
        }
        table.Render(sb);
        sb.Append("\nIn plain words:\n");
        for (int i = 0; i < designs.Count; i++)
        {
            Scenario s = designs[i].Scenario;
            sb.Append("  ").Append(designs[i].Label).Append(": ").Append(Verdicts.Verdict(results[i].Rows)).Append('\n');
            var words = ConsoleReport.PlainWords(s, results[i].Rows, results[i].ExpectedMissingShare);
            if (words.Count > 0) sb.Append("    ").Append(words[0]).Append('\n');
        }
        sb.Append("All designs' diagnosands, every detector and group, are in ").Append(CsvFile)
          .Append(" (the columns of diagnosands.csv after 'scenario').\n");
        return sb.ToString();
    }

    private static IReadOnlyList<RenderedPlot> TryDrawPlot(List<Design> designs, List<SimulationResult> results, TextWriter stderr)
    {
        try
        {
            var bars = new List<(string Label, DiagnosandRow Row)>();
            for (int i = 0; i < designs.Count; i++) bars.AddRange(Primary(results[i]).Select(r => ($"{designs[i].Label}:\n{Labels.Group(r.Group)}", r)));
            if (bars.Count == 0) return [];
            string names = string.Join(", ", designs.Select(d => d.Label));
            return [OutcomePlots.Draw("compare-outcomes", "What 100 audits would conclude, design by design", "Design and group", bars,
                $"Stacked bar chart comparing {designs.Count} designs ({names}): for each design and group, how many of 100 simulated audits are correct, " +
                "misestimated, wrong in direction, missed, false alarms or cannot be measured.")];
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException or EntryPointNotFoundException)
        {
            stderr.WriteLine($"biassim: warning: the plot could not be drawn: the SkiaSharp graphics library did not load on this machine " +
                $"({e.GetBaseException().Message}); " +
                             "the table is written (use --no-plots to skip plots).");
            return [];
        }
    }
}
