using BiasSim.Core.Design;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;

namespace BiasSim.Core.Tests.Scenarios;

/// <summary>Every file in scenarios/ loads and runs, so a student's first command never fails.</summary>
public class BundledScenarioTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (string f in Directory.GetFiles(Path.Combine(TestScenarios.RepoRoot, "scenarios"), "*.yaml").Order()) data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Bundled_scenario_validates_and_runs(string file)
    {
        string path = Path.Combine(TestScenarios.RepoRoot, "scenarios", file);
        ScenarioLoadResult loaded = ScenarioLoader.Load(File.ReadAllText(path), path);
        Assert.True(loaded.Success, string.Join("\n", loaded.Errors));
        SimulationResult result = MonteCarloRunner.Run(loaded.Scenario!, new RunSettings(200, loaded.Scenario!.Seed, 2));
        Assert.Equal(200, result.CompletedReplicates);
        Assert.NotEmpty(result.Rows);
        Assert.All(result.Rows, r => Assert.Equal(200, r.Replicates));
        if (loaded.Scenario.Recording.Missing.TargetShare is double target) Assert.Equal(target, result.ExpectedMissingShare, 10);
    }
}
