using System.CommandLine;

namespace BiasSim.Cli;

/// <summary>
/// The options several commands share, declared once so their names, aliases and meaning cannot drift apart between
/// commands (users' scripts depend on them). Each command words the description of what the option overrides for it.
/// </summary>
internal static class CommonOptions
{
    public static Option<int?> Replicates(string description = "Number of simulated audits (overrides simulation.replicates)") =>
        new("--replicates", "-r") { Description = description };

    public static Option<ulong?> Seed(string description = "Master seed (overrides the scenario's seed)") =>
        new("--seed", "-s") { Description = description };

    public static Option<int?> Threads() =>
        new("--threads", "-t") { Description = "Worker threads (default: all cores); results are identical for any value" };

    public static Option<string?> Output(string description) => new("--out", "-o") { Description = description };

    public static Option<bool> Force(string description = "Write into the output folder even if it holds files BiasSim did not write") =>
        new("--force") { Description = description };
}
