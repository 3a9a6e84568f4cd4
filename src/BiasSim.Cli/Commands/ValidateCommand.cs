using System.CommandLine;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli.Commands;

/// <summary><c>biassim validate FILE...</c>: checks scenario files without running them.</summary>
public static class ValidateCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var files = new Argument<string[]>("files") { Description = "Scenario files (.yaml) to check", Arity = ArgumentArity.OneOrMore };
        var command = new Command("validate", "Check scenario files and report every error, without running anything") { files };
        command.SetAction(parse =>
        {
            bool allValid = true;
            foreach (string file in parse.GetValue(files)!)
            {
                ScenarioLoadResult result = ScenarioFile.TryLoad(file);
                if (result.Scenario is { } s)
                {
                    stdout.WriteLine($"{file}: valid ({s.Name}: {s.Population.Groups.Length} groups, {s.Detectors.Length} detector(s), {s.Simulation.Replicates:N0} replicates)");
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
}
