namespace BiasSim.Cli;

/// <summary>A mistake in what the user gave us, reported as one or more clear lines and exit code 2, never a stack trace.</summary>
internal sealed class UserInputException(IReadOnlyList<string> messages) : Exception(string.Join(Environment.NewLine, messages))
{
    public UserInputException(string message) : this([message]) { }

    public IReadOnlyList<string> Messages { get; } = messages;
}
