using BiasSim.Core.Design;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Tests.Scenarios;

/// <summary>A scenario may leave out seed, detectors and simulation: the documented defaults apply and are named.</summary>
public class ScenarioDefaultsTests
{
    private const string Minimal = """
        name: minimal
        population:
          reference: White
          groups: {White: 1000000, Black: 80000}
        referrals:
          total: 4000
          rate_ratios: {Black: 1.4}
        recording:
          missing: {mechanism: mcar, share: 0.6}
        """;

    [Fact]
    public void A_scenario_without_seed_detectors_or_simulation_gets_the_documented_defaults()
    {
        Scenario s = TestScenarios.Load(Minimal);
        Assert.Equal(1UL, s.Seed);
        Assert.Equal(["rate-ratio", "chi-square"], s.Detectors.ToArray());
        Assert.Equal(new SimulationSettings(10_000, 0.05), s.Simulation);
        Assert.Equal(["seed", "detectors", "simulation.replicates"], s.Defaulted.ToArray());
        Assert.Equal("Defaults used (not set in the file): seed 1, detectors rate-ratio and chi-square, 10,000 replicates.", ScenarioDefaults.Describe(s));
    }

    [Fact]
    public void Replicates_alone_default_when_simulation_sets_only_alpha()
    {
        Scenario s = TestScenarios.Load(Minimal + "\nsimulation: {alpha: 0.01}\nseed: 9\n");
        Assert.Equal(new SimulationSettings(10_000, 0.01), s.Simulation);
        Assert.Equal(["detectors", "simulation.replicates"], s.Defaulted.ToArray());
    }

    [Fact]
    public void A_complete_scenario_uses_no_default_and_says_nothing()
    {
        Scenario s = TestScenarios.Load(TestScenarios.Valid);
        Assert.Empty(s.Defaulted);
        Assert.Null(ScenarioDefaults.Describe(s));
    }

    [Fact]
    public void Command_line_seed_and_replicates_replace_the_defaults_in_the_note()
    {
        Scenario s = TestScenarios.Load(Minimal);
        Assert.Equal("Defaults used (not set in the file): detectors rate-ratio and chi-square.",
            ScenarioDefaults.Describe(s, seedGiven: true, replicatesGiven: true));
    }

    [Fact]
    public void A_present_but_invalid_key_is_still_an_error_not_a_default()
    {
        ScenarioLoadResult r = ScenarioLoader.Load(Minimal + "\nseed: abc\ndetectors: []\n", "m.yaml");
        Assert.False(r.Success);
        Assert.Equal(["detectors", "seed"], r.Errors.Select(e => e.Path).Order());
    }
}
