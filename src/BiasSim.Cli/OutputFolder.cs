using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace BiasSim.Cli;

/// <summary>
/// Keeps BiasSim from writing over someone's other files: an output folder must be new, empty, or hold only BiasSim
/// output. BiasSim writes plain files and folders only, so a symbolic link is never its own, even under one of its
/// names: writing through it would land outside the folder.
/// </summary>
internal static class OutputFolder
{
    /// <summary>What a run, sweep or detection writes; replaced as a set, so a reader never sees two runs' files mixed.</summary>
    private static readonly string[] ResultFiles =
        ["diagnosands.csv", "summary.json", "sweep.csv", "mdrr.csv", "detection.csv", "report.html", "report.md",
         "report-short.html", "report-short.md", "compare.csv", "replicates.csv", "bias_analysis.csv"];

    /// <summary>What lets a run resume or merge; kept by a resume, replaced by a fresh start.</summary>
    private static readonly string[] StateFiles = [RunState.MetaFile, RunState.TallyFile];

    private static readonly HashSet<string> KnownFiles = [.. ResultFiles, .. StateFiles, "scenario.yaml", FolderLock.FileName];

    private const string PlotsFolder = "plots", PointsFolder = "points";
    private static readonly HashSet<string> KnownFolders = [PlotsFolder, PointsFolder];

    /// <summary>Throws a user error when <paramref name="folder"/> holds anything else, unless <paramref name="force"/>.</summary>
    public static void EnsureWritable(string folder, bool force)
    {
        if (File.Exists(folder)) throw new UserInputException($"{folder}: is a file, expected a folder for the results");
        if (force || !Directory.Exists(folder)) return;
        FileSystemInfo? stranger = new DirectoryInfo(folder).EnumerateFileSystemInfos().FirstOrDefault(entry => !IsBiasSimEntry(entry));
        if (stranger is not null)
        {
            string what = stranger.LinkTarget is not null ? $"a link '{stranger.Name}' (to {stranger.LinkTarget})" : $"'{stranger.Name}'";
            throw new UserInputException(
                $"{folder}: holds {what}, which BiasSim did not write; expected a new or empty folder or one of BiasSim's output folders (use --force to " +
                "write there anyway)");
        }
    }

    private static bool IsBiasSimEntry(FileSystemInfo entry)
    {
        if (entry.LinkTarget is not null) return false;
        bool folder = (entry.Attributes & FileAttributes.Directory) != 0;
        string name = entry.Name;
        return folder
            ? KnownFolders.Contains(name)
            : KnownFiles.Contains(name) || name.EndsWith(".tmp", StringComparison.Ordinal) && name.StartsWith('.');
    }

    /// <summary>What a command replaces before it writes.</summary>
    public enum Replace
    {
        /// <summary>Results only (report.html, plots, ...): a resume keeps its state, a merge its inputs.</summary>
        Results,
        /// <summary>Results and state (state.*, points/): a fresh start, so no tally of an older run survives.</summary>
        ResultsAndState,
        /// <summary>The report and its plots alone (<c>biassim report</c>).</summary>
        Report,
        /// <summary>The one-page summary alone (<c>biassim report --short</c>).</summary>
        ShortReport,
    }

    /// <summary>
    /// Removes what the command is about to write, before it writes anything: a stale summary.json or plot never sits
    /// beside new results. Links under BiasSim's names are removed as links (their targets untouched), so nothing is
    /// later written through them. Call it holding the folder's lock.
    /// </summary>
    public static void Clear(string folder, Replace what)
    {
        IEnumerable<string> names = what switch
        {
            Replace.Report => ["report.html", "report.md", PlotsFolder],
            Replace.ShortReport => ["report-short.html", "report-short.md"],
            Replace.Results => [.. ResultFiles, PlotsFolder],
            _ => [.. ResultFiles, .. StateFiles, PlotsFolder, PointsFolder],
        };
        try
        {
            foreach (string name in names) Remove(Path.Combine(folder, name));
            // Links under BiasSim's other names (kept ones, such as scenario.yaml) are removed too: BiasSim never writes links.
            foreach (FileSystemInfo entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
            {
                if (entry.LinkTarget is not null && (KnownFiles.Contains(entry.Name) || KnownFolders.Contains(entry.Name)) && entry.Name != FolderLock.FileName)
                {
                    File.Delete(entry.FullName);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{folder}: cannot replace the previous results there ({e.Message})");
        }
    }

    private static void Remove(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null) File.Delete(path);
        else if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        else if (info.Exists) File.Delete(path);
    }
}

/// <summary>
/// An exclusive lock on an output folder, held while a command writes there: a second run into the same folder would
/// blend two runs' tallies into numbers that match neither. The lock is a file opened with <see cref="FileShare.None"/>
/// (on Linux and macOS an advisory flock, released by the system when the process dies, so a crash leaves no stale
/// lock); it records the holder's process id, host and start time for the message a second run prints.
/// </summary>
internal sealed class FolderLock : IDisposable
{
    public const string FileName = "biassim.lock";

    private readonly FileStream _stream;
    private readonly string _path;

    private FolderLock(FileStream stream, string path)
    {
        _stream = stream;
        _path = path;
    }

    /// <summary>Creates <paramref name="folder"/> if needed and locks it; a folder locked by another run is a
    /// <see cref="UserInputException"/> naming the holder (exit code 2).</summary>
    public static FolderLock Acquire(string folder)
    {
        string path = Path.Combine(folder, FileName);
        FileStream stream;
        try
        {
            Directory.CreateDirectory(folder);
            if (new FileInfo(path).LinkTarget is not null) File.Delete(path);
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (File.Exists(path) && e is not DirectoryNotFoundException && e is not PathTooLongException)
        {
            string holder = Holder(path) is { Length: > 0 } h ? $" ({h})" : "";
            throw new UserInputException(
                $"{folder}: another BiasSim run is writing there{holder}; expected a folder no other run is using (wait for it to finish, or choose another " +
                "--out)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{folder}: cannot write there ({e.Message})");
        }
        string started = DateTimeOffset.Now.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);
        byte[] text = Encoding.UTF8.GetBytes($"pid {Environment.ProcessId} on {Environment.MachineName}, started {started}\n");
        stream.SetLength(0);
        stream.Write(text);
        stream.Flush();
        return new FolderLock(stream, path);
    }

    public void Dispose()
    {
        // Deleted before it is closed, while still ours: a run waiting to open it then creates a fresh one.
        try { File.Delete(_path); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        _stream.Dispose();
    }

    /// <summary>What the holder wrote. .NET's own readers honour the lock and cannot open the file, so on Linux and
    /// macOS it is read with the system's open/read, which ignore advisory locks.</summary>
    private static string? Holder(string path)
    {
        if (OperatingSystem.IsWindows()) return null;
        try
        {
            int fd = Open(path, 0);
            if (fd < 0) return null;
            try
            {
                var buffer = new byte[512];
                long n = Read(fd, buffer, buffer.Length);
                return n <= 0 ? null : new string([.. Encoding.UTF8.GetString(buffer, 0, (int)n).Trim().Where(c => !char.IsControl(c))]);
            }
            finally
            {
                _ = Close(fd);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [DllImport("libc", EntryPoint = "open")]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "read")]
    private static extern nint Read(int fd, byte[] buffer, nint count);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
