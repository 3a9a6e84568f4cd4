using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using BiasSim.Cli.Output;
using BiasSim.Cli.Results;
using BiasSim.Core.Engine;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;

namespace BiasSim.Cli.Commands;

/// <summary><c>biassim run FILE</c>: the Monte Carlo audit of one scenario.</summary>
internal static class RunCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var file = new Argument<string?>("file") { Description = "Scenario file (.yaml); not needed with --resume", Arity = ArgumentArity.ZeroOrOne };
        var replicates = CommonOptions.Replicates("Number of simulated audits (overrides simulation.replicates)");
        var seed = CommonOptions.Seed("Master seed (overrides the scenario's seed)");
        var threads = CommonOptions.Threads();
        var output = CommonOptions.Output("Output folder (default: out/<scenario name>)");
        Option<string[]> sets = CliOverrides.SetOption();
        Option<bool> quiet = CliOverrides.QuietOption();
        var noPlots = new Option<bool>("--no-plots") { Description = "Do not draw plots (by default PNG and SVG plots go to DIR/plots)" };
        var report = new Option<bool>("--report") { Description = "Also write a shareable report.html and report.md into the output folder" };
        var resume = new Option<string?>("--resume") { Description = "Continue the interrupted run in this folder from its last checkpoint" };
        var shard = new Option<string?>("--shard")
        {
            Description = "Run only slice k of n of the replicates (k/n, 0-based; 'auto' or 'auto/n' reads SLURM_ARRAY_TASK_ID/COUNT or " +
                "JOB_COMPLETION_INDEX); combine slices with 'biassim merge'"
        };
        var force = CommonOptions.Force("Write into the output folder even if it holds files BiasSim did not write");
        var maxReplicates = new Option<long>("--max-replicates")
        { Description = "Refuse runs larger than this many replicates (a guard against typos)", DefaultValueFactory = _ => Limits.DefaultMaxReplicates };
        var saveReplicates = new Option<bool>("--save-replicates")
        {
            Description = "Also write DIR/replicates.csv: every replicate's estimate, interval, flag and outcome per detector and group (streamed)",
        };
        var maxReplicatesBytes = new Option<long>("--max-replicates-bytes")
        {
            Description = "Refuse --save-replicates when replicates.csv would be larger than this many bytes (estimated before the run)",
            DefaultValueFactory = _ => ReplicatesCsv.DefaultMaxBytes,
        };
        var command = new Command("run", "Simulate the scenario many times and report how reliably each detector finds the true disproportionality")
        {
            file, replicates, seed, threads, output, sets, quiet, noPlots, report, resume, shard, force, maxReplicates, saveReplicates, maxReplicatesBytes,
        };
        command.SetAction(parse =>
        {
            int threadCount = Threads.Resolve(parse.GetValue(threads));
            bool keepReplicates = parse.GetValue(saveReplicates);
            if (keepReplicates && (parse.GetValue(shard) is not null || parse.GetValue(resume) is not null))
            {
                // A resumed run or a shard sees only part of the replicates; a file missing some would pass for a whole run.
                throw new UserInputException($"--save-replicates with {(parse.GetValue(shard) is not null ? "--shard" : "--resume")}: not supported, "
                    + "expected a whole run in one go (replicates.csv must hold every replicate in order)");
            }
            RunRequest request = parse.GetValue(resume) is string resumeFolder
                ? RunRequest.Resume(resumeFolder, parse.GetValue(file), parse.GetValue(sets), parse.GetValue(seed), parse.GetValue(replicates),
                    parse.GetValue(output))
                : RunRequest.Fresh(parse.GetValue(file), parse.GetValue(sets), parse.GetValue(seed), parse.GetValue(replicates), parse.GetValue(output),
                    parse.GetValue(force));
            Limits.CheckReplicates(request.Replicates, parse.GetValue(maxReplicates), "--max-replicates");
            (int Shard, int Shards)? slice = parse.GetValue(shard) is string shardText ? Sharding.Parse(shardText, Environment.GetEnvironmentVariable) : null;
            if (slice is not null && parse.GetValue(resume) is not null)
                throw new UserInputException("--shard and --resume: found both, expected at most one (resume a shard by running it again)");

            Scenario scenario = request.Scenario;
            string folder = request.Folder;
            var settings = new RunSettings(request.Replicates, request.Seed, threadCount);
            var model = new CountModel(scenario);
            var replicateSlots = MonteCarloRunner.ReplicateSlots(scenario, model);
            if (keepReplicates)
            {
                long bytes = ReplicatesCsv.EstimateBytes(replicateSlots, request.Replicates);
                long rows = (long)replicateSlots.Length * request.Replicates;
                long limit = parse.GetValue(maxReplicatesBytes);
                if (bytes > limit)
                {
                    throw new UserInputException(
                        $"--save-replicates: replicates.csv would hold {rows:N0} rows, about {Size(bytes)}, more than the limit of {Size(limit)}; "
                        + $"expected fewer replicates, or raise the limit with --max-replicates-bytes {bytes}");
                }
                stdout.WriteLine(
                    $"{ReplicatesCsv.FileName}: {request.Replicates:N0} replicates x {replicateSlots.Length} rows = {rows:N0} rows, "
                    + $"at most about {Size(bytes)}");
            }
            var state = new RunState(request.Fingerprint, request.ScenarioFile, request.OverrideTexts, request.Seed, request.Replicates, slice?.Shard ?? 0,
                slice?.Shards ?? 1);
            var (first, end) = RunState.SegmentRange(request.Replicates, state.Shard, state.Shards);
            List<SegmentTally> done;
            using FolderLock folderLock = FolderLock.Acquire(folder);
            if (request.Resuming && RunState.ReadMeta(folder).Fingerprint != request.Fingerprint)
            {
                throw new UserInputException($"--resume {folder}: the folder was changed by another run since it was read; expected it untouched");
            }
            OutputFolder.Clear(folder, request.Resuming ? OutputFolder.Replace.Results : OutputFolder.Replace.ResultsAndState);
            string tallyFingerprint = RunState.TallyFingerprint(request.Fingerprint);
            try
            {
                AtomicFile.WriteAllText(Path.Combine(folder, "scenario.yaml"), request.ScenarioText);
                state.WriteMeta(folder);
                if (request.Resuming)
                {
                    done = RunState.ReadTallies(folder, MonteCarloRunner.SlotCount(scenario, model), tallyFingerprint, repair: true);
                    if (!File.Exists(Path.Combine(folder, RunState.TallyFile))) RunState.ResetTallies(folder, tallyFingerprint);
                }
                else
                {
                    RunState.ResetTallies(folder, tallyFingerprint);
                    done = [];
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserInputException($"{folder}: cannot write there ({e.Message})");
            }

            var stopwatch = Stopwatch.StartNew();
            IReadOnlyList<SegmentTally> segments;
            using (var replicateFile = keepReplicates ? new ReplicateFile(folder, replicateSlots) : null)
            {
                segments = ProgressDisplay.Run(ProgressDisplay.ShouldShow(stderr, parse.GetValue(quiet)), scenario.Name, request.Replicates,
                    progress => MonteCarloRunner.RunSegments(model, scenario, settings, first, end, done, tally => RunState.Append(folder, tally), progress,
                        cancellationToken, replicateFile?.Writer));
                // An interrupted run leaves no replicates.csv: it would hold only the first replicates and look whole.
                if (!cancellationToken.IsCancellationRequested) replicateFile?.Commit();
            }
            stopwatch.Stop();

            if (slice is not null)
            {
                long shardReplicates = segments.Sum(t => t.Data.Replicates);
                bool complete = !cancellationToken.IsCancellationRequested;
                stdout.WriteLine($"{scenario.Name}: shard {state.Shard}/{state.Shards} {(complete ? "done" : "interrupted")}: {shardReplicates:N0} " +
                    $"replicates in {stopwatch.Elapsed.TotalSeconds:0.00} s, tallies in {Path.Combine(folder, RunState.TallyFile)}");
                stdout.WriteLine($"Combine every shard's folder with: biassim merge DIR... --out DIR");
                return complete ? ExitCodes.Success : ExitCodes.Interrupted;
            }

            SimulationResult result = MonteCarloRunner.Combine(model, scenario, settings, segments);
            var info = new SummaryJson.RunInfo(request.ScenarioFile, request.Seed, request.Replicates, threadCount, stopwatch.Elapsed.TotalSeconds,
                [.. scenario.Warnings, .. Warnings(result)])
            {
                Overrides = request.OverrideTexts,
            };
            RunSummary summary = SummaryJson.Build(scenario, result, info);
            WriteOutputs(folder, summary);
            stdout.Write(ConsoleReport.Render(scenario, result, info, folder));
            if (ScenarioDefaults.Describe(scenario, request.Seed != scenario.Seed, request.Replicates != scenario.Simulation.Replicates) is string defaults)
            {
                stdout.WriteLine(defaults);
            }
            if (result.Partial)
            {
                stderr.WriteLine($"Interrupted: results cover {result.CompletedReplicates:N0} of {request.Replicates:N0} replicates (partial: true). " +
                    $"Continue with: biassim run --resume {folder}");
                return ExitCodes.Interrupted;
            }
            var results = Report.ResultsFolder.FromRun(folder, summary, request.ScenarioText, "", scenario);
            if (PlotsAndReport(results, !parse.GetValue(noPlots), parse.GetValue(report), stdout, stderr) is double plotSeconds)
            {
                // summary.json was written before the plots (so a failure drawing them loses no results): again with their time.
                WriteOutputs(folder, summary with { PlotSeconds = Math.Round(plotSeconds, 3) }, summaryOnly: true);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1_000_000_000 => (bytes / 1e9).ToString("0.0 GB", CultureInfo.InvariantCulture),
        >= 1_000_000 => (bytes / 1e6).ToString("0.0 MB", CultureInfo.InvariantCulture),
        _ => (bytes / 1e3).ToString("0.0 kB", CultureInfo.InvariantCulture),
    };

    /// <summary>replicates.csv streamed into a temporary file and moved into place only when the run completes.</summary>
    private sealed class ReplicateFile : IDisposable
    {
        private readonly string _path;
        private readonly string _temporary;
        private readonly FileStream _stream;

        public ReplicateFile(string folder, System.Collections.Immutable.ImmutableArray<ReplicateSlot> slots)
        {
            _path = Path.Combine(folder, ReplicatesCsv.FileName);
            try
            {
                _temporary = TemporaryFiles.Create(_path, out _stream);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserInputException($"{folder}: cannot write {ReplicatesCsv.FileName} there ({e.Message})");
            }
            Writer = new ReplicatesCsv(slots, _stream);
        }

        public ReplicatesCsv Writer { get; }

        public void Commit()
        {
            try
            {
                Writer.Flush();
                _stream.Dispose();
                File.Move(_temporary, _path, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserInputException($"{_path}: cannot write it ({e.Message})");
            }
        }

        public void Dispose()
        {
            _stream.Dispose();
            // Removes an uncommitted file and unregisters the name either way (a committed one has already moved).
            TemporaryFiles.Delete(_temporary);
        }
    }

    /// <summary>Flags results too noisy to trust, as SimDesign and DeclareDesign do.</summary>
    private static List<string> Warnings(SimulationResult result)
    {
        var warnings = new List<string>();
        double worstSe = result.Rows.Max(r => r.FlagRateSe);
        if (worstSe > 0.01)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"with {result.CompletedReplicates:N0} replicates a flag rate's Monte Carlo SE is up to {100 * worstSe:0.0} percentage points; use more " +
                $"replicates for publishable figures."));
        }
        return warnings;
    }

    /// <summary>Plots (into DIR/plots) and the report, drawn from the results just written, as <c>biassim report</c> would
    /// from the folder. Returns the seconds the plots took (drawing and writing), or null when none were drawn.</summary>
    private static double? PlotsAndReport(Report.ResultsFolder results, bool drawPlots, bool writeReport, TextWriter stdout, TextWriter stderr)
    {
        if (!drawPlots && !writeReport) return null;
        string folder = results.Folder;
        double? plotSeconds = null;
        IReadOnlyList<Plots.RenderedPlot> plots = [];
        string? note = "Plots were left out (--no-plots).";
        if (drawPlots)
        {
            var clock = Stopwatch.StartNew();
            plots = Report.ReportWriter.TryDrawPlots(results, stderr, out note);
            if (plots.Count > 0)
            {
                string plotsFolder = Path.Combine(folder, Plots.PlotSet.FolderName);
                Plots.PlotSet.Write(plots, plotsFolder);
                plotSeconds = clock.Elapsed.TotalSeconds;
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Wrote {plots.Count} plot(s) to {plotsFolder} (PNG and SVG) in {plotSeconds:0.00} s"));
            }
        }
        if (writeReport)
        {
            var (html, markdown) = Report.ReportWriter.Write(results, folder, plots, note);
            stdout.WriteLine($"Wrote {html} and {markdown}");
        }
        return plotSeconds;
    }

    private static void WriteOutputs(string folder, RunSummary summary, bool summaryOnly = false)
    {
        try
        {
            Directory.CreateDirectory(folder);
            if (!summaryOnly) AtomicFile.WriteAllText(Path.Combine(folder, "diagnosands.csv"), DiagnosandCsv.Render(summary.Rows));
            AtomicFile.WriteAllText(Path.Combine(folder, "summary.json"), ResultsJson.Serialize(summary, ResultsJson.Default.RunSummary));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{folder}: cannot write the results there ({e.Message})");
        }
    }
}
