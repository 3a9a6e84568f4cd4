using System.CommandLine;
using System.Diagnostics;
using BiasSim.Cli.Output;
using BiasSim.Core.Detectors;
using BiasSim.Core.Engine;
using BiasSim.Core.Power;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli.Commands;

/// <summary><c>biassim mdrr FILE --group G</c>: the smallest true disproportionality an audit would detect with a given power.</summary>
public static class MdrrCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var file = new Argument<string>("file") { Description = "Scenario file (.yaml)" };
        var group = new Option<string>("--group", "-g") { Description = "The group whose rate ratio (vs the reference group) is searched", Required = true };
        var power = new Option<double>("--power", "-p") { Description = "Target power: the share of audits that must flag the group in that direction", DefaultValueFactory = _ => 0.8 };
        var direction = new Option<string>("--direction") { Description = "up: smallest rate ratio above 1 (over-referral); down: largest below 1 (under-referral)", DefaultValueFactory = _ => "up" };
        direction.AcceptOnlyFromAmong("up", "down");
        var detector = new Option<string>("--detector") { Description = "Detector whose flags count", DefaultValueFactory = _ => RateRatioDetector.DetectorName };
        Option<string[]> sets = CliOverrides.SetOption();
        var replicates = new Option<int?>("--replicates", "-r") { Description = "Simulated audits per rate ratio tried (overrides simulation.replicates)" };
        var seed = new Option<ulong?>("--seed", "-s") { Description = "Master seed (overrides the scenario's seed); every rate ratio tried reuses the same replicate seeds" };
        var threads = new Option<int?>("--threads", "-t") { Description = "Worker threads (default: all cores); results are identical for any value" };
        var output = new Option<string?>("--out", "-o") { Description = "Output folder (default: out/<scenario name>-mdrr)" };
        Option<bool> quiet = CliOverrides.QuietOption();
        var force = new Option<bool>("--force") { Description = "Write into the output folder even if it holds files BiasSim did not write" };
        var command = new Command("mdrr", "Find the minimum detectable rate ratio: the smallest true over- (or under-) referral of a group that the audit detects with the target power")
        {
            file, group, power, direction, detector, sets, replicates, seed, threads, output, quiet, force,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(file)!;
            IReadOnlyList<ScenarioOverride> overrides = CliOverrides.Parse(parse.GetValue(sets));
            Scenario scenario = ScenarioFile.Load(path, overrides);
            var request = new MdrrRequest(parse.GetValue(group)!, parse.GetValue(power),
                parse.GetValue(direction) == "down" ? FlagDirection.Down : FlagDirection.Up, parse.GetValue(detector)!);
            IReadOnlyList<MdrrProblem> problems = MdrrSearch.Validate(scenario, request);
            if (problems.Count > 0) throw new UserInputException([.. problems.Select(p => $"--{p.Field}: {p.Message}")]);
            int reps = parse.GetValue(replicates) ?? scenario.Simulation.Replicates;
            if (reps < 1) throw new UserInputException($"--replicates: found {reps}, expected a whole number of at least 1");
            int threadCount = parse.GetValue(threads) ?? Environment.ProcessorCount;
            if (threadCount < 1) throw new UserInputException($"--threads: found {threadCount}, expected a whole number of at least 1");
            ulong masterSeed = parse.GetValue(seed) ?? scenario.Seed;
            string folder = parse.GetValue(output) ?? Path.Combine("out", scenario.Name + "-mdrr");
            OutputFolder.EnsureWritable(folder, parse.GetValue(force));

            var settings = new RunSettings(reps, masterSeed, threadCount);
            var stopwatch = Stopwatch.StartNew();
            bool show = ProgressDisplay.ShouldShow(stderr, parse.GetValue(quiet));
            MdrrResult result = ProgressDisplay.Run(show, $"{scenario.Name}: MDRR of {request.Group} (at most {MdrrSearch.MaxEvaluations} runs)",
                (long)MdrrSearch.MaxEvaluations * reps, progress => MdrrSearch.Run(scenario, request, settings, progress, cancellationToken));
            stopwatch.Stop();

            var info = new MdrrOutput.MdrrInfo(path, masterSeed, threadCount, stopwatch.Elapsed.TotalSeconds, CliOverrides.Describe(overrides));
            try
            {
                Directory.CreateDirectory(folder);
                AtomicFile.WriteAllText(Path.Combine(folder, "scenario.yaml"), File.ReadAllText(path));
                AtomicFile.WriteAllText(Path.Combine(folder, "mdrr.csv"), MdrrOutput.Csv(result, info));
                AtomicFile.WriteAllText(Path.Combine(folder, "summary.json"), MdrrOutput.Json(scenario, result, info));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserInputException($"{folder}: cannot write the results there ({e.Message})");
            }
            stdout.Write(MdrrOutput.Render(scenario, result, info, folder));
            return ExitCodes.Success;
        });
        return command;
    }
}
