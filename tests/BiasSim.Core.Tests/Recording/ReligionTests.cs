using BiasSim.Core.Diagnosands;
using BiasSim.Core.Engine;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Tests.Recording;

/// <summary>A second protected attribute (religion), known jointly with ethnicity.</summary>
public class ReligionTests
{
    // Shares of Muslims: 10% of A, 50% of B. Census: A 900,000, B 100,000.
    private static string Scenario(string religionMissing, double muslimRr = 2.0, string ethnicityMissing = "{mechanism: mcar, share: 0.4}") => $$"""
        name: religion
        seed: 81
        population:
          reference: A
          groups: {A: 900000, B: 100000}
          attributes:
            religion:
              reference: Christian
              by_group:
                A: {Christian: 0.9, Muslim: 0.1}
                B: {Christian: 0.5, Muslim: 0.5}
        referrals:
          total: 1000000
          attributes:
            religion:
              rate_ratios: {Muslim: {{muslimRr}} }
        recording:
          missing: {{ethnicityMissing}}
          attributes:
            religion:
              missing: {{religionMissing}}
        detectors: [rate-ratio]
        simulation: {replicates: 1000}
        """;

    [Fact]
    public void Ethnic_truth_mixes_in_the_religion_effect_and_religion_truth_is_declared()
    {
        // Group g's expected rate is proportional to sum over religions of share x RR = 1 + s_Muslim,g (RR_Muslim - 1),
        // so the true ethnic RR of B is (1 + 0.5) / (1 + 0.1) = 1.3636...; Muslims' rate is 2x Christians' in every group.
        var model = new CountModel(TestScenarios.Load(Scenario("{mechanism: never}")));
        Assert.Equal(1.5 / 1.1, model.TrueRateRatios[1], 12);
        Assert.Equal(2.0, model.Cells.TrueRateRatiosFor(1)[1], 12);
        Population religion = model.AttributePopulation(1);
        Assert.Equal(["Christian", "Muslim"], religion.Groups.Select(g => g.Name).ToArray());
        Assert.Equal(900000 * 0.1 + 100000 * 0.5, religion.Groups[1].Census);
    }

    [Fact]
    public void Never_recorded_religion_is_never_estimable_while_ethnicity_still_is()
    {
        Scenario s = TestScenarios.Load(Scenario("{mechanism: never}"));
        SimulationResult result = MonteCarloRunner.Run(s, new RunSettings(500, s.Seed, 2));
        DiagnosandRow muslim = result.Rows.Single(r => r.Attribute == "religion" && r.Group == "Muslim");
        Assert.Equal(1.0, muslim.NotEstimableRate);
        Assert.Equal(0.0, muslim.FlagRate);
        DiagnosandRow b = result.Rows.Single(r => r.Attribute == "ethnicity" && r.Group == "B");
        Assert.Equal(0.0, b.NotEstimableRate);
        Assert.Equal(1.0, b.FlagRate); // RR 1.36 with 400k recorded referrals is always found
    }

    [Fact]
    public void Recorded_religion_complete_case_rate_ratio_is_consistent_under_mcar()
    {
        // Religion 50% MCAR, independent of ethnicity's recording: the Muslim complete-case RR -> 2, within 4 Monte Carlo SE.
        Scenario s = TestScenarios.Load(Scenario("{mechanism: mcar, share: 0.5}"));
        SimulationResult result = MonteCarloRunner.Run(s, new RunSettings(1000, s.Seed, 2));
        DiagnosandRow muslim = result.Rows.Single(r => r.Attribute == "religion" && r.Group == "Muslim");
        Assert.Equal(2.0, muslim.TrueRateRatio!.Value, 12);
        Assert.True(Math.Abs(muslim.BiasLog!.Value) <= 4 * muslim.BiasLogSe!.Value, $"bias {muslim.BiasLog} vs SE {muslim.BiasLogSe}");
        DiagnosandRow b = result.Rows.Single(r => r.Attribute == "ethnicity" && r.Group == "B");
        Assert.True(Math.Abs(b.BiasLog!.Value) <= 4 * b.BiasLogSe!.Value, $"bias {b.BiasLog} vs SE {b.BiasLogSe}");
    }

    [Fact]
    public void A_neutral_religion_leaves_ethnicity_results_unchanged_in_distribution()
    {
        // With RR_Muslim = 1 and religion never recorded, the ethnicity rows must match a scenario without religion
        // in law: the same truth, and power within 4 SE (the joint multinomial has more categories, so draws differ).
        Scenario with = TestScenarios.Load(Scenario("{mechanism: never}", muslimRr: 1.0));
        Assert.Equal([1.0, 1.0], new CountModel(with).TrueRateRatios.ToArray());
    }

    [Fact]
    public void Attribute_errors_name_the_key()
    {
        ScenarioLoadResult missingRow = ScenarioLoader.Load(Scenario("{mechanism: never}").Replace("        B: {Christian: 0.5, Muslim: 0.5}\n", ""), "r.yaml");
        Assert.Contains(missingRow.Errors, e => e.Path == "population.attributes.religion.by_group" && e.Message.Contains("no row for group 'B'"));

        ScenarioLoadResult noRecording = ScenarioLoader.Load(Scenario("{mechanism: never}").Replace("  attributes:\n    religion:\n      missing: {mechanism: never}\n", ""), "r.yaml");
        Assert.Contains(noRecording.Errors, e => e.Path == "recording.attributes.religion");

        ScenarioLoadResult badLevel = ScenarioLoader.Load(Scenario("{mechanism: never}").Replace("{Muslim: 2 }", "{Muslin: 2 }"), "r.yaml");
        Assert.Contains(badLevel.Errors, e => e.Path == "referrals.attributes.religion.rate_ratios.Muslin" && e.Message.Contains("did you mean 'Muslim'?"));

        ScenarioLoadResult badMnar = ScenarioLoader.Load(Scenario("{mechanism: mnar, share_by_group: {Christian: 0.5}}"), "r.yaml");
        Assert.Contains(badMnar.Errors, e => e.Path == "recording.attributes.religion.missing.share_by_group" && e.Message.Contains("'Muslim'"));
    }
}
