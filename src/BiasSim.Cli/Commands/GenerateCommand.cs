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
public static class GenerateCommand
{
    public const string DefaultOutput = "referrals.csv";

    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("file") { Description = "Scenario file (.yaml)" };
        var seed = new Option<ulong?>("--seed", "-s") { Description = "Master seed (overrides the scenario's seed)" };
        var replicate = new Option<long?>("--replicate", "-k") { Description = "Which replicate of the scenario to write (default 0); the same seed and replicate give the same file" };
        Option<string[]> sets = CliOverrides.SetOption();
        var output = new Option<string?>("--out", "-o") { Description = $"Output CSV file (default: {DefaultOutput})" };
        var command = new Command("generate", "Write one synthetic record-level referral dataset (one row per referral) for a replicate of the scenario")
        {
            file, seed, replicate, sets, output,
        };
        command.SetAction(parse =>
        {
            IReadOnlyList<ScenarioOverride> overrides = CliOverrides.Parse(parse.GetValue(sets));
            Scenario scenario = ScenarioFile.Load(parse.GetValue(file)!, overrides);
            long k = parse.GetValue(replicate) ?? 0;
            if (k < 0) throw new UserInputException($"--replicate: found {k}, expected a whole number of at least 0");
            ulong masterSeed = parse.GetValue(seed) ?? scenario.Seed;
            string path = parse.GetValue(output) ?? DefaultOutput;

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
            DatasetSummary summary = Write(path, model, recordsSeed);
            stopwatch.Stop();

            foreach (string note in summary.Notes) stderr.WriteLine($"biassim: note: {note}");
            double share = summary.Referrals == 0 ? 0 : (double)summary.UnknownEthnicity / summary.Referrals;
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Wrote {summary.Referrals:N0} referrals to {path} (ethnicity unrecorded for {summary.UnknownEthnicity:N0}, {100 * share:0.0}%) in {stopwatch.Elapsed.TotalSeconds:0.00} s"));
            stdout.WriteLine($"Scenario {scenario.Name}, replicate {k}, seed {masterSeed}: the same seed and replicate give the same file.");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Streams the dataset into a temporary file beside <paramref name="path"/>, then renames it: a file is whole or absent.</summary>
    public static DatasetSummary Write(string path, RecordModel model, ulong recordsSeed)
    {
        string full = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            DatasetSummary summary;
            using (var writer = new StreamWriter(temporary, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 20))
            {
                summary = new DatasetWriter(model, recordsSeed).Write(writer, model.Open(recordsSeed));
            }
            File.Move(temporary, full, overwrite: true);
            return summary;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{path}: cannot write the dataset there ({e.Message})");
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
