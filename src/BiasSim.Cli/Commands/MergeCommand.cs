using System.CommandLine;
using BiasSim.Cli.Output;
using BiasSim.Core.Engine;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;

namespace BiasSim.Cli.Commands;

/// <summary><c>biassim merge DIR... --out DIR</c>: combines the shards of a run (run --shard k/n) into the run's results,
/// byte for byte the diagnosands a single run with the same seed writes.</summary>
internal static class MergeCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var folders = new Argument<string[]>("folders") { Description = "Shard folders written by 'run --shard k/n'", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "Folder for the merged results", Required = true };
        var force = CommonOptions.Force("Write into the output folder even if it holds files BiasSim did not write");
        var command = new Command("merge", "Combine the shards of a run into its diagnosands") { folders, output, force };
        command.SetAction(parse =>
        {
            string[] inputs = parse.GetValue(folders)!;
            string outDir = parse.GetValue(output)!;
            var states = inputs.Select(d => (Folder: d, State: RunState.ReadMeta(d))).ToList();
            RunState first = states[0].State;
            foreach (var (folder, state) in states.Skip(1).Where(s => s.State.Fingerprint != first.Fingerprint))
            {
                throw new UserInputException($"{folder}: its scenario, overrides, seed or replicates differ from {states[0].Folder}'s; expected shards of " +
                    "one run");
            }

            if (first.Kind == "sweep")
            {
                return MergeSweep(states, outDir, parse.GetValue(force), stdout);
            }

            string scenarioPath = Path.Combine(states[0].Folder, "scenario.yaml");
            var overrides = first.Overrides.Select(o => ScenarioOverride.Parse(o)!).ToList();
            Scenario scenario = ScenarioFile.Load(scenarioPath, overrides);
            var model = new CountModel(scenario);
            int slots = MonteCarloRunner.SlotCount(scenario, model);
            var segments = new SortedDictionary<int, SegmentTally>();
            foreach (var (folder, _) in states)
            {
                foreach (SegmentTally t in RunState.ReadTallies(folder, slots, RunState.TallyFingerprint(first.Fingerprint), repair: false))
                {
                    if (!segments.TryGetValue(t.Segment, out SegmentTally? seen) || seen.Blocks < t.Blocks) segments[t.Segment] = t;
                }
            }

            var settings = new RunSettings(first.Replicates, first.Seed, 1);
            SimulationResult result = MonteCarloRunner.Combine(model, scenario, settings, segments.Values);
            if (result.Partial)
            {
                int total = MonteCarloRunner.SegmentCount(first.Replicates);
                var missingShards = Enumerable.Range(0, first.Shards)
                    .Where(k =>
                    {
                        var (a, b) = RunState.SegmentRange(first.Replicates, k, first.Shards);
                        return Enumerable.Range(a, b - a).Any(s => !segments.ContainsKey(s));
                    })
                    .ToList();
                throw new UserInputException($"merge: {result.CompletedReplicates:N0} of {first.Replicates:N0} replicates are present ({segments.Count} of " +
                    $"{total} segments); " +
                    $"expected every shard finished (missing or unfinished: shard {string.Join(", ", missingShards.Select(k => $"{k}/{first.Shards}"))})");
            }

            OutputFolder.EnsureWritable(outDir, parse.GetValue(force));
            var info = new SummaryJson.RunInfo(first.ScenarioFile, first.Seed, first.Replicates, Threads: 1, ElapsedSeconds: 0,
                Warnings: [.. scenario.Warnings])
            {
                Overrides = first.Overrides,
            };
            using FolderLock folderLock = FolderLock.Acquire(outDir);
            OutputFolder.Clear(outDir, OutputFolder.Replace.Results);
            try
            {
                AtomicFile.WriteAllText(Path.Combine(outDir, "scenario.yaml"), File.ReadAllText(scenarioPath));
                AtomicFile.WriteAllText(Path.Combine(outDir, "diagnosands.csv"), DiagnosandCsv.Render(result.Rows));
                AtomicFile.WriteAllText(Path.Combine(outDir, "summary.json"), SummaryJson.Render(scenario, result, info));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserInputException($"{outDir}: cannot write the results there ({e.Message})");
            }
            stdout.WriteLine($"Merged {states.Count} folder(s), {segments.Count} segments, {result.CompletedReplicates:N0} replicates.");
            stdout.Write(ConsoleReport.Render(scenario, result, info, outDir));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// Sweep shards hold whole design points, each with its segment tallies in points/N: the merge sums them back into
    /// every point's diagnosands, exactly as one sweep would, and writes sweep.csv and summary.json.
    /// </summary>
    private static int MergeSweep(List<(string Folder, RunState State)> states, string outDir, bool force, TextWriter stdout)
    {
        RunState first = states[0].State;
        var byShard = states.GroupBy(s => s.State.Shard).ToDictionary(g => g.Key, g => g.First().Folder);
        var missing = Enumerable.Range(0, first.Shards).Where(k => !byShard.ContainsKey(k)).ToList();
        if (missing.Count > 0 || states.Any(s => s.State.Shards != first.Shards || s.State.Kind != "sweep"))
        {
            throw new UserInputException($"merge: expected every shard of the sweep (0 to {first.Shards - 1}), missing: " +
                $"{string.Join(", ", missing.Select(k => $"{k}/{first.Shards}"))}");
        }
        string scenarioPath = Path.Combine(byShard[0], "scenario.yaml");
        string text = File.ReadAllText(scenarioPath);
        var errors = new List<string>();
        Sweeps.SweepPlan plan = Sweeps.SweepPlan.Build(text, first.ScenarioFile, first.Overrides, errors) ?? throw new UserInputException(errors);
        Scenario[] scenarios = SweepCommand.LoadAll(plan, text);
        var results = new List<SweepPointResult>();
        foreach (Sweeps.SweepPoint point in plan.Points)
        {
            int shard = Enumerable.Range(0, first.Shards).First(k => point.Index < (int)((long)plan.PointCount * (k + 1) / first.Shards));
            Scenario scenario = scenarios[point.Index];
            var settings = new RunSettings(first.ReplicatesGiven ? first.Replicates : scenario.Simulation.Replicates, first.SeedGiven ? first.Seed
                : scenario.Seed, 1);
            var model = new CountModel(scenario);
            string pointFolder = Path.Combine(byShard[shard], "points", point.Index.ToString(System.Globalization.CultureInfo.InvariantCulture));
            List<SegmentTally> tallies = RunState.ReadTallies(pointFolder, MonteCarloRunner.SlotCount(scenario, model),
                RunState.TallyFingerprint(first.Fingerprint, point.Index), repair: false);
            SimulationResult result = MonteCarloRunner.Combine(model, scenario, settings, tallies);
            if (result.Partial)
            {
                throw new UserInputException($"{pointFolder}: design point {point.Index} is unfinished in shard {shard}/{first.Shards}; expected every shard " +
                    "finished (run it again with the same --shard)");
            }
            results.Add(new SweepPointResult(point, scenario, settings, result, 0));
        }
        OutputFolder.EnsureWritable(outDir, force);
        var info = new SweepOutput.SweepInfo(first.ScenarioFile, first.SeedGiven ? first.Seed : null, first.ReplicatesGiven ? first.Replicates : null, 1, 0,
            SweepCommand.Warnings(results));
        using FolderLock folderLock = FolderLock.Acquire(outDir);
        OutputFolder.Clear(outDir, OutputFolder.Replace.Results);
        SweepCommand.Write(outDir, text, plan, results, info);
        stdout.WriteLine($"Merged {first.Shards} sweep shard(s), {plan.PointCount} design points, into {Path.Combine(outDir, "sweep.csv")}.");
        return ExitCodes.Success;
    }
}
