using BiasSim.Core.Diagnosands;
using BiasSim.Core.Engine;
using BiasSim.Core.Randomness;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;
using BiasSim.Core.Tests.Support;

namespace BiasSim.Core.Tests.Recording;

/// <summary>
/// Simulated means against the closed-form limits of each recording process. Every tolerance is 4 Monte
/// Carlo SE (SD / sqrt(R) from the replicates themselves), so a correct engine fails a check with
/// probability about 6e-5; seeds are fixed, so the tests are deterministic. Scenarios use a million
/// referrals so the O(1/n) small-sample bias of log RR (below 1e-3 here) is far below 4 SE.
/// </summary>
public class RecordingLimitTests
{
    private const string Groups = "{White: 800000, Black: 60000, Asian: 100000, Mixed: 40000}";

    [Fact]
    public void Mnar_complete_case_rate_ratio_converges_to_rr_times_recording_ratio()
    {
        // Under MNAR, E[X_g] = T pi_g r_g, so the complete-case RR -> RR_g r_g / r_ref (r = 1 - missing share).
        Scenario s = TestScenarios.Load($$"""
            name: mnar
            seed: 71
            population:
              reference: White
              groups: {{Groups}}
            referrals:
              total: 1000000
              rate_ratios: {Black: 1.4}
            recording:
              missing:
                mechanism: mnar
                share_by_group: {White: 0.6, Black: 0.75, Asian: 0.5, Mixed: 0.9}
            detectors: [rate-ratio]
            simulation: {replicates: 1000}
            """);
        SimulationResult result = MonteCarloRunner.Run(s, new RunSettings(1000, s.Seed, 2));
        var r = new Dictionary<string, double> { ["White"] = 0.4, ["Black"] = 0.25, ["Asian"] = 0.5, ["Mixed"] = 0.1 };
        var rr = new Dictionary<string, double> { ["Black"] = 1.4, ["Asian"] = 1.0, ["Mixed"] = 1.0 };
        foreach (DiagnosandRow row in result.Rows.Where(r => r.Group != MonteCarloRunner.FamilyWiseTarget))
        {
            double limit = Math.Log(rr[row.Group] * r[row.Group] / r["White"]);
            McTolerance.Within4Se(limit, row.MeanLogEstimate, row.MeanLogEstimateSe, row.Group);
        }
    }

    [Fact]
    public void Mar_by_region_complete_case_rate_ratio_converges_to_rr_times_average_recording_ratio()
    {
        // Groups clustered by region, recording by region only. Referrals of g in region j are proportional
        // to N_jg RR_g, so group g's average recording rate is rbar_g = sum_j N_jg r_j / sum_j N_jg, and the
        // complete-case RR -> RR_g rbar_g / rbar_ref.
        long[] white = [300000, 700000], black = [50000, 10000];
        double[] recorded = [0.6, 0.2]; // City records 60%, Shire 20%
        Scenario s = TestScenarios.Load($$"""
            name: mar
            seed: 72
            population:
              reference: White
              regions:
                City: {White: {{white[0]}}, Black: {{black[0]}}}
                Shire: {White: {{white[1]}}, Black: {{black[1]}}}
            referrals:
              total: 1000000
              rate_ratios: {Black: 1.2}
            recording:
              missing: {mechanism: mar, by: region, share: {City: 0.4, Shire: 0.8} }
            detectors: [rate-ratio]
            simulation: {replicates: 1000}
            """);
        double RBar(long[] n) => (n[0] * recorded[0] + n[1] * recorded[1]) / (n[0] + n[1]);
        double limit = Math.Log(1.2 * RBar(black) / RBar(white)); // = log(1.2 x 0.5333 / 0.32) = log 2.0
        DiagnosandRow row = MonteCarloRunner.Run(s, new RunSettings(1000, s.Seed, 2)).Rows.Single();
        Assert.Equal(1.2, row.TrueRateRatio);
        McTolerance.Within4Se(limit, row.MeanLogEstimate, row.MeanLogEstimateSe, "Black");
    }

    [Fact]
    public void Expected_recorded_counts_equal_the_assignment_matrix_transpose_times_recorded_referrals()
    {
        // E[X] = M^T (T pi r): with T = 100,000 referrals shared by census, r = 1 - 0.3 for every group,
        // officers assigning 80% of records through M and 20% self-defined. M's rows are written here.
        Scenario s = TestScenarios.Load("""
            name: officers
            seed: 73
            population:
              reference: White
              groups: {White: 800000, Black: 100000, Mixed: 100000}
            referrals: {total: 100000}
            recording:
              missing: {mechanism: mcar, share: 0.3}
              misclassification:
                matrix:
                  White: {White: 0.95, Black: 0.03, Other: 0.02}
                  Black: {White: 0.02, Black: 0.98}
                  Mixed: {White: 0.4, Black: 0.5, Other: 0.1}
                assigned_by: {officer: 0.8, self: 0.2}
            detectors: [rate-ratio]
            simulation: {replicates: 1}
            """);
        double[] referred = [80000 * 0.7, 10000 * 0.7, 10000 * 0.7]; // T pi_g r_g
        // Columns White, Black, Mixed (self only), Other (no census group: unmatched).
        double[,] a =
        {
            { 0.8 * 0.95 + 0.2, 0.8 * 0.03, 0, 0.8 * 0.02 },
            { 0.8 * 0.02, 0.8 * 0.98 + 0.2, 0, 0 },
            { 0.8 * 0.4, 0.8 * 0.5, 0.2, 0.8 * 0.1 },
        };
        double[] expected = new double[4];
        for (int g = 0; g < 3; g++) for (int k = 0; k < 4; k++) expected[k] += referred[g] * a[g, k];

        var model = new CountModel(s);
        const int draws = 20000;
        var sum = new double[5];
        var sumSq = new double[5];
        Span<long> recorded = stackalloc long[3];
        Span<long> scratch = stackalloc long[model.ScratchLength];
        for (int i = 0; i < draws; i++)
        {
            var rng = SeedSequence.Generator(73, 0, (ulong)i, SeedSequence.Stage.Data);
            long unknown = model.Draw(ref rng, recorded, scratch, out long unmatched);
            double[] x = [recorded[0], recorded[1], recorded[2], unmatched, unknown];
            for (int k = 0; k < 5; k++) { sum[k] += x[k]; sumSq[k] += x[k] * x[k]; }
        }
        double[] closedForm = [.. expected, 100000 * 0.3];
        for (int k = 0; k < 5; k++)
        {
            double mean = sum[k] / draws;
            double se = Math.Sqrt((sumSq[k] / draws - mean * mean) / (draws - 1));
            McTolerance.Within4Se(closedForm[k], mean, se, $"category {k}");
        }
    }

    [Theory]
    [InlineData("{mechanism: mnar, share_by_group: {White: 0.5, Black: 0.8, Asian: 0.6, Mixed: 0.9}, target_share: 0.647}")]
    [InlineData("{mechanism: mar, by: sector, share: {Education: 0.7, Police: 0.3, Other: 0.5}, target_share: 0.647}")]
    [InlineData("{mechanism: logistic, coefficients: {sector.Police: -1.2, year: -0.2, group.Black: 0.5}, target_share: 0.647}")]
    [InlineData("{mechanism: mcar, share: 0.5, trend: 0.3}")]
    public void Target_share_is_hit_exactly_in_expectation(string missing)
    {
        Scenario s = TestScenarios.Load($$"""
            name: target
            seed: 74
            population:
              reference: White
              groups: {{Groups}}
            referrals:
              total: 51204
              rate_ratios: {Black: 1.3}
              covariates:
                sector:
                  levels: {Education: 0.35, Police: 0.3, Other: 0.35}
                  by_group: {Black: {Education: 0.2, Police: 0.5, Other: 0.3} }
                year:
                  levels: {2015/16: 7631, 2016/17: 6093, 2017/18: 7318}
            recording:
              missing: {{missing}}
            detectors: [rate-ratio]
            simulation: {replicates: 4000}
            """);
        SimulationResult result = MonteCarloRunner.Run(s, new RunSettings(4000, s.Seed, 2));
        double target = s.Recording.Missing.TargetShare ?? result.ExpectedMissingShare;
        if (s.Recording.Missing.TargetShare is not null) Assert.Equal(target, result.ExpectedMissingShare, 12);
        // With a fixed total T, E[unknown / T] = E[unknown] / T is exactly the expected share.
        McTolerance.Within4Se(target, result.MeanMissingShare, result.MeanMissingShareSe, "missing share");
    }

    [Fact]
    public void Trend_shifts_log_odds_by_year_position()
    {
        // mcar 0.5 with trend 0.3: year k has missing probability logistic(0 + 0.3 k); weights 7631/6093/7318.
        Scenario s = TestScenarios.Load($$"""
            name: trend
            seed: 75
            population: {reference: White, groups: {{Groups}} }
            referrals:
              total: 51204
              covariates:
                year: {levels: {2015/16: 7631, 2016/17: 6093, 2017/18: 7318} }
            recording:
              missing: {mechanism: mcar, share: 0.5, trend: 0.3}
            detectors: [rate-ratio]
            simulation: {replicates: 1}
            """);
        double[] w = [7631, 6093, 7318];
        double expected = Enumerable.Range(0, 3).Sum(k => w[k] / w.Sum() / (1 + Math.Exp(-0.3 * k)));
        Assert.Equal(expected, new CountModel(s).ExpectedMissingShare, 12);
    }

    [Fact]
    public void Regional_rate_ratios_give_the_population_weighted_truth()
    {
        // RR_Black = 2 in City, 1 in Shire: the estimand is the ratio of expected rates,
        // (50,000 x 2 + 50,000 x 1) / 100,000 = 1.5 against White's 1.
        Scenario s = TestScenarios.Load("""
            name: regional
            seed: 76
            population:
              reference: White
              regions:
                City: {White: 500000, Black: 50000}
                Shire: {White: 500000, Black: 50000}
            referrals:
              total: 10000
              rate_ratios_by_region: {City: {Black: 2}}
            recording: {missing: {mechanism: none}}
            detectors: [rate-ratio]
            simulation: {replicates: 1}
            """);
        Assert.Equal(1.5, new CountModel(s).TrueRateRatios[1], 12);
    }
}
