using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using BiasSim.Cli.Records;
using BiasSim.Core.Randomness;
using BiasSim.Core.Records;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli.Commands;

/// <summary><c>biassim generate FILE</c>: one synthetic record-level referral dataset (one replicate of the scenario) as CSV.</summary>
internal static class GenerateCommand
{
    public const string DefaultOutput = "referrals.csv";

    public static Command Build(TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var file = new Argument<string>("file") { Description = "Scenario file (.yaml)" };
        var seed = CommonOptions.Seed("Master seed (overrides the scenario's seed)");
        var replicate = new Option<long?>("--replicate", "-k")
        { Description = "Which replicate of the scenario to write (default 0); the same seed and replicate give the same file" };
        Option<string[]> sets = CliOverrides.SetOption();
        var output = CommonOptions.Output($"Output CSV file (default: {DefaultOutput})");
        var force = CommonOptions.Force("Replace the --out file even if it is not a dataset BiasSim wrote");
        var command = new Command("generate", "Write one synthetic record-level referral dataset (one row per referral) for a replicate of the scenario")
        {
            file, seed, replicate, sets, output, force,
        };
        command.SetAction(parse =>
        {
            IReadOnlyList<ScenarioOverride> overrides = CliOverrides.Parse(parse.GetValue(sets));
            Scenario scenario = ScenarioFile.Load(parse.GetValue(file)!, overrides);
            long k = parse.GetValue(replicate) ?? 0;
            if (k < 0) throw new UserInputException($"--replicate: found {k}, expected a whole number of at least 0");
            ulong masterSeed = parse.GetValue(seed) ?? scenario.Seed;
            string path = parse.GetValue(output) ?? DefaultOutput;
            EnsureReplaceable(path, parse.GetValue(file)!, parse.GetValue(force));

            RecordModel model;
            try
            {
                model = new RecordModel(scenario);
            }
            catch (NotSupportedException e)
            {
                throw new UserInputException($"{parse.GetValue(file)}: {e.Message}");
            }
            var stopwatch = Stopwatch.StartNew();
            ulong recordsSeed = SeedSequence.Derive(masterSeed, 0, (ulong)k, SeedSequence.Stage.Records);
            DatasetSummary summary = Write(path, model, recordsSeed, cancellationToken);
            stopwatch.Stop();

            foreach (string note in summary.Notes) stderr.WriteLine($"biassim: note: {note}");
            double share = summary.Referrals == 0 ? 0 : (double)summary.UnknownEthnicity / summary.Referrals;
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Wrote {summary.Referrals:N0} referrals to {path} (ethnicity unrecorded for {summary.UnknownEthnicity:N0}, {100 * share:0.0}%) in " +
                $"{stopwatch.Elapsed.TotalSeconds:0.00} s"));
            stdout.WriteLine($"Scenario {scenario.Name}, replicate {k}, seed {masterSeed}: the same seed and replicate give the same file.");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// Refuses to replace a file that is not a dataset BiasSim wrote (its first line is not the dataset header), unless
    /// <paramref name="force"/>; the scenario file itself is never replaced, since the dataset would destroy its own source.
    /// </summary>
    private static void EnsureReplaceable(string path, string scenarioPath, bool force)
    {
        if (Directory.Exists(path)) throw new UserInputException($"--out {path}: is a folder, expected a CSV file name such as {DefaultOutput}");
        if (!File.Exists(path) && new FileInfo(path).LinkTarget is null) return;
        if (Path.GetFullPath(path) == Path.GetFullPath(scenarioPath))
        {
            throw new UserInputException($"--out {path}: is the scenario file itself, expected another file name such as {DefaultOutput}");
        }
        if (force) return;
        string? first = null;
        try
        {
            using var reader = new StreamReader(path);
            char[] buffer = new char[DatasetWriter.HeaderPrefix.Length];
            int read = reader.ReadBlock(buffer);
            first = new string(buffer, 0, read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable: treated as someone else's file.
        }
        if (first != DatasetWriter.HeaderPrefix || new FileInfo(path).LinkTarget is not null)
        {
            throw new UserInputException($"--out {path}: already exists and is not a dataset BiasSim wrote; expected a new file name (use --force to replace " +
                "it)");
        }
    }

    /// <summary>Streams the dataset into a temporary file beside <paramref name="path"/>, then renames it: a file is whole or absent.
    /// Ctrl+C stops it between batches, removing the temporary file; the target is left as it was.</summary>
    public static DatasetSummary Write(string path, RecordModel model, ulong recordsSeed, CancellationToken cancellationToken = default)
    {
        string full = Path.GetFullPath(path);
        DatasetSummary summary = default!;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            AtomicFile.Write(full, stream =>
            {
                using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 20);
                summary = new DatasetWriter(model, recordsSeed).Write(writer, model.Open(recordsSeed), cancellationToken);
            });
            return summary;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{path}: cannot write the dataset there ({e.Message})");
        }
    }
}
