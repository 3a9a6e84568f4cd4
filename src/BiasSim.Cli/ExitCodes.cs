namespace BiasSim.Cli;

/// <summary>Process exit codes; scripts depend on them.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    /// <summary>Something went wrong inside BiasSim: a bug to report.</summary>
    public const int InternalError = 1;
    /// <summary>The user's input (arguments or files) is invalid; the message says what to change.</summary>
    public const int BadInput = 2;
    /// <summary>Stopped by Ctrl+C (128 + SIGINT): results so far were written, marked partial.</summary>
    public const int Interrupted = 130;
}
