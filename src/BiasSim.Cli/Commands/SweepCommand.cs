using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using BiasSim.Cli.Output;
using BiasSim.Cli.Results;
using BiasSim.Cli.Sweeps;
using BiasSim.Core.Engine;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;

namespace BiasSim.Cli.Commands;

/// <summary><c>biassim sweep FILE --set path=v1,v2,...</c>: the same audit over a grid of scenario values.</summary>
internal static class SweepCommand
{
    /// <summary>Distinct errors reported before the rest are summarised (a bad value fails at many points).</summary>
    private const int MaxErrors = 30;

    public static Command Build(TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var file = new Argument<string?>("file")
        { Description = "Scenario file (.yaml), optionally with a sweep: section; not needed with --resume", Arity = ArgumentArity.ZeroOrOne };
        Option<string[]> sets = CliOverrides.SetOption();
        sets.Description = "Swept values path=v1,v2,... or path=start:stop:step (stop included), e.g. --set recording.missing.share=0:0.9:0.1; " +
                           "a single value is a plain override applied to every point (repeatable; the grid is every combination)";
        var replicates = CommonOptions.Replicates("Simulated audits per design point (overrides simulation.replicates)");
        var seed = CommonOptions.Seed("Master seed (overrides the scenario's seed); every point reuses the same replicate seeds");
        var threads = CommonOptions.Threads();
        var output = CommonOptions.Output("Output folder (default: out/<scenario name>-sweep)");
        Option<bool> quiet = CliOverrides.QuietOption();
        var force = CommonOptions.Force("Write into the output folder even if it holds files BiasSim did not write");
        var shard = new Option<string?>("--shard")
        { Description = "Run only slice k of n of the design points (k/n, 0-based; 'auto' reads Slurm or Kubernetes); combine with 'biassim merge'" };
        var maxReplicates = new Option<long>("--max-replicates")
        {
            Description = "Refuse sweeps needing more replicates than this in all (design points x replicates)",
            DefaultValueFactory = _ => Limits.DefaultMaxReplicates
        };
        var resume = new Option<string?>("--resume")
        { Description = "Continue the interrupted sweep in this folder: finished points are read back, the rest run from their checkpoints" };
        var noPlots = new Option<bool>("--no-plots")
        {
            Description = "Do not draw plots (by default PNG and SVG plots go to DIR/plots, as 'biassim " +
            "report' draws them)"
        };
        var command = new Command("sweep", "Run the audit at every combination of scenario values (common random numbers) and write one table of diagnosands")
        {
            file, sets, replicates, seed, threads, output, quiet, force, maxReplicates, shard, resume, noPlots,
        };
        command.SetAction(parse =>
        {
            string? resumeFolder = parse.GetValue(resume);
            RunState? previous = null;
            string[] setArguments = parse.GetValue(sets) ?? [];
            int? reps = parse.GetValue(replicates);
            ulong? masterSeed = parse.GetValue(seed);
            string? path = parse.GetValue(file);
            if (resumeFolder is not null)
            {
                previous = RunState.ReadMeta(resumeFolder);
                if (previous.Kind != "sweep" || previous.Shards != 1)
                {
                    throw new UserInputException($"--resume {resumeFolder}: expected a folder of an unsharded sweep (run a shard again with the same --shard)");
                }
                if (path is not null || setArguments.Length > 0 || reps is not null || masterSeed is not null)
                {
                    throw new UserInputException($"--resume {resumeFolder}: the scenario, --set, --seed and --replicates come from the folder; expected none " +
                        "of them on the command line");
                }
                path = Path.Combine(resumeFolder, "scenario.yaml");
                setArguments = [.. previous.Overrides];
                reps = previous.ReplicatesGiven ? previous.Replicates : null;
                masterSeed = previous.SeedGiven ? previous.Seed : null;
            }
            if (path is null) throw new UserInputException("sweep: no scenario file given, expected FILE (or --resume DIR to continue a sweep)");
            if (ScenarioFile.TryRead(path, out string text) is { } unreadable)
            {
                throw new UserInputException([.. unreadable.Errors.Select(e => e.ToString())]);
            }
            var errors = new List<string>();
            SweepPlan plan = SweepPlan.Build(text, path, setArguments, errors) ?? throw new UserInputException(errors);
            if (plan.Parameters.Length == 0)
            {
                throw new UserInputException($"{path}: nothing to sweep, expected --set path=v1,v2,... (or path=start:stop:step) or a sweep: section in the " +
                    "file");
            }
            if (reps < 1) throw new UserInputException($"--replicates: found {reps}, expected a whole number of at least 1");
            int threadCount = Threads.Resolve(parse.GetValue(threads));

            // Every point is validated before any runs, so a bad value costs nothing and leaves no folder.
            Scenario[] scenarios = LoadAll(plan, text);
            var settings = scenarios.Select(s => new RunSettings(reps ?? s.Simulation.Replicates, masterSeed ?? s.Seed, threadCount)).ToArray();
            string folder = resumeFolder ?? parse.GetValue(output) ?? Path.Combine("out", scenarios[0].Name + "-sweep");
            Limits.CheckReplicates(settings.Sum(s => (long)s.Replicates), parse.GetValue(maxReplicates), "--max-replicates");
            if (resumeFolder is null) OutputFolder.EnsureWritable(folder, parse.GetValue(force));
            string fingerprint = SweepFingerprint(text, setArguments, masterSeed, reps);
            if (previous is not null && previous.Fingerprint != fingerprint)
            {
                throw new UserInputException($"--resume {resumeFolder}: the saved scenario was changed after the sweep started; expected it untouched");
            }

            (int Shard, int Shards)? slice = parse.GetValue(shard) is string shardText ? Sharding.Parse(shardText, Environment.GetEnvironmentVariable) : null;
            int firstPoint = slice is null ? 0 : (int)((long)plan.PointCount * slice.Value.Shard / slice.Value.Shards);
            int endPoint = slice is null ? plan.PointCount : (int)((long)plan.PointCount * (slice.Value.Shard + 1) / slice.Value.Shards);
            var sweepState = new RunState(fingerprint, path, setArguments, masterSeed ?? 0, reps ?? 0, slice?.Shard ?? 0, slice?.Shards ?? 1)
            {
                Kind = "sweep",
                SeedGiven = masterSeed is not null,
                ReplicatesGiven = reps is not null,
            };
            using FolderLock folderLock = FolderLock.Acquire(folder);
            if (previous is not null && RunState.ReadMeta(folder).Fingerprint != previous.Fingerprint)
            {
                throw new UserInputException($"--resume {resumeFolder}: the folder was changed by another run since it was read; expected it untouched");
            }
            // A fresh sweep removes every point of an older one: a resume must find only this sweep's checkpoints.
            OutputFolder.Clear(folder, previous is null ? OutputFolder.Replace.ResultsAndState : OutputFolder.Replace.Results);
            try
            {
                AtomicFile.WriteAllText(Path.Combine(folder, "scenario.yaml"), text);
                sweepState.WriteMeta(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserInputException($"{folder}: cannot write there ({e.Message})");
            }
            var stopwatch = Stopwatch.StartNew();
            long total = settings.Skip(firstPoint).Take(endPoint - firstPoint).Sum(s => (long)s.Replicates);
            bool show = ProgressDisplay.ShouldShow(stderr, parse.GetValue(quiet));
            List<SweepPointResult> results = ProgressDisplay.Run(show, $"{scenarios[0].Name}: {plan.PointCount:N0} design points", total, progress =>
            {
                var done = new List<SweepPointResult>(plan.PointCount);
                long offset = 0;
                foreach (SweepPoint point in plan.Points.Skip(firstPoint).Take(endPoint - firstPoint))
                {
                    if (cancellationToken.IsCancellationRequested) break;
                    long before = offset;
                    IProgress<long>? reporter = progress is null ? null : new Progress(progress, before);
                    var pointWatch = Stopwatch.StartNew();
                    // Design point 0 for every point: the same replicate seeds everywhere (common random numbers).
                    SimulationResult result = RunPoint(folder, point.Index, RunState.TallyFingerprint(fingerprint, point.Index), scenarios[point.Index],
                        settings[point.Index], resumeFolder is not null, reporter, cancellationToken);
                    // A point cut short by Ctrl+C is left out: the sweep keeps only finished design points.
                    if (result.Partial) break;
                    done.Add(new SweepPointResult(point, scenarios[point.Index], settings[point.Index], result, pointWatch.Elapsed.TotalSeconds));
                    offset += settings[point.Index].Replicates;
                }
                return done;
            });
            stopwatch.Stop();

            if (slice is not null)
            {
                var (k, n) = slice.Value;
                try
                {
                    AtomicFile.WriteAllText(Path.Combine(folder, "sweep.csv"), SweepOutput.Csv(SweepOutput.Build(plan, results, SweepOutput.SweepInfo.Shard)));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new UserInputException($"{folder}: cannot write the results there ({e.Message})");
                }
                stdout.WriteLine($"{scenarios[0].Name}: sweep shard {k}/{n}: design points {firstPoint} to {endPoint - 1} of {plan.PointCount} in " +
                    $"{stopwatch.Elapsed.TotalSeconds:0.00} s; combine every shard's folder with: biassim merge DIR... --out DIR");
                return ExitCodes.Success;
            }

            var info = new SweepOutput.SweepInfo(path, masterSeed ?? (settings.Select(s => s.Seed).Distinct().Count() == 1 ? settings[0].Seed : null),
                reps ?? (settings.Select(s => s.Replicates).Distinct().Count() == 1 ? settings[0].Replicates : null),
                threadCount, stopwatch.Elapsed.TotalSeconds, Warnings(results))
            {
                MissingPoints = endPoint - firstPoint - results.Count,
            };
            if (results.Count == 0 && cancellationToken.IsCancellationRequested)
            {
                stderr.WriteLine("Interrupted (Ctrl+C) before the first design point finished: nothing was written.");
                return ExitCodes.Interrupted;
            }
            SweepSummary summary = Write(folder, text, plan, results, info);
            stdout.Write(SweepOutput.Render(plan, results, info, folder));
            if (results.Count < endPoint - firstPoint)
            {
                stderr.WriteLine($"Interrupted (Ctrl+C): {folder}/sweep.csv holds the {results.Count:N0} finished design points of {plan.PointCount:N0} " +
                    $"(partial: true). Continue with: biassim sweep --resume {folder}");
                return ExitCodes.Interrupted;
            }
            if (!parse.GetValue(noPlots)) Plots.SweepPlots.WriteFor(Report.ResultsFolder.FromSweep(folder, summary, text), stdout, stderr);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// One design point, checkpointed per segment in DIR/points/N/state.bin, so an interrupted sweep resumes where it
    /// stopped and a finished point is read back, not re-run; summing the same segments gives bit-identical rows.
    /// </summary>
    private static SimulationResult RunPoint(string folder, int index, string tallyFingerprint, Scenario scenario, RunSettings settings, bool resuming,
        IProgress<long>? progress, CancellationToken cancellationToken)
    {
        string pointFolder = Path.Combine(folder, "points", index.ToString(CultureInfo.InvariantCulture));
        var model = new CountModel(scenario);
        List<SegmentTally> done;
        try
        {
            Directory.CreateDirectory(pointFolder);
            if (new DirectoryInfo(pointFolder).LinkTarget is not null) throw new IOException("it is a link, which BiasSim never writes");
            done = resuming ? RunState.ReadTallies(pointFolder, MonteCarloRunner.SlotCount(scenario, model), tallyFingerprint, repair: true) : [];
            if (!resuming || !File.Exists(Path.Combine(pointFolder, RunState.TallyFile))) RunState.ResetTallies(pointFolder, tallyFingerprint);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{pointFolder}: cannot write there ({e.Message})");
        }
        IReadOnlyList<SegmentTally> segments = MonteCarloRunner.RunSegments(model, scenario, settings, 0, MonteCarloRunner.SegmentCount(settings.Replicates),
            done, tally => RunState.Append(pointFolder, tally), progress, cancellationToken);
        return MonteCarloRunner.Combine(model, scenario, settings, segments);
    }

    /// <summary>Identifies a sweep for merging: the file's text, the --set arguments, seed and replicates.</summary>
    internal static string SweepFingerprint(string text, IReadOnlyList<string> sets, ulong? seed, int? replicates) =>
        RunState.FingerprintOf(text, sets, seed ?? 0, replicates ?? 0);

    internal static Scenario[] LoadAll(SweepPlan plan, string text)
    {
        var scenarios = new Scenario[plan.PointCount];
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int failed = 0;
        foreach (SweepPoint point in plan.Points)
        {
            ScenarioLoadResult result = plan.Load(text, point);
            if (result.Scenario is { } s)
            {
                scenarios[point.Index] = s;
                continue;
            }
            failed++;
            foreach (ScenarioError e in result.Errors)
            {
                string message = e.ToString();
                if (seen.Add(message) && errors.Count < MaxErrors) errors.Add(message);
            }
        }
        if (failed == 0) return scenarios;
        if (seen.Count > errors.Count) errors.Add(string.Create(CultureInfo.InvariantCulture, $"... and {seen.Count - errors.Count:N0} more distinct errors"));
        errors.Add(string.Create(CultureInfo.InvariantCulture,
            $"{plan.FileName}: {failed:N0} of {plan.PointCount:N0} design points are invalid; nothing was run"));
        throw new UserInputException(errors);
    }

    /// <summary>The scenario's own warnings (a degenerate detector, a deprecated key), each once however many design
    /// points share it, then any about Monte Carlo noise.</summary>
    internal static List<string> Warnings(IReadOnlyList<SweepPointResult> results)
    {
        var warnings = results.SelectMany(r => r.Scenario.Warnings).Distinct().ToList();
        double worstSe = results.SelectMany(r => r.Result.Rows).Select(r => r.FlagRateSe).DefaultIfEmpty(0).Max();
        if (worstSe > 0.01)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"a flag rate's Monte Carlo SE is up to {100 * worstSe:0.0} percentage points at some design point; use more replicates for publishable " +
                $"figures."));
        }
        return warnings;
    }

    /// <summary>Writes scenario.yaml, sweep.csv and summary.json, all from one typed summary, and returns it.</summary>
    internal static SweepSummary Write(string folder, string scenarioText, SweepPlan plan, IReadOnlyList<SweepPointResult> results,
        SweepOutput.SweepInfo info)
    {
        SweepSummary summary = SweepOutput.Build(plan, results, info);
        try
        {
            Directory.CreateDirectory(folder);
            AtomicFile.WriteAllText(Path.Combine(folder, "scenario.yaml"), scenarioText);
            AtomicFile.WriteAllText(Path.Combine(folder, "sweep.csv"), SweepOutput.Csv(summary));
            AtomicFile.WriteAllText(Path.Combine(folder, "summary.json"), ResultsJson.Serialize(summary, ResultsJson.Default.SweepSummary));
            return summary;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{folder}: cannot write the results there ({e.Message})");
        }
    }

    /// <summary>Reports a point's completed replicates as a share of the whole sweep.</summary>
    private sealed class Progress(IProgress<long> inner, long offset) : IProgress<long>
    {
        public void Report(long value) => inner.Report(offset + value);
    }
}
