using System.CommandLine;
using System.Diagnostics;
using BiasSim.Cli.Output;
using BiasSim.Cli.Results;
using BiasSim.Core.Detectors;
using BiasSim.Core.Power;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;

namespace BiasSim.Cli.Commands;

/// <summary><c>biassim mdrr FILE --group G</c>: the smallest true disproportionality an audit would detect with a given power.</summary>
internal static class MdrrCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var file = new Argument<string>("file") { Description = "Scenario file (.yaml)" };
        var group = new Option<string>("--group", "-g") { Description = "The group whose rate ratio (vs the reference group) is searched", Required = true };
        var power = new Option<double>("--power", "-p")
        { Description = "Target power: the share of audits that must flag the group in that direction", DefaultValueFactory = _ => 0.8 };
        var direction = new Option<string>("--direction")
        { Description = "up: smallest rate ratio above 1 (over-referral); down: largest below 1 (under-referral)", DefaultValueFactory = _ => "up" };
        direction.AcceptOnlyFromAmong("up", "down");
        var detector = new Option<string>("--detector")
        { Description = "Detector whose flags count", DefaultValueFactory = _ => RateRatioDetector.DetectorName };
        Option<string[]> sets = CliOverrides.SetOption();
        var replicates = CommonOptions.Replicates("Simulated audits per rate ratio tried (overrides simulation.replicates)");
        var seed = CommonOptions.Seed("Master seed (overrides the scenario's seed); every rate ratio tried reuses the same replicate seeds");
        var threads = CommonOptions.Threads();
        var output = CommonOptions.Output("Output folder (default: out/<scenario name>-mdrr)");
        Option<bool> quiet = CliOverrides.QuietOption();
        var force = CommonOptions.Force("Write into the output folder even if it holds files BiasSim did not write");
        var command = new Command("mdrr",
            "Find the minimum detectable rate ratio: the smallest true over- (or under-) referral of a group that the audit detects with the target power")
        {
            file, group, power, direction, detector, sets, replicates, seed, threads, output, quiet, force,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(file)!;
            if (ScenarioFile.TryRead(path, out string text) is { } unreadable)
            {
                throw new UserInputException([.. unreadable.Errors.Select(e => e.ToString())]);
            }
            // A --set with several values (a,b,c or start:stop:step) makes a grid: one MDRR per point, with the
            // same seeds everywhere, so MDRR can be drawn against (say) the missing share. A file's sweep: section
            // belongs to 'sweep' and is ignored here.
            var errors = new List<string>();
            Sweeps.SweepPlan plan = Sweeps.SweepPlan.Build(text, path, parse.GetValue(sets) ?? [], errors, fileSection: false)
                ?? throw new UserInputException(errors);
            Scenario[] scenarios = SweepCommand.LoadAll(plan, text);
            var request = new MdrrRequest(parse.GetValue(group)!, parse.GetValue(power),
                parse.GetValue(direction) == "down" ? FlagDirection.Down : FlagDirection.Up, parse.GetValue(detector)!);
            IReadOnlyList<MdrrProblem> problems = MdrrSearch.Validate(scenarios[0], request);
            if (problems.Count > 0) throw new UserInputException([.. problems.Select(p => $"--{p.Field}: {p.Message}")]);
            int reps = parse.GetValue(replicates) ?? scenarios[0].Simulation.Replicates;
            if (reps < 1) throw new UserInputException($"--replicates: found {reps}, expected a whole number of at least 1");
            int threadCount = Threads.Resolve(parse.GetValue(threads));
            ulong masterSeed = parse.GetValue(seed) ?? scenarios[0].Seed;
            string folder = parse.GetValue(output) ?? Path.Combine("out", scenarios[0].Name + "-mdrr");
            OutputFolder.EnsureWritable(folder, parse.GetValue(force));
            // Locked for the whole search, so no other run writes the folder meanwhile; cleared only once results exist.
            using FolderLock folderLock = FolderLock.Acquire(folder);

            var settings = new RunSettings(reps, masterSeed, threadCount);
            var stopwatch = Stopwatch.StartNew();
            bool show = ProgressDisplay.ShouldShow(stderr, parse.GetValue(quiet));
            var results = new List<(Sweeps.SweepPoint Point, Scenario Scenario, MdrrResult Result)>();
            foreach (Sweeps.SweepPoint point in plan.Points)
            {
                Scenario scenario = scenarios[point.Index];
                MdrrResult result = ProgressDisplay.Run(show, $"{scenario.Name}: MDRR of {request.Group} (at most {MdrrSearch.MaxEvaluations} runs)",
                    (long)MdrrSearch.MaxEvaluations * reps, progress => MdrrSearch.Run(scenario, request, settings, progress, cancellationToken));
                results.Add((point, scenario, result));
            }
            stopwatch.Stop();

            var fixedOverrides = plan.FixedOverrides;
            var info = new MdrrOutput.MdrrInfo(path, masterSeed, threadCount, stopwatch.Elapsed.TotalSeconds, CliOverrides.Describe(fixedOverrides));
            bool grid = plan.Parameters.Length > 0;
            string[] parameters = [.. plan.Parameters.Select(p => p.Path)];
            MdrrGridSummary? gridSummary = grid
                ? MdrrOutput.BuildGrid(scenarios[0], parameters, [.. results.Select(r => ((IReadOnlyList<string>)r.Point.Values, r.Scenario, r.Result))], info)
                : null;
            MdrrSummary? single = grid ? null : MdrrOutput.Build(results[0].Scenario, results[0].Result, info);
            OutputFolder.Clear(folder, OutputFolder.Replace.Results);
            try
            {
                AtomicFile.WriteAllText(Path.Combine(folder, "scenario.yaml"), text);
                AtomicFile.WriteAllText(Path.Combine(folder, "mdrr.csv"), gridSummary is not null ? MdrrOutput.GridCsv(gridSummary)
                    : MdrrOutput.Csv(single!));
                AtomicFile.WriteAllText(Path.Combine(folder, "summary.json"), gridSummary is not null
                    ? ResultsJson.Serialize(gridSummary, ResultsJson.Default.MdrrGridSummary)
                    : ResultsJson.Serialize(single!, ResultsJson.Default.MdrrSummary));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserInputException($"{folder}: cannot write the results there ({e.Message})");
            }
            foreach (var (point, scenario, result) in results)
            {
                if (grid)
                {
                    string blank = point.Index == results[0].Point.Index ? "" : "\n";
                    stdout.WriteLine(blank + string.Join(", ", parameters.Select((p, i) => $"{p} = {point.Values[i]}")) + ":");
                }
                stdout.Write(MdrrOutput.Render(scenario, result, info, grid ? null : folder));
            }
            var drawn = grid ? Report.ResultsFolder.FromMdrrGrid(folder, gridSummary!, text) : null;
            if (drawn is not null && Report.ReportBuilder.MdrrTrend(drawn) is string trend)
            {
                stdout.WriteLine($"\nAcross the grid, in plain words:\n  {trend}");
            }
            foreach (string warning in results.SelectMany(r => r.Scenario.Warnings).Distinct()) stdout.WriteLine($"Warning: {warning}");
            if (grid) stdout.WriteLine($"\n{MdrrOutput.Wrote(folder)}");
            if (drawn is not null)
            {
                IReadOnlyList<Plots.RenderedPlot> plots = Report.ReportWriter.TryDrawPlots(drawn, stderr, out _);
                if (plots.Count > 0)
                {
                    Plots.PlotSet.Write(plots, Path.Combine(folder, Plots.PlotSet.FolderName));
                    stdout.WriteLine($"Wrote {plots.Count} plot(s) to {Path.Combine(folder, Plots.PlotSet.FolderName)} (PNG and SVG)");
                }
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
