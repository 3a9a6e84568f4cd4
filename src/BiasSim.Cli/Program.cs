using BiasSim.Cli;

// Ctrl+C asks the run to stop at the next block and write what it has (exit 130); a second Ctrl+C ends the process.
using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (interrupt.IsCancellationRequested) return;
    e.Cancel = true;
    interrupt.Cancel();
};
return CliApp.Run(args, Console.Out, Console.Error, interrupt.Token);
