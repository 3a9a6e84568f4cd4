using System.Collections.Concurrent;
using System.Text;

namespace BiasSim.Cli;

/// <summary>
/// Writes a file whole or not at all: a temporary file beside the target, then a rename. Neither step follows a
/// symbolic link: the temporary file is created new (a link planted under its name makes the create fail), and the
/// rename replaces a link at the target with the file instead of writing where the link points.
/// </summary>
internal static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public static void WriteAllText(string path, string content) => Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, Utf8NoBom);
        writer.Write(content);
    });

    public static void WriteAllBytes(string path, byte[] content) => Write(path, stream => stream.Write(content));

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, which streams into the temporary file.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string temporary = TemporaryFiles.Create(path, out FileStream stream);
        try
        {
            using (stream) write(stream);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            TemporaryFiles.Delete(temporary);
        }
    }
}

/// <summary>
/// The temporary files this process has open, so that a second Ctrl+C (which ends the process at once, skipping
/// every finally block) can still remove them and leave no orphan behind.
/// </summary>
internal static class TemporaryFiles
{
    private static readonly ConcurrentDictionary<string, byte> Open = new(StringComparer.Ordinal);

    /// <summary>Creates <c>.NAME.PID.tmp</c> beside <paramref name="target"/>, new (never through a link), and registers it.</summary>
    public static string Create(string target, out FileStream stream)
    {
        string full = Path.GetFullPath(target);
        string temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        // A leftover of a killed run with our process id, or something planted: removed (a link itself, not its target).
        if (File.Exists(temporary) || new FileInfo(temporary).LinkTarget is not null) File.Delete(temporary);
        Open[temporary] = 0;
        try
        {
            stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        }
        catch
        {
            Open.TryRemove(temporary, out _);
            throw;
        }
        return temporary;
    }

    public static void Delete(string temporary)
    {
        try
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
        finally
        {
            Open.TryRemove(temporary, out _);
        }
    }

    /// <summary>Removes every registered temporary file, ignoring failures: called as the process is being ended.</summary>
    public static void DeleteAll()
    {
        foreach (string temporary in Open.Keys)
        {
            try { File.Delete(temporary); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>How many temporary files are open (for tests).</summary>
    public static int Count => Open.Count;
}
