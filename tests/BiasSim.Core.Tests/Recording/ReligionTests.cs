using BiasSim.Core.Design;
using BiasSim.Core.Diagnosands;
using BiasSim.Core.Engine;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;
using BiasSim.Core.Tests.Support;

namespace BiasSim.Core.Tests.Recording;

/// <summary>A second protected attribute (religion), known jointly with ethnicity: its truths, and simulated results
/// against closed-form limits and exact enumeration.</summary>
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
        McTolerance.Within4Se(0.0, muslim.BiasLog, muslim.BiasLogSe, "Muslim bias_log");
        DiagnosandRow b = result.Rows.Single(r => r.Attribute == "ethnicity" && r.Group == "B");
        McTolerance.Within4Se(0.0, b.BiasLog, b.BiasLogSe, "B bias_log");
    }

    // A small version of the scenario above, at 600 referrals so that flag rates are neither 0 nor 1 and exact enumeration
    // is cheap. Cell weights are N_g s_{r|g} RR_g RR_r (rates multiply), so with W their sum a referral is of group g with
    // probability pi_g = sum_r N_g s_{r|g} RR_g RR_r / W and of religion r with probability sum_g N_g s_{r|g} RR_g RR_r / W.
    private const long SmallTotal = 600;
    private const int SmallReplicates = 20_000;

    private static string Small(double ethnicRr, double muslimRr, string religionMissing, bool withReligion = true, ulong seed = 83)
    {
        string population = withReligion ? """

              attributes:
                religion:
                  reference: Christian
                  by_group:
                    A: {Christian: 0.9, Muslim: 0.1}
                    B: {Christian: 0.5, Muslim: 0.5}
            """ : "";
        string referrals = withReligion ? FormattableString.Invariant($$"""

              attributes:
                religion:
                  rate_ratios: {Muslim: {{muslimRr}} }
            """) : "";
        string recording = withReligion ? $$"""

              attributes:
                religion:
                  missing: {{religionMissing}}
            """ : "";
        return FormattableString.Invariant($$"""
            name: religion-small
            seed: {{seed}}
            population:
              reference: A
              groups: {A: 900000, B: 100000}{{population}}
            referrals:
              total: {{SmallTotal}}
              rate_ratios: {B: {{ethnicRr}} }{{referrals}}
            recording:
              missing: {mechanism: mcar, share: 0.4}{{recording}}
            detectors: [rate-ratio]
            simulation: {replicates: {{SmallReplicates}}}
            """);
    }

    /// <summary>Exact up/down Katz flag probabilities for one attribute's margin: the recorded counts of the compared level
    /// (probability a) and the reference (probability b) are two cells of a multinomial over the 600 referrals.</summary>
    private static (double Up, double Down) ExactFlags(double a, double b, long nRef, long nG) =>
        ExactEnumeration.KatzFlagProbability(ExactEnumeration.TwoCellsOfMultinomial(SmallTotal, a, b), nRef, nG);

    [Fact]
    public void Simulated_flag_rates_by_ethnicity_and_by_religion_match_exact_enumeration()
    {
        // No ethnic effect, Muslims referred at 2x. Weights: A-Christian 810,000, A-Muslim 90,000 x 2, B-Christian 50,000,
        // B-Muslim 50,000 x 2; W = 1,140,000. Ethnicity (40% MCAR): P(recorded B) = 150,000/W x 0.6, P(recorded A) =
        // 990,000/W x 0.6, censuses 100,000 and 900,000. Religion (90% MCAR, independently): P(recorded Muslim) = 280,000/W x 0.1,
        // P(recorded Christian) = 860,000/W x 0.1, censuses 140,000 and 860,000. The flag rates of both margins are checked
        // against exact enumeration of these laws, within 4 Monte Carlo SE (McTolerance, floored at one event).
        const double w = 1_140_000;
        var ethnic = ExactFlags(150_000 / w * 0.6, 990_000 / w * 0.6, nRef: 900_000, nG: 100_000);
        var religion = ExactFlags(280_000 / w * 0.1, 860_000 / w * 0.1, nRef: 860_000, nG: 140_000);
        Assert.InRange(ethnic.Up, 0.2, 0.9); // informative settings, not 0 or 1
        Assert.InRange(religion.Up, 0.2, 0.9);

        Scenario s = TestScenarios.Load(Small(ethnicRr: 1.0, muslimRr: 2.0, "{mechanism: mcar, share: 0.9}"));
        SimulationResult result = MonteCarloRunner.Run(s, new RunSettings(SmallReplicates, s.Seed, 2));
        DiagnosandRow b = result.Rows.Single(r => r.Attribute == "ethnicity" && r.Group == "B");
        DiagnosandRow muslim = result.Rows.Single(r => r.Attribute == "religion" && r.Group == "Muslim");
        Assert.Equal(1.5 / 1.1, b.TrueRateRatio!.Value, 12);
        Assert.Equal(2.0, muslim.TrueRateRatio!.Value, 12);
        McTolerance.RateWithin4Se(ethnic.Up, b.FlagUpRate!.Value, SmallReplicates, "ethnicity B up", floorAtOneEvent: true);
        McTolerance.RateWithin4Se(ethnic.Down, b.FlagDownRate!.Value, SmallReplicates, "ethnicity B down", floorAtOneEvent: true);
        McTolerance.RateWithin4Se(religion.Up, muslim.FlagUpRate!.Value, SmallReplicates, "religion Muslim up", floorAtOneEvent: true);
        McTolerance.RateWithin4Se(religion.Down, muslim.FlagDownRate!.Value, SmallReplicates, "religion Muslim down", floorAtOneEvent: true);
    }

    [Fact]
    public void A_neutral_religion_leaves_ethnicity_results_unchanged_in_distribution()
    {
        // With RR_Muslim = 1 and religion never recorded, ethnicity's margin is the two-group law of a scenario without
        // religion: P(recorded B) = 130,000/1,030,000 x 0.6 and P(recorded A) = 900,000/1,030,000 x 0.6 (RR_B = 1.3). Both the
        // scenario with religion and the one without must match its exact flag rates within 4 Monte Carlo SE (their draws
        // differ: the joint multinomial has more categories), and religion is never estimable.
        const double w = 1_030_000;
        var ethnic = ExactFlags(130_000 / w * 0.6, 900_000 / w * 0.6, nRef: 900_000, nG: 100_000);
        Assert.InRange(ethnic.Up, 0.2, 0.9);

        Scenario with = TestScenarios.Load(Small(ethnicRr: 1.3, muslimRr: 1.0, "{mechanism: never}"));
        Scenario without = TestScenarios.Load(Small(ethnicRr: 1.3, muslimRr: 1.0, "", withReligion: false, seed: 84));
        Assert.Equal([1.0, 1.3], new CountModel(with).TrueRateRatios.ToArray());
        foreach (Scenario s in new[] { with, without })
        {
            SimulationResult result = MonteCarloRunner.Run(s, new RunSettings(SmallReplicates, s.Seed, 2));
            DiagnosandRow b = result.Rows.Single(r => r.Attribute == "ethnicity" && r.Group == "B");
            string what = s == with ? "with religion" : "without religion";
            Assert.Equal(1.3, b.TrueRateRatio!.Value, 12);
            McTolerance.RateWithin4Se(ethnic.Up, b.FlagUpRate!.Value, SmallReplicates, $"{what}: B up", floorAtOneEvent: true);
            McTolerance.RateWithin4Se(ethnic.Down, b.FlagDownRate!.Value, SmallReplicates, $"{what}: B down", floorAtOneEvent: true);
            Assert.All(result.Rows.Where(r => r.Attribute == "religion" && r.Group != MonteCarloRunner.FamilyWiseTarget),
                r => Assert.Equal(1.0, r.NotEstimableRate));
        }
    }

    [Fact]
    public void Attribute_errors_name_the_key()
    {
        ScenarioLoadResult missingRow = ScenarioLoader.Load(Scenario("{mechanism: never}").Replace("        B: {Christian: 0.5, Muslim: 0.5}\n", ""), "r.yaml");
        Assert.Contains(missingRow.Errors, e => e.Path == "population.attributes.religion.by_group" && e.Message.Contains("no row for group 'B'"));

        ScenarioLoadResult noRecording = ScenarioLoader.Load(Scenario("{mechanism: never}")
            .Replace("  attributes:\n    religion:\n      missing: {mechanism: never}\n", ""), "r.yaml");
        Assert.Contains(noRecording.Errors, e => e.Path == "recording.attributes.religion");

        ScenarioLoadResult badLevel = ScenarioLoader.Load(Scenario("{mechanism: never}").Replace("{Muslim: 2 }", "{Muslin: 2 }"), "r.yaml");
        Assert.Contains(badLevel.Errors, e => e.Path == "referrals.attributes.religion.rate_ratios.Muslin" && e.Message.Contains("did you mean 'Muslim'?"));

        ScenarioLoadResult badMnar = ScenarioLoader.Load(Scenario("{mechanism: mnar, share_by_group: {Christian: 0.5}}"), "r.yaml");
        Assert.Contains(badMnar.Errors, e => e.Path == "recording.attributes.religion.missing.share_by_group" && e.Message.Contains("'Muslim'"));
    }
}
