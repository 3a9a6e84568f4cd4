using System.Text;
using BiasSim.Cli;

namespace BiasSim.Explorer.Tests;

/// <summary>
/// A real <c>biassim explore --port 0 --no-browser</c>, run in-process through the CLI's own entry point on a real Kestrel
/// socket, stopped as Ctrl+C stops it. xunit shares one per test class.
/// </summary>
public sealed class ExplorerHost : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly SignalWriter _stdout = new();
    private readonly SignalWriter _stderr = new();

    public ExplorerHost()
    {
        _thread = new Thread(() => ExitCode = CliApp.Run(["explore", "--port", "0", "--no-browser"], _stdout, _stderr, _stop.Token)) { IsBackground = true };
        _thread.Start();
        if (!_stdout.Started.Wait(TimeSpan.FromSeconds(60)))
        {
            throw new InvalidOperationException($"biassim explore printed no address within 60 s; stdout: {_stdout} stderr: {_stderr}");
        }
        string line = _stdout.ToString().Split('\n').First(l => l.StartsWith("BiasSim explorer: ", StringComparison.Ordinal));
        Url = new Uri(line["BiasSim explorer: ".Length..].Trim());
        Client = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(120) };
    }

    public Uri Url { get; }
    public HttpClient Client { get; }
    public int? ExitCode { get; private set; }
    public string Stdout => _stdout.ToString();

    public void Dispose()
    {
        Client.Dispose();
        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(30));
    }

    /// <summary>Collects output and signals the line that carries the address.</summary>
    private sealed class SignalWriter : TextWriter
    {
        private readonly StringBuilder _text = new();
        public ManualResetEventSlim Started { get; } = new();
        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_text)
            {
                _text.Append(value);
                if (value == '\n' && _text.ToString().Contains("BiasSim explorer: http", StringComparison.Ordinal)) Started.Set();
            }
        }

        public override string ToString()
        {
            lock (_text) return _text.ToString();
        }
    }
}

/// <summary>The CLI run in-process, and the files a test reads back.</summary>
internal static class Cli
{
    public static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>diagnosands.csv of <c>biassim run</c> with these arguments, as rows of cells (header first).</summary>
    public static List<string[]> RunCsv(string folder, params string[] args)
    {
        string output = Path.Combine(folder, "out-" + Guid.NewGuid().ToString("N"));
        var (code, stdout, stderr) = Run(["run", .. args, "--out", output, "--no-plots", "--quiet", "--threads", "2"]);
        Assert.True(code == 0, $"biassim run failed ({code}): {stdout}\n{stderr}");
        return ParseCsv(File.ReadAllText(Path.Combine(output, "diagnosands.csv")));
    }

    public static string RepoRoot
    {
        get
        {
            string? dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(Path.Combine(dir, "BiasSim.sln"))) dir = Path.GetDirectoryName(dir);
            return dir ?? throw new InvalidOperationException("BiasSim.sln not found above the test binaries");
        }
    }

    /// <summary>RFC 4180: fields may be quoted, quotes doubled inside.</summary>
    public static List<string[]> ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\n')
            {
                row.Add(field.ToString().TrimEnd('\r'));
                field.Clear();
                rows.Add([.. row]);
                row.Clear();
            }
            else field.Append(c);
        }
        if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString()); rows.Add([.. row]); }
        return rows;
    }
}

internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "biassim-explorer-" + Guid.NewGuid().ToString("N"));

    public TempFolder() => Directory.CreateDirectory(Path);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
