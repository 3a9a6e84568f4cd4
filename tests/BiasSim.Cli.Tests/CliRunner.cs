namespace BiasSim.Cli.Tests;

/// <summary>Runs the CLI in-process and captures what a user would see.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr);

internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "biassim-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name, string content)
    {
        string path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

internal static class Cli
{
    public static CliResult Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    public const string Scenario = """
        name: cli-test
        description: small and fast
        seed: 31
        population:
          reference: White
          groups: {White: 1000000, Black: 80000, Asian: 150000}
        referrals:
          total: 4000
          rate_ratios: {Black: 1.4}
        recording:
          missing: {mechanism: mcar, share: 0.6}
        detectors: [rate-ratio, chi-square]
        simulation: {replicates: 3000, alpha: 0.05}
        """;

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "BiasSim.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("BiasSim.sln not found");
        }
    }
}
