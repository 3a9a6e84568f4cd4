using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using BiasSim.Cli.Output;
using BiasSim.Core.Engine;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli.Commands;

/// <summary><c>biassim run FILE</c>: the Monte Carlo audit of one scenario.</summary>
public static class RunCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var file = new Argument<string>("file") { Description = "Scenario file (.yaml)" };
        var replicates = new Option<int?>("--replicates", "-r") { Description = "Number of simulated audits (overrides simulation.replicates)" };
        var seed = new Option<ulong?>("--seed", "-s") { Description = "Master seed (overrides the scenario's seed)" };
        var threads = new Option<int?>("--threads", "-t") { Description = "Worker threads (default: all cores); results are identical for any value" };
        var output = new Option<string?>("--out", "-o") { Description = "Output folder (default: out/<scenario name>)" };
        Option<string[]> sets = CliOverrides.SetOption();
        Option<bool> quiet = CliOverrides.QuietOption();
        var noPlots = new Option<bool>("--no-plots") { Description = "Do not draw plots (by default PNG and SVG plots go to DIR/plots)" };
        var report = new Option<bool>("--report") { Description = "Also write a shareable report.html and report.md into the output folder" };
        var command = new Command("run", "Simulate the scenario many times and report how reliably each detector finds the true disproportionality")
        {
            file, replicates, seed, threads, output, sets, quiet, noPlots, report,
        };
        command.SetAction(parse =>
        {
            IReadOnlyList<ScenarioOverride> overrides = CliOverrides.Parse(parse.GetValue(sets));
            Scenario scenario = ScenarioFile.Load(parse.GetValue(file)!, overrides);
            int reps = parse.GetValue(replicates) ?? scenario.Simulation.Replicates;
            if (reps < 1) throw new UserInputException($"--replicates: found {reps}, expected a whole number of at least 1");
            int threadCount = parse.GetValue(threads) ?? Environment.ProcessorCount;
            if (threadCount < 1) throw new UserInputException($"--threads: found {threadCount}, expected a whole number of at least 1");
            ulong masterSeed = parse.GetValue(seed) ?? scenario.Seed;
            string folder = parse.GetValue(output) ?? Path.Combine("out", scenario.Name);

            var settings = new RunSettings(reps, masterSeed, threadCount);
            var stopwatch = Stopwatch.StartNew();
            SimulationResult result = ProgressDisplay.Run(ProgressDisplay.ShouldShow(stderr, parse.GetValue(quiet)), scenario.Name, reps,
                progress => MonteCarloRunner.Run(scenario, settings, progress, cancellationToken));
            stopwatch.Stop();

            var info = new SummaryJson.RunInfo(parse.GetValue(file)!, masterSeed, reps, threadCount, stopwatch.Elapsed.TotalSeconds, Warnings(result))
            {
                Overrides = CliOverrides.Describe(overrides),
            };
            WriteOutputs(folder, scenario, result, info);
            stdout.Write(ConsoleReport.Render(scenario, result, info, folder));
            PlotsAndReport(folder, !parse.GetValue(noPlots), parse.GetValue(report), stdout, stderr);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Flags results too noisy to trust, as SimDesign and DeclareDesign do.</summary>
    private static List<string> Warnings(SimulationResult result)
    {
        var warnings = new List<string>();
        double worstSe = result.Rows.Max(r => r.FlagRateSe);
        if (worstSe > 0.01)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"with {result.CompletedReplicates:N0} replicates a flag rate's Monte Carlo SE is up to {100 * worstSe:0.0} percentage points; use more replicates for publishable figures."));
        }
        return warnings;
    }

    /// <summary>Plots (into DIR/plots) and the report, drawn from the folder just written, as <c>biassim report</c> would.</summary>
    private static void PlotsAndReport(string folder, bool drawPlots, bool writeReport, TextWriter stdout, TextWriter stderr)
    {
        if (!drawPlots && !writeReport) return;
        Report.ResultsFolder results = Report.ResultsFolder.Load(folder);
        IReadOnlyList<Plots.RenderedPlot> plots = [];
        string? note = "Plots were left out (--no-plots).";
        if (drawPlots)
        {
            plots = Report.ReportWriter.TryDrawPlots(results, stderr, out note);
            if (plots.Count > 0)
            {
                string plotsFolder = Path.Combine(folder, Plots.PlotSet.FolderName);
                Plots.PlotSet.Write(plots, plotsFolder);
                stdout.WriteLine($"Wrote {plots.Count} plot(s) to {plotsFolder} (PNG and SVG)");
            }
        }
        if (writeReport)
        {
            var (html, markdown) = Report.ReportWriter.Write(results, folder, plots, note);
            stdout.WriteLine($"Wrote {html} and {markdown}");
        }
    }

    private static void WriteOutputs(string folder, Scenario scenario, SimulationResult result, SummaryJson.RunInfo info)
    {
        try
        {
            Directory.CreateDirectory(folder);
            // The scenario exactly as given, so the folder alone reproduces the run (and `report` can reload it).
            AtomicFile.WriteAllText(Path.Combine(folder, "scenario.yaml"), File.ReadAllText(info.ScenarioFile));
            AtomicFile.WriteAllText(Path.Combine(folder, "diagnosands.csv"), DiagnosandCsv.Render(result.Rows));
            AtomicFile.WriteAllText(Path.Combine(folder, "summary.json"), SummaryJson.Render(scenario, result, info));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{folder}: cannot write the results there ({e.Message})");
        }
    }
}
