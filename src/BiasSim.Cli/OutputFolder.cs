namespace BiasSim.Cli;

/// <summary>Keeps BiasSim from writing over someone's other files: an output folder must be new, empty, or hold only BiasSim output.</summary>
public static class OutputFolder
{
    private static readonly HashSet<string> KnownFiles =
    [
        "diagnosands.csv", "summary.json", "scenario.yaml", "sweep.csv", "mdrr.csv", "detection.csv",
        "report.html", "report.md", RunState.MetaFile, RunState.TallyFile,
    ];

    private static readonly HashSet<string> KnownFolders = ["plots", "points"];

    /// <summary>Throws a user error when <paramref name="folder"/> holds anything else, unless <paramref name="force"/>.</summary>
    public static void EnsureWritable(string folder, bool force)
    {
        if (force || !Directory.Exists(folder)) return;
        string? stranger = Directory.EnumerateFileSystemEntries(folder)
            .Select(Path.GetFileName)
            .FirstOrDefault(name => name is not null && !IsBiasSimEntry(folder, name));
        if (stranger is not null)
        {
            throw new UserInputException(
                $"{folder}: holds '{stranger}', which BiasSim did not write; expected a new or empty folder or one of BiasSim's output folders (use --force to write there anyway)");
        }
    }

    private static bool IsBiasSimEntry(string folder, string name) =>
        KnownFiles.Contains(name) || name.EndsWith(".tmp", StringComparison.Ordinal) && name.StartsWith('.') ||
        KnownFolders.Contains(name) && Directory.Exists(Path.Combine(folder, name));
}
