using System.Reflection;
using System.Runtime.CompilerServices;

namespace BiasSim.Cli;

internal static class VersionInfo
{
    /// <summary>The informational version as built: <c>VERSION+COMMIT</c> when the build knew its git commit.</summary>
    private static readonly string Informational =
        typeof(VersionInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>The informational version without the source-revision suffix the SDK appends. Checkpoint fingerprints
    /// and summary.json use it, so two builds of the same version read each other's folders.</summary>
    public static string Version { get; } = Informational.Split('+')[0];

    /// <summary>The git commit the binary was built from (see SourceRevisionId in Directory.Build.props), or null when
    /// it was built outside a git checkout.</summary>
    public static string? Commit { get; } = Informational.Split('+') is [_, var commit, ..] && commit.Length > 0 ? commit : null;

    /// <summary>How the code runs: compiled ahead of time to native code, or on the JIT (dotnet tool, dotnet run).</summary>
    public static string Runtime => RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "native";

    /// <summary>What <c>biassim --version</c> prints: the version first (scripts read it), then the commit and runtime.</summary>
    public static string Describe() =>
        $"{Version} (commit {Commit ?? "unknown: built outside a git checkout"}; {Runtime}, .NET {Environment.Version})";
}
