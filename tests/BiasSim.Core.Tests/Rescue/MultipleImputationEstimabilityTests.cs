using BiasSim.Core.Detectors;
using BiasSim.Core.Diagnosands;
using BiasSim.Core.Engine;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;

namespace BiasSim.Core.Tests.Rescue;

/// <summary>multiple-imputation decides estimability per group, and never imputes a stratum from the prior alone.</summary>
public class MultipleImputationEstimabilityTests
{
    private static readonly Population ThreeGroups = new("White",
        [new PopulationGroup("White", 1_000_000), new PopulationGroup("Black", 100_000), new PopulationGroup("Tiny", 300)]);

    private static MultipleImputationDetector Detector(int levels) =>
        new(new GroupComparison(ThreeGroups, [1.0, 1.0, 1.0], 0.05), [.. Enumerable.Range(0, levels)], levels, 20);

    [Fact]
    public void A_group_with_a_zero_completed_count_does_not_take_the_others_with_it()
    {
        // Nothing missing, Tiny never recorded: Tiny is not estimable, Black is, and with no unknowns MI is exactly the
        // complete-case Katz interval (B = 0), so Black must equal rate-ratio's answer on the same counts.
        var strata = new StratifiedCounts(1, 3);
        long[] x = [500, 80, 0];
        x.CopyTo(strata.Recorded, 0);
        var o = new DetectorOutcome[2];
        Detector(1).Evaluate(new RecordedCounts(x, 0) { Strata = strata, DetectionSeed = 5 }, o);
        var cc = new DetectorOutcome[2];
        new RateRatioDetector(ThreeGroups, [1.0, 1.0, 1.0], 0.05).Evaluate(new RecordedCounts(x, 0), cc);
        Assert.True(o[0].Estimable);
        Assert.Equal(cc[0].Estimate, o[0].Estimate, 12);
        Assert.Equal(cc[0].Lower, o[0].Lower, 12);
        Assert.Equal(cc[0].Upper, o[0].Upper, 12);
        Assert.False(o[1].Estimable);
        Assert.Equal(NotEstimableReason.ZeroCount, o[1].Reason);
    }

    [Fact]
    public void A_stratum_with_nothing_recorded_is_not_imputed_from_the_prior()
    {
        // Stratum 1 has 40 unknown referrals and no recorded one: its composition is not identified by the data.
        var strata = new StratifiedCounts(2, 3);
        long[] first = [500, 80, 2];
        first.CopyTo(strata.Recorded, 0);
        strata.Unknown[0] = 10;
        strata.Unknown[1] = 40;
        var o = new DetectorOutcome[2];
        Detector(2).Evaluate(new RecordedCounts(first, 50) { Strata = strata, DetectionSeed = 5 }, o);
        Assert.All(o, outcome => Assert.False(outcome.Estimable));
        Assert.All(o, outcome => Assert.Equal(NotEstimableReason.ZeroCount, outcome.Reason));
    }

    [Fact]
    public void Black_stays_estimable_in_every_replicate_next_to_a_300_person_group()
    {
        // About 5000 x 300 / 1.1 million = 1.4 expected referrals of Tiny, half of them unrecorded: its completed count is
        // often 0 in some imputation. That must cost Tiny its estimate, never Black's (deterministic: no tolerance needed).
        Scenario s = TestScenarios.Load("""
            name: mi-tiny
            seed: 23
            population:
              reference: White
              groups: {White: 1000000, Black: 100000, Tiny: 300}
            referrals:
              total: 5000
              rate_ratios: {Black: 1.3}
            recording:
              missing: {mechanism: mcar, share: 0.5}
            detectors: [{multiple-imputation: {m: 10}}]
            simulation: {replicates: 200}
            """);
        SimulationResult result = MonteCarloRunner.Run(s, new RunSettings(200, s.Seed, 2));
        DiagnosandRow black = result.Rows.Single(r => r.Detector == MultipleImputationDetector.DetectorName && r.Group == "Black");
        DiagnosandRow tiny = result.Rows.Single(r => r.Detector == MultipleImputationDetector.DetectorName && r.Group == "Tiny");
        Assert.True(tiny.NotEstimableZeroCount > 20, $"the case is exercised: Tiny not estimable in {tiny.NotEstimableZeroCount} of 200");
        Assert.Equal(200, black.Estimable);
    }
}
