using BiasSim.Cli;

// Ctrl+C asks the run to stop at the next block and write what it has (exit 130); a second Ctrl+C ends the process.
using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (interrupt.IsCancellationRequested)
    {
        // The second press ends the process at once, skipping every finally block: remove the temporary files first.
        TemporaryFiles.DeleteAll();
        return;
    }
    e.Cancel = true;
    interrupt.Cancel();
};
return CliApp.Run(args, Console.Out, Console.Error, interrupt.Token);
