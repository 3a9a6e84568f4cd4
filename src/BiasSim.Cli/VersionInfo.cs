using System.Reflection;

namespace BiasSim.Cli;

public static class VersionInfo
{
    /// <summary>The informational version without the source-revision suffix the SDK appends.</summary>
    public static string Version { get; } =
        (typeof(VersionInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0")
        .Split('+')[0];
}
