using System.CommandLine;
using BiasSim.Cli.Commands;
using BiasSim.Cli.Output;
using BiasSim.Core.Design;
using BiasSim.Core.Detectors;
using BiasSim.Explorer;

namespace BiasSim.Cli;

/// <summary>The <c>biassim</c> command line. Writers are passed in so tests run it in-process.</summary>
internal static class CliApp
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("BiasSim: simulate how missing and officer-assigned ethnicity hide or fake disproportionality, and how reliably detectors " +
            "still find it.");
        root.Subcommands.Add(RunCommand.Build(stdout, stderr, cancellationToken));
        root.Subcommands.Add(ValidateCommand.Build(stdout, stderr));
        root.Subcommands.Add(ReportCommand.Build(stdout, stderr));
        root.Subcommands.Add(SweepCommand.Build(stdout, stderr, cancellationToken));
        root.Subcommands.Add(MdrrCommand.Build(stdout, stderr, cancellationToken));
        root.Subcommands.Add(GenerateCommand.Build(stdout, stderr, cancellationToken));
        root.Subcommands.Add(DetectCommand.Build(stdout, stderr));
        root.Subcommands.Add(MergeCommand.Build(stdout, stderr));
        root.Subcommands.Add(InitCommand.Build(stdout, stderr));
        root.Subcommands.Add(ExplainCommand.Build(stdout, stderr));
        root.Subcommands.Add(CompareCommand.Build(stdout, stderr, cancellationToken));
        root.Subcommands.Add(ExploreCommand.Build(stdout, stderr, ExplorerHooks, cancellationToken));

        // --version prints the commit and runtime too, so a bug report names exactly what ran.
        if (root.Options.OfType<VersionOption>().FirstOrDefault() is { } version) version.Action = new PrintVersion();

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) stderr.WriteLine($"biassim: {error.Message}");
            stderr.WriteLine("Run 'biassim --help' for usage.");
            return ExitCodes.BadInput;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (UserInputException e)
        {
            foreach (string message in e.Messages) stderr.WriteLine(message);
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Commands without partial results stop here; every file they write is atomic, so nothing is half-written.
            stderr.WriteLine("Interrupted (Ctrl+C): stopped before finishing; no results were written for the unfinished work.");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (Unwrap(e) is UserInputException inner)
        {
            foreach (string message in inner.Messages) stderr.WriteLine(message);
            return ExitCodes.BadInput;
        }
        catch (Exception e)
        {
            // A bug (or a resource the system refused): one line, no stack trace, exit 1 as the README promises. Files are
            // written whole through a temporary file and a rename, so the failure leaves no half-written output.
            Exception cause = Unwrap(e);
            string command = parsed.CommandResult.Command.Name;
            stderr.WriteLine($"biassim {command}: internal error ({cause.GetType().Name}: {cause.Message.ReplaceLineEndings(" ")}); " +
                $"a bug in BiasSim {VersionInfo.Version}, not in your input: please report it with the command line and scenario to {ReportTo}");
            return ExitCodes.InternalError;
        }
    }

    /// <summary>The explorer's view of the CLI: its guarded loader, the diagnosands.csv columns and the plain words, so the page
    /// formats and words every number exactly as <c>biassim run</c> does.</summary>
    public static readonly ExplorerHooks ExplorerHooks = new(
        (text, file, overrides) => ScenarioFile.PointAtOverrides(ScenarioLoader.Load(text, file, overrides), file, overrides),
        [.. DiagnosandColumns.Names],
        row => [.. DiagnosandColumns.Cells(row)],
        (row, scenario, missing) => row.Detector == ChiSquareDetector.DetectorName ? Verdicts.TestSentence(row, "")
            : Verdicts.IsJudged(row) || row.Group == Core.Simulation.MonteCarloRunner.FamilyWiseTarget ? Verdicts.Sentence(row, scenario, missing) : null,
        ConsoleReport.PlainWords,
        Verdicts.Verdict,
        Verdicts.PrimaryRows,
        Verdicts.Per100);

    private sealed class PrintVersion : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(VersionInfo.Describe());
            return ExitCodes.Success;
        }
    }

    /// <summary>Where to report internal errors.</summary>
    public const string ReportTo = "the BiasSim issue tracker";

    /// <summary>The exception that matters inside the wrappers parallel code and reflection put around it.</summary>
    private static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case AggregateException { InnerExceptions.Count: 1 } a: e = a.InnerExceptions[0]; continue;
                case System.Reflection.TargetInvocationException { InnerException: { } inner }: e = inner; continue;
                default: return e;
            }
        }
    }
}
