using BiasSim.Core.Scenarios;

namespace BiasSim.Cli;

/// <summary>Reads a scenario file from disk and validates it; the only place the CLI touches scenario files.</summary>
public static class ScenarioFile
{
    /// <summary>Scenario files are short, hand-written text; anything larger is a mistake (or an attack), rejected before parsing.</summary>
    public const long MaxBytes = 1 << 20;

    public static Scenario Load(string path)
    {
        ScenarioLoadResult result = TryLoad(path);
        return result.Scenario ?? throw new UserInputException(result.Errors.Select(e => e.ToString()).ToList());
    }

    public static ScenarioLoadResult TryLoad(string path)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (Directory.Exists(path)) return Fail(path, "is a folder, expected a scenario file (.yaml)");
            if (!info.Exists) return Fail(path, "no such file, expected a scenario file (.yaml)");
            if (info.Length > MaxBytes) return Fail(path, $"the file is {info.Length:N0} bytes, expected a scenario file of at most {MaxBytes:N0} bytes");
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(path, $"cannot be read ({e.Message})");
        }
        if (text.Contains('\0')) return Fail(path, "holds binary data (a NUL byte), expected a YAML text file");
        return ScenarioLoader.Load(text, path);
    }

    private static ScenarioLoadResult Fail(string path, string message) =>
        new(null, [new ScenarioError(path, 1, 1, "", message)]);
}
