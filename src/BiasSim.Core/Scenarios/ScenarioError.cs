namespace BiasSim.Core.Scenarios;

/// <summary>
/// A problem in a scenario file, located at its line and column (1-based) and key path,
/// rendered as <c>FILE:LINE:COL: path.to.key: what is wrong, what was expected</c>.
/// </summary>
public sealed record ScenarioError(string File, int Line, int Column, string Path, string Message)
{
    public override string ToString()
    {
        string where = Path.Length == 0 ? "" : Path + ": ";
        return $"{File}:{Line}:{Column}: {where}{Message}";
    }
}

/// <summary>Either a validated scenario or every error found in the file, never both.</summary>
public sealed record ScenarioLoadResult(Scenario? Scenario, IReadOnlyList<ScenarioError> Errors)
{
    public bool Success => Scenario is not null;
}
