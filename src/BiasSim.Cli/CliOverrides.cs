using System.CommandLine;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli;

/// <summary>The options every scenario command shares: <c>--set path=value</c> (repeatable) and <c>--quiet</c>.</summary>
internal static class CliOverrides
{
    public static Option<string[]> SetOption() => new("--set")
    {
        Description = "Override a scenario key by its dot path, e.g. --set recording.missing.share=0.35 or --set referrals.rate_ratios.Black=1.3 " +
            "(repeatable; the value is read as YAML)",
        Arity = ArgumentArity.ZeroOrMore,
        HelpName = "path=value",
    };

    public static Option<bool> QuietOption() => new("--quiet", "-q")
    { Description = "Do not show the progress bar (it is never shown when stderr is not a terminal)" };

    /// <summary>Parses every <c>--set</c>; a malformed one (no '=', an empty path) is a <see cref="UserInputException"/> naming each.</summary>
    public static IReadOnlyList<ScenarioOverride> Parse(IReadOnlyList<string>? arguments)
    {
        if (arguments is null || arguments.Count == 0) return [];
        var overrides = new List<ScenarioOverride>();
        var errors = new List<string>();
        foreach (string argument in arguments)
        {
            if (ScenarioOverride.Parse(argument) is { } o) overrides.Add(o);
            else errors.Add(Malformed(argument));
        }
        return errors.Count > 0 ? throw new UserInputException(errors) : overrides;
    }

    public static string Malformed(string argument) =>
        $"--set {argument}: expected path=value with a dot path to a scenario key, such as recording.missing.share=0.35";

    /// <summary>The overrides as summary.json records them: "path=value", in the order applied.</summary>
    public static IReadOnlyList<string> Describe(IEnumerable<ScenarioOverride> overrides) => [.. overrides.Select(o => $"{o.Path}={o.Value}")];
}
