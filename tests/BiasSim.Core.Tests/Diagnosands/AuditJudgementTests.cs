using BiasSim.Core.Diagnosands;
using BiasSim.Core.Engine;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;

namespace BiasSim.Core.Tests.Diagnosands;

/// <summary>The outcome rule of the verdicts issue, case by case, and the null-truth rule it depends on.</summary>
public class AuditJudgementTests
{
    [Theory]
    // true effect upwards (sign +1)
    [InlineData(true, 1, 1, true, AuditOutcome.Correct)]
    [InlineData(true, 1, 1, false, AuditOutcome.Misestimated)]
    [InlineData(true, 1, -1, false, AuditOutcome.WrongDirection)]
    [InlineData(true, 1, 0, true, AuditOutcome.Missed)]
    // true effect downwards
    [InlineData(true, -1, -1, true, AuditOutcome.Correct)]
    [InlineData(true, -1, 1, false, AuditOutcome.WrongDirection)]
    // no true effect: any flag is a false alarm, whichever way and whatever the interval
    [InlineData(false, 0, 1, false, AuditOutcome.FalseAlarm)]
    [InlineData(false, 0, -1, false, AuditOutcome.FalseAlarm)]
    [InlineData(false, 0, 0, true, AuditOutcome.Correct)]
    public void Each_flag_and_interval_gets_exactly_the_outcome_the_issue_defines(bool effect, int sign, sbyte flag, bool covered, AuditOutcome expected) =>
        Assert.Equal(expected, AuditJudgement.Judge(effect, sign, flag, covered));

    [Fact]
    public void A_test_without_an_interval_is_correct_when_it_flags_a_real_difference()
    {
        Assert.Equal(AuditOutcome.Correct, AuditJudgement.Judge(true, 0, 1, null));
        Assert.Equal(AuditOutcome.Missed, AuditJudgement.Judge(true, 0, 0, null));
        Assert.Equal(AuditOutcome.FalseAlarm, AuditJudgement.Judge(false, 0, 1, null));
    }

    [Fact]
    public void Rate_ratios_within_1e_6_of_1_on_the_log_scale_are_null_and_others_are_not()
    {
        Assert.True(NullEffect.IsNull(0.9999999851)); // the derived religion truth the review found
        Assert.True(NullEffect.IsNull(Math.Exp(1e-6)));
        Assert.False(NullEffect.IsNull(Math.Exp(2e-6)));
        Assert.False(NullEffect.IsNull(1.001));
        Assert.Equal(1.0, NullEffect.Snap(1 + 1e-9));
        Assert.Equal(1.3, NullEffect.Snap(1.3));
    }

    [Fact]
    public void Derived_null_truths_are_exactly_1_so_they_get_a_family_wise_row_and_no_sign_errors()
    {
        // Religion truths are derived by marginalising over ethnicity: before the rule they came out as 0.99999998...,
        // which made every flag a "sign error" against a truth of "under-referral" and left out the family-wise row.
        Scenario s = TestScenarios.Load(File.ReadAllText(Path.Combine(TestScenarios.RepoRoot, "scenarios", "religion.yaml")));
        var model = new CountModel(s);
        int religion = Enumerable.Range(0, model.AttributeCount).Single(k => model.AttributeName(k) == "religion");
        var truths = model.Cells.TrueRateRatiosFor(religion);
        var population = model.AttributePopulation(religion);
        foreach (var g in population.Groups.Where(g => g.Name != "Muslim")) Assert.Equal(1.0, truths[population.IndexOf(g.Name)]);

        var rows = MonteCarloRunner.Run(s, new RunSettings(200, s.Seed, 1)).Rows.Where(r => r.Attribute == "religion").ToList();
        Assert.Contains(rows, r => r.Group == MonteCarloRunner.FamilyWiseTarget);
        foreach (var r in rows.Where(r => r.Detector == "rate-ratio" && r.Group is not "Muslim" and not MonteCarloRunner.FamilyWiseTarget))
        {
            Assert.False(r.TrueDifference);
            Assert.Null(r.TypeSRate);
            Assert.Null(r.ExaggerationRatio);
        }
    }
}
