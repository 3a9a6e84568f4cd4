using Spectre.Console;

namespace BiasSim.Cli;

/// <summary>
/// A progress bar with the time remaining, drawn on the real stderr while a long simulation runs. It is shown only
/// when the CLI writes to the process's own stderr and that is a terminal, and not with --quiet: never into a
/// file, a pipe, CI logs or the StringWriters of in-process tests.
/// </summary>
internal static class ProgressDisplay
{
    public static bool ShouldShow(TextWriter stderr, bool quiet) =>
        !quiet && ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;

    /// <summary>Runs <paramref name="work"/>, passing it a reporter of completed units out of <paramref name="total"/>
    /// when <paramref name="show"/> is true, else null (no cost at all).</summary>
    public static T Run<T>(bool show, string description, long total, Func<IProgress<long>?, T> work)
    {
        if (!show || total <= 0) return work(null);
        // ShouldShow has established that stderr is a terminal; Spectre's own guess (it also looks at stdin) would
        // otherwise fall back to printing only the final state.
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error), Interactive = InteractionSupport.Yes });
        return console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask(Markup.Escape(description), maxValue: total);
                T result = work(new TaskReporter(task));
                task.Value = total;
                return result;
            });
    }

    private sealed class TaskReporter(ProgressTask task) : IProgress<long>
    {
        public void Report(long value) => task.Value = Math.Min(value, task.MaxValue);
    }
}
