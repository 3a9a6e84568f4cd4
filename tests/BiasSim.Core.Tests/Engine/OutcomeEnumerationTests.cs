using BiasSim.Core.Diagnosands;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;
using BiasSim.Core.Tests.Support;

namespace BiasSim.Core.Tests.Engine;

/// <summary>
/// The outcome shares (correct, misestimated, wrong direction, missed, false alarm, not estimable) against their exact
/// probabilities, found by enumerating the joint binomial law of the recorded counts and judging each (X_ref, X_G) with the
/// Katz interval re-implemented here (Katz, Baptista, Azen and Pike 1978), not by calling the detector or the judgement code.
/// With base_rate and MNAR by group, X_g ~ Bin(N_g, b RR_g (1 - s_g)), independent by group. Tolerance: 4 Monte Carlo SE,
/// sqrt(p(1-p)/R) (floored at 1/R for outcomes of probability near 0), so a correct simulator fails one check with
/// probability about 6e-5; the seeds are fixed, so the test is deterministic.
/// </summary>
public class OutcomeEnumerationTests
{
    private sealed record Exact(double Correct, double Misestimated, double WrongDirection, double Missed, double FalseAlarm, double NotEstimable);

    private static Exact Enumerate(long nRef, long nG, double qRef, double qG, double truth)
    {
        double correct = 0, misestimated = 0, wrong = 0, missed = 0, falseAlarm = 0, notEstimable = 0;
        bool effect = truth != 1.0;
        foreach (var (xRef, pRef) in ExactEnumeration.Binomial(nRef, qRef))
        {
            foreach (var (xG, pG) in ExactEnumeration.Binomial(nG, qG))
            {
                double p = pRef * pG;
                if (ExactEnumeration.KatzInterval(xRef, nRef, xG, nG) is not var (lower, upper))
                {
                    notEstimable += p;
                    continue;
                }
                int flag = lower > 1 ? 1 : upper < 1 ? -1 : 0;
                if (!effect)
                {
                    if (flag == 0) correct += p; else falseAlarm += p;
                }
                else if (flag == 0) missed += p;
                else if (flag != Math.Sign(Math.Log(truth))) wrong += p;
                else if (lower <= truth && truth <= upper) correct += p;
                else misestimated += p;
            }
        }
        return new Exact(correct, misestimated, wrong, missed, falseAlarm, notEstimable);
    }

    [Theory]
    // Recorded as often as the reference: mostly correct or missed.
    [InlineData(1.25, 0.5, 0.5, 201UL)]
    // The group recorded less often: the complete-case ratio sinks towards 1 and below; misses and wrong directions.
    [InlineData(1.25, 0.5, 0.65, 202UL)]
    // The group recorded more often: flags in the right direction whose interval often misses 1.25 (misestimated).
    [InlineData(1.25, 0.5, 0.3, 203UL)]
    // No true difference, differential recording: false alarms.
    [InlineData(1.0, 0.5, 0.62, 204UL)]
    public void Outcome_shares_match_exact_enumeration_of_the_joint_binomial_law(double rr, double shareRef, double shareG, ulong seed)
    {
        const long nRef = 40_000, nG = 8_000;
        const double baseRate = 0.01;
        const int replicates = 20_000;
        Exact exact = Enumerate(nRef, nG, baseRate * (1 - shareRef), baseRate * rr * (1 - shareG), rr);

        Scenario s = TestScenarios.Load(FormattableString.Invariant($$"""
            name: outcomes
            seed: {{seed}}
            population:
              reference: Ref
              groups: {Ref: {{nRef}}, G: {{nG}} }
            referrals:
              base_rate: {{baseRate}}
              rate_ratios: {G: {{rr}} }
            recording:
              missing: {mechanism: mnar, share_by_group: {Ref: {{shareRef}}, G: {{shareG}} } }
            detectors: [rate-ratio]
            simulation:
              replicates: {{replicates}}
            """));
        DiagnosandRow row = MonteCarloRunner.Run(s, new RunSettings(replicates, s.Seed, 2)).Rows.Single();

        McTolerance.RateWithin4Se(exact.Correct, row.CorrectRate!.Value, replicates, "correct", floorAtOneEvent: true);
        McTolerance.RateWithin4Se(exact.Misestimated, row.MisestimatedRate!.Value, replicates, "misestimated", floorAtOneEvent: true);
        McTolerance.RateWithin4Se(exact.WrongDirection, row.WrongDirectionRate!.Value, replicates, "wrong direction", floorAtOneEvent: true);
        McTolerance.RateWithin4Se(exact.Missed, row.MissedRate!.Value, replicates, "missed", floorAtOneEvent: true);
        McTolerance.RateWithin4Se(exact.FalseAlarm, row.FalseAlarmRate!.Value, replicates, "false alarm", floorAtOneEvent: true);
        McTolerance.RateWithin4Se(exact.NotEstimable, row.NotEstimableRate, replicates, "not estimable", floorAtOneEvent: true);
        // Every replicate gets exactly one outcome.
        Assert.Equal(1.0, row.CorrectRate!.Value + row.MisestimatedRate!.Value + row.WrongDirectionRate!.Value
                          + row.MissedRate!.Value + row.FalseAlarmRate!.Value + row.NotEstimableRate, 12);
    }

    [Fact]
    public void The_enumerated_cases_each_exercise_the_outcome_they_are_named_for()
    {
        // Guards the theory above against settings drifting into cases where every outcome is near 0 or 1.
        const long nRef = 40_000, nG = 8_000;
        const double b = 0.01;
        Assert.InRange(Enumerate(nRef, nG, b * 0.5, b * 1.25 * 0.35, 1.25).WrongDirection, 0.05, 0.95);
        Assert.InRange(Enumerate(nRef, nG, b * 0.5, b * 1.25 * 0.7, 1.25).Misestimated, 0.05, 0.95);
        Assert.InRange(Enumerate(nRef, nG, b * 0.5, b * 0.38, 1.0).FalseAlarm, 0.05, 0.95);
        Assert.InRange(Enumerate(nRef, nG, b * 0.5, b * 1.25 * 0.5, 1.25).Missed, 0.05, 0.95);
    }
}
