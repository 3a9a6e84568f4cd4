using BiasSim.Core.Design;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli;

/// <summary>Reads a scenario file from disk and validates it; the only place the CLI touches scenario files.</summary>
internal static class ScenarioFile
{
    /// <summary>Scenario files are short, hand-written text; anything larger is a mistake (or an attack), rejected before parsing.</summary>
    public const long MaxBytes = 1 << 20;

    public static Scenario Load(string path) => Load(path, []);

    /// <summary>Loads and validates the file with <c>--set path=value</c> <paramref name="overrides"/> applied; a mistake
    /// anywhere (file or override) is a <see cref="UserInputException"/> listing every error.</summary>
    public static Scenario Load(string path, IReadOnlyList<ScenarioOverride> overrides)
    {
        ScenarioLoadResult result = TryLoad(path, overrides);
        return result.Scenario ?? throw new UserInputException(result.Errors.Select(e => e.ToString()).ToList());
    }

    public static ScenarioLoadResult TryLoad(string path) => TryLoad(path, []);

    /// <summary>A top-level <c>sweep:</c> section is for <c>biassim sweep</c> alone: it is blanked out here (line and column
    /// numbers of everything else unchanged) so every command can read a sweep file as its base scenario.</summary>
    public static ScenarioLoadResult TryLoad(string path, IReadOnlyList<ScenarioOverride> overrides)
    {
        ScenarioLoadResult? failure = TryRead(path, out string text);
        return failure ?? PointAtOverrides(ScenarioLoader.Load(text, path, overrides), path, overrides);
    }

    /// <summary>
    /// A key that only a --set created has no place in the file, yet the loader reports it at the file's 1:1
    /// (for example an unknown key, or a key that does not apply); such errors are put on the --set argument that made it.
    /// </summary>
    public static ScenarioLoadResult PointAtOverrides(ScenarioLoadResult result, string path, IReadOnlyList<ScenarioOverride> overrides)
    {
        if (result.Success || overrides.Count == 0) return result;
        return result with
        {
            Errors = [.. result.Errors.Select(e =>
                e.File == path && e.Line == 1 && e.Column == 1
                    && overrides.LastOrDefault(o => e.Path == o.Path || e.Path.StartsWith(o.Path + ".", StringComparison.Ordinal)) is { } o
                    ? e with { File = o.Argument }
                    : e)],
        };
    }

    /// <summary>Reads the file's text, refusing folders, missing, oversized and binary files; null on success.</summary>
    public static ScenarioLoadResult? TryRead(string path, out string text)
    {
        text = "";
        try
        {
            var info = new FileInfo(path);
            if (Directory.Exists(path)) return Fail(path, "is a folder, expected a scenario file (.yaml)");
            if (!info.Exists) return Fail(path, "no such file, expected a scenario file (.yaml)");
            if (info.Length > MaxBytes) return Fail(path, $"the file is {info.Length:N0} bytes, expected a scenario file of at most {MaxBytes:N0} bytes");
            // Devices and pipes report a length of 0 (and /dev/zero never ends, a pipe may never open): a regular
            // file of length 0 is empty anyway, so neither is opened.
            if (info.Length == 0) return Fail(path, "the file is empty (or is not a regular file but a device or pipe), expected a scenario file (.yaml)");
            // Read no more than the limit, whatever the length said: a file can grow after it was measured.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var buffer = new byte[MaxBytes + 1];
            int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (read > MaxBytes) return Fail(path, $"the file is more than {MaxBytes:N0} bytes, expected a scenario file of at most {MaxBytes:N0} bytes");
            text = new StreamReader(new MemoryStream(buffer, 0, read), detectEncodingFromByteOrderMarks: true).ReadToEnd();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(path, $"cannot be read ({e.Message})");
        }
        if (text.Contains('\0')) return Fail(path, "holds binary data (a NUL byte), expected a YAML text file");
        return null;
    }

    private static ScenarioLoadResult Fail(string path, string message) =>
        new(null, [new ScenarioError(path, 1, 1, "", message)]);
}
