using System.CommandLine;
using BiasSim.Cli.Sweeps;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli.Commands;

/// <summary><c>biassim validate FILE...</c>: checks scenario files without running them.</summary>
internal static class ValidateCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var files = new Argument<string[]>("files") { Description = "Scenario files (.yaml) to check", Arity = ArgumentArity.OneOrMore };
        Option<string[]> sets = CliOverrides.SetOption();
        var command = new Command("validate", "Check scenario files (and their sweep: sections) and report every error, without running anything") { files,
            sets };
        command.SetAction(parse =>
        {
            bool allValid = true;
            IReadOnlyList<ScenarioOverride> overrides = CliOverrides.Parse(parse.GetValue(sets));
            foreach (string file in parse.GetValue(files)!)
            {
                ScenarioLoadResult result = ScenarioFile.TryLoad(file, overrides);
                foreach (string warning in result.Scenario?.Warnings ?? []) stderr.WriteLine($"warning: {warning}");
                if (result.Scenario is { } s && ValidateSweep(file, parse.GetValue(sets) ?? [], stderr) is { } sweep)
                {
                    stdout.WriteLine($"{file}: valid ({s.Name}: {s.Population.Groups.Length} groups, {s.Detectors.Length} detector(s), " +
                        $"{s.Simulation.Replicates:N0} replicates{sweep})");
                    foreach (string line in MissingShares.Describe(s)) stdout.WriteLine($"  {line}");
                    if (ScenarioDefaults.Describe(s) is string defaults) stdout.WriteLine($"  {defaults}");
                }
                else if (result.Scenario is not null)
                {
                    allValid = false;
                }
                else
                {
                    allValid = false;
                    foreach (ScenarioError error in result.Errors) stderr.WriteLine(error.ToString());
                }
            }
            return allValid ? ExitCodes.Success : ExitCodes.BadInput;
        });
        return command;
    }

    /// <summary>Checks a file's <c>sweep:</c> section, if any, and every design point it makes: "" when there is none,
    /// a description when all are valid, null (errors written) otherwise. Plain --set values are checked above.</summary>
    private static string? ValidateSweep(string file, IReadOnlyList<string> sets, TextWriter stderr)
    {
        if (ScenarioFile.TryRead(file, out string text) is not null) return null;
        var errors = new List<string>();
        SweepPlan? plan = SweepPlan.Build(text, file, sets, errors);
        if (plan is not null && plan.Parameters.Length > 0)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (SweepPoint point in plan.Points)
            {
                foreach (ScenarioError e in plan.Load(text, point).Errors)
                {
                    if (seen.Add(e.ToString())) errors.Add(e.ToString());
                }
            }
        }
        foreach (string error in errors) stderr.WriteLine(error);
        if (errors.Count > 0) return null;
        return plan is null || plan.Parameters.Length == 0 ? ""
            : $"; sweep of {plan.PointCount:N0} design points over {string.Join(", ", plan.Parameters.Select(p => p.Path))}";
    }
}
