using System.Collections.Immutable;
using System.Reflection;

namespace BiasSim.Explorer;

/// <summary>
/// The scenarios shipped in scenarios/*.yaml, compiled into this assembly: the explorer serves these by name and nothing
/// else, so no request can make it read a file.
/// </summary>
public static class BundledScenarios
{
    private const string Prefix = "scenarios/";

    /// <summary>Name (the file name without .yaml) to text, in name order.</summary>
    public static readonly ImmutableSortedDictionary<string, string> All = Read();

    /// <summary>The scenario the page opens with when the address names none.</summary>
    public const string Default = "prevent-2015-2023";

    private static ImmutableSortedDictionary<string, string> Read()
    {
        Assembly assembly = typeof(BundledScenarios).Assembly;
        var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (string resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using Stream stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: true);
            builder[Path.GetFileNameWithoutExtension(resource[Prefix.Length..])] = reader.ReadToEnd();
        }
        return builder.ToImmutable();
    }

    /// <summary>The file name errors and the download name: where the scenario lives in the repository.</summary>
    public static string FileName(string name) => $"scenarios/{name}.yaml";
}
