using BiasSim.Core.Design;
using BiasSim.Core.Detectors;
using BiasSim.Core.Diagnosands;
using BiasSim.Core.Engine;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;
using BiasSim.Core.Tests.Support;

namespace BiasSim.Core.Tests.Rescue;

/// <summary>
/// The detectors that try to see through the gaps, against closed forms or a second method. Statistical checks
/// use fixed seeds and 4 Monte Carlo SE (SD/sqrt(R) of the replicates, or sqrt(p(1-p)/R) for rates; see
/// <see cref="McTolerance"/>): a correct implementation fails such a check with probability about 6e-5.
/// </summary>
public class RescueDetectorTests
{
    // City records 60%, Shire 20%; Black lives mostly in the City. True RR 1.2 (MAR by region). Referrals are a
    // small share of the population (as in any real audit), so Katz's binomial-count variance applies.
    private static Scenario MarByRegion(string detectors, int total = 200_000) => TestScenarios.Load($$"""
        name: mar
        seed: 91
        population:
          reference: White
          regions:
            City: {White: 30000000, Black: 5000000}
            Shire: {White: 70000000, Black: 1000000}
        referrals:
          total: {{total}}
          rate_ratios: {Black: 1.2}
        recording:
          missing: {mechanism: mar, by: region, share: {City: 0.4, Shire: 0.8} }
        detectors: {{detectors}}
        simulation: {replicates: 1000}
        """);

    [Fact]
    public void Bounds_arithmetic_on_given_counts()
    {
        // By hand: x_g = 30 of N_g = 1000, x_ref = 20 of N_ref = 2000, 50 unknown.
        // Lower: all unknown are reference: (30/1000) / (70/2000) = 0.857142857...; upper: (80/1000) / (20/2000) = 8.
        var (lower, upper) = BoundsDetector.Bounds(30, 1000, 20, 2000, 50);
        Assert.Equal(6.0 / 7.0, lower, 12);
        Assert.Equal(8.0, upper, 12);
        Scenario s = TestScenarios.TwoGroupBaseRate(2000, 1000, 0.01, 1.0, 0.5, 1, 1);
        var detector = new BoundsDetector(new GroupComparison(s.Population, [1.0, 1.0], 0.05));
        var o = new DetectorOutcome[1];
        detector.Evaluate(new RecordedCounts([20, 30], 50), o);
        // The interval reported is Imbens-Manski's, which contains the bounds (BoundsImbensManskiTests checks its values).
        Assert.True(o[0].Lower < 6.0 / 7.0 && o[0].Upper > 8.0);
        Assert.Equal(0, o[0].Flag);
        detector.Evaluate(new RecordedCounts([20, 300], 5), o); // lower = 0.3 / (25/2000) = 24 > 1
        Assert.Equal(1, o[0].Flag);
    }

    [Fact]
    public void Bounds_converge_to_their_closed_form_limits_under_mcar()
    {
        // Total T, shares pi (census 0.8/0.2, no disproportionality), MCAR s = 0.5: X_g -> T pi_g (1 - s), unknown -> T s, so
        // lower -> (pi_g (1-s) / N_g) / ((pi_ref (1-s) + s) / N_ref) = (0.1/200000) / (0.9/800000) = 0.4444...,
        // upper -> ((pi_g (1-s) + s) / N_g) / (pi_ref (1-s) / N_ref) = (0.6/200000) / (0.4/800000) = 6.
        Scenario s = TestScenarios.Load("""
            name: bounds
            seed: 92
            population: {reference: White, groups: {White: 800000, Black: 200000}}
            referrals: {total: 1000000}
            recording: {missing: {mechanism: mcar, share: 0.5}}
            detectors: [bounds]
            simulation: {replicates: 1}
            """);
        var model = new CountModel(s);
        var detector = new BoundsDetector(new GroupComparison(s.Population, [1.0, 1.0], 0.05));
        var observed = new ObservedCounts(model);
        Span<long> scratch = stackalloc long[model.ScratchLength];
        var o = new DetectorOutcome[1];
        const int draws = 400;
        double sumL = 0, sumL2 = 0, sumU = 0, sumU2 = 0;
        for (int i = 0; i < draws; i++)
        {
            var rng = Randomness.SeedSequence.Generator(92, 0, (ulong)i, Randomness.SeedSequence.Stage.Data);
            model.Draw(ref rng, scratch, observed);
            // The identification bounds themselves (the detector reports Imbens-Manski's interval around them).
            var (lower, upper) = BoundsDetector.Bounds(observed.Recorded[0][1], 200000, observed.Recorded[0][0], 800000, observed.Unknown[0]);
            sumL += lower; sumL2 += lower * lower;
            sumU += upper; sumU2 += upper * upper;
        }
        double Se(double sum, double sum2) => Math.Sqrt((sum2 / draws - Math.Pow(sum / draws, 2)) / (draws - 1));
        // The ratio estimators' O(1/n) bias is below 1e-5 at these counts, far under 4 SE (about 4e-4 and 5e-3).
        McTolerance.Within4Se(4.0 / 9.0, sumL / draws, Se(sumL, sumL2), "lower bound");
        McTolerance.Within4Se(6.0, sumU / draws, Se(sumU, sumU2), "upper bound");
    }

    [Fact]
    public void Ipw_is_unbiased_under_mar_by_region_where_complete_case_is_not()
    {
        // Complete case converges to RR x rbar_g / rbar_ref = 1.2 x 0.5333 / 0.32 = 2.0 (RecordingLimitTests); IPW by region to 1.2.
        // At 200,000 referrals the O(1/n) bias of the log estimates is below 1e-4, under a tenth of 4 SE.
        Scenario s = MarByRegion("[rate-ratio, {ipw: {by: region}}]");
        SimulationResult result = MonteCarloRunner.Run(s, new RunSettings(1000, s.Seed, 2));
        DiagnosandRow ipw = result.Rows.Single(r => r.Detector == "ipw");
        DiagnosandRow cc = result.Rows.Single(r => r.Detector == "rate-ratio");
        McTolerance.Within4Se(Math.Log(1.2), ipw.MeanLogEstimate, ipw.MeanLogEstimateSe, "ipw log RR");
        McTolerance.Within4Se(Math.Log(2.0), cc.MeanLogEstimate, cc.MeanLogEstimateSe, "complete-case log RR");
        // The delta-method interval should cover at its nominal 95%.
        McTolerance.RateWithin4Se(0.95, ipw.Coverage!.Value, ipw.Estimable, "ipw coverage");
    }

    [Fact]
    public void Ipw_with_one_stratum_equals_the_complete_case_katz_interval()
    {
        // With a single stratum, count_g = X_g T / R and the variance reduces to Katz's (see IpwDetector remarks).
        Scenario s = TestScenarios.Load("""
            name: one
            seed: 1
            population: {reference: A, groups: {A: 100000, B: 20000}}
            referrals: {total: 1000}
            recording: {missing: {mechanism: mcar, share: 0.3}}
            detectors: [rate-ratio, ipw]
            simulation: {replicates: 1}
            """);
        var model = new CountModel(s);
        var ipw = (IpwDetector)DetectorFactory.Create(s.DetectorSpec("ipw"), model, 0, 0.05);
        var rr = DetectorFactory.Create(s.DetectorSpec("rate-ratio"), model, 0, 0.05);
        var strata = new StratifiedCounts(1, 2);
        strata.Recorded[0] = 500; strata.Recorded[1] = 140; strata.Unknown[0] = 360;
        var a = new DetectorOutcome[1];
        var b = new DetectorOutcome[1];
        ipw.Evaluate(new RecordedCounts([500, 140], 360) { Strata = strata }, a);
        rr.Evaluate(new RecordedCounts([500, 140], 360), b);
        Assert.Equal(b[0].Estimate, a[0].Estimate, 12);
        Assert.Equal(b[0].Lower, a[0].Lower, 12);
        Assert.Equal(b[0].Upper, a[0].Upper, 12);
    }

    [Fact]
    public void Multiple_imputation_covers_near_nominal_under_mar_given_the_stratum()
    {
        // 40,000 referrals keep 1,000 replicates x 20 imputations quick. Coverage must sit within 4 SE
        // (4 sqrt(.95 x .05 / 1000) = 0.028) of 95%, and the pooled log RR within 4 SE of log 1.2.
        Scenario s = MarByRegion("[{multiple-imputation: {by: region, m: 20}}]", total: 40000);
        SimulationResult result = MonteCarloRunner.Run(s, new RunSettings(1000, s.Seed, 2));
        DiagnosandRow mi = result.Rows.Single();
        McTolerance.RateWithin4Se(0.95, mi.Coverage!.Value, mi.Estimable, "MI coverage");
        McTolerance.Within4Se(Math.Log(1.2), mi.MeanLogEstimate, mi.MeanLogEstimateSe, "MI log RR");
    }

    [Fact]
    public void Multiple_imputation_with_one_imputation_and_no_missingness_equals_complete_case()
    {
        Scenario s = TestScenarios.Load("""
            name: none
            seed: 1
            population: {reference: A, groups: {A: 100000, B: 20000}}
            referrals: {total: 1000}
            recording: {missing: {mechanism: none}}
            detectors: [rate-ratio, {multiple-imputation: {m: 1}}]
            simulation: {replicates: 1}
            """);
        var model = new CountModel(s);
        CountDetector mi = DetectorFactory.Create(s.DetectorSpec("multiple-imputation"), model, 0, 0.05);
        CountDetector rr = DetectorFactory.Create(s.DetectorSpec("rate-ratio"), model, 0, 0.05);
        var strata = new StratifiedCounts(1, 2);
        strata.Recorded[0] = 800; strata.Recorded[1] = 200;
        var a = new DetectorOutcome[1];
        var b = new DetectorOutcome[1];
        mi.Evaluate(new RecordedCounts([800, 200], 0) { Strata = strata, DetectionSeed = 5 }, a);
        rr.Evaluate(new RecordedCounts([800, 200], 0), b);
        Assert.Equal(b[0].Estimate, a[0].Estimate, 12);
        Assert.Equal(b[0].Lower, a[0].Lower, 12);
        Assert.Equal(b[0].Upper, a[0].Upper, 12);
    }

    [Fact]
    public void Barnard_rubin_df_matches_hand_computation()
    {
        // m = 5, B = 0.01, T = 0.03: lambda = 1.2 x 0.01 / 0.03 = 0.4, nu_old = 4 / 0.16 = 25;
        // nu_com = 97: nu_obs = 98/100 x 97 x 0.6 = 57.036, nu = 1 / (1/25 + 1/57.036) = 17.3812...
        Assert.Equal(25.0, MultipleImputationDetector.BarnardRubinDf(5, 0.01, 0.03, double.PositiveInfinity), 9);
        Assert.Equal(1 / (1 / 25.0 + 1 / 57.036), MultipleImputationDetector.BarnardRubinDf(5, 0.01, 0.03, 97), 9);
    }

    [Fact]
    public void Misclassification_correction_inverts_the_matrix_exactly()
    {
        // (M^T)^-1 M^T t = t for the named officer matrix mixed with 20% self-assigned records (square over the 5 groups),
        // M written out by hand; the compiled matrix must equal it.
        Scenario s = TestScenarios.Load("""
            name: mis
            seed: 1
            population: {reference: White, groups: {White: 800000, Asian: 90000, Black: 40000, Mixed: 30000, Other: 20000}}
            referrals: {total: 10000}
            recording:
              missing: {mechanism: none}
              misclassification: {matrix: officer-stop-search-2021, assigned_by: {officer: 0.8, self: 0.2}}
            detectors: [misclassification-corrected]
            simulation: {replicates: 1}
            """);
        double[,] m = OfficerMatrixMixedWithSelf(officer: 0.8);
        var model = new CountModel(s);
        double[,] compiled = model.AssignmentOverLevels(0)!;
        for (int g = 0; g < 5; g++) for (int h = 0; h < 5; h++) Assert.Equal(m[g, h], compiled[g, h], 12);
        var detector = (MisclassificationCorrectedDetector)DetectorFactory.Create(s.DetectorSpec("misclassification-corrected"), model, 0, 0.05);
        Assert.True(detector.Invertible);
        double[] t = [8123.5, 901.25, 400, 300.75, 198];
        var x = new double[5];
        for (int h = 0; h < 5; h++) for (int g = 0; g < 5; g++) x[h] += m[g, h] * t[g];
        double[] back = detector.Correct(x);
        for (int g = 0; g < 5; g++) Assert.Equal(t[g], back[g], 9);
    }

    /// <summary>
    /// P(recorded as level h | self-defined g) over the census levels White, Asian, Black, Mixed, Other, written out by hand
    /// from the declared assignment (not from the code under test): with probability <paramref name="officer"/> the officer's
    /// category, else the self-defined one. The officer rows are the published figures of officer-stop-search-2021
    /// (data.police.uk stop and search, Lambeth and Haringey 2020-21; docs/recording.md): agreement White 0.957, Black 0.9845,
    /// Asian 0.769, Other 0.235, and self-defined Mixed recorded as White 0.315, Black 0.53, Asian 0.055, Other 0.10. A
    /// disagreement goes to the other officer categories in proportion to their Census 2021 shares (White 0.817, Black 0.040,
    /// Asian 0.093, Other 0.021). Officers never record Mixed.
    /// </summary>
    private static double[,] OfficerMatrixMixedWithSelf(double officer)
    {
        double[,] byOfficer =
        {
            //           White                   Asian                   Black                   Mixed  Other
            /* White */ { 0.957,                  0.043 * 0.093 / 0.154,  0.043 * 0.040 / 0.154,  0,     0.043 * 0.021 / 0.154 },
            /* Asian */ { 0.231 * 0.817 / 0.878,  0.769,                  0.231 * 0.040 / 0.878,  0,     0.231 * 0.021 / 0.878 },
            /* Black */ { 0.0155 * 0.817 / 0.931, 0.0155 * 0.093 / 0.931, 0.9845,                 0,     0.0155 * 0.021 / 0.931 },
            /* Mixed */ { 0.315,                  0.055,                  0.53,                   0,     0.10 },
            /* Other */ { 0.765 * 0.817 / 0.950,  0.765 * 0.093 / 0.950,  0.765 * 0.040 / 0.950,  0,     0.235 },
        };
        var m = new double[5, 5];
        for (int g = 0; g < 5; g++)
        {
            double row = 0;
            for (int h = 0; h < 5; h++)
            {
                m[g, h] = officer * byOfficer[g, h] + (g == h ? 1 - officer : 0);
                row += m[g, h];
            }
            Assert.Equal(1.0, row, 12); // a row of the hand-written table that did not sum to 1 would be a typo here
        }
        return m;
    }

    [Fact]
    public void Misclassification_corrected_estimates_are_unbiased_where_complete_case_is_not()
    {
        // No true disproportionality, 80% officer-assigned: the raw rate ratios are biased (Black inflated); the
        // correction recovers RR = 1 on average (log scale within 4 SE; the O(1/n) bias is below 1e-3 at 500k referrals).
        Scenario s = TestScenarios.Load("""
            name: mis
            seed: 93
            population: {reference: White, groups: {White: 800000, Asian: 90000, Black: 40000, Mixed: 30000, Other: 20000}}
            referrals: {total: 500000}
            recording:
              missing: {mechanism: mcar, share: 0.5}
              misclassification: {matrix: officer-stop-search-2021, assigned_by: {officer: 0.8, self: 0.2}}
            detectors: [rate-ratio, misclassification-corrected]
            simulation: {replicates: 500}
            """);
        SimulationResult result = MonteCarloRunner.Run(s, new RunSettings(500, s.Seed, 2));
        foreach (DiagnosandRow row in result.Rows.Where(r => r.Detector == "misclassification-corrected" && r.Group != MonteCarloRunner.FamilyWiseTarget))
        {
            McTolerance.Within4Se(0.0, row.MeanLogEstimate, row.MeanLogEstimateSe, row.Group);
        }
        DiagnosandRow rawBlack = result.Rows.Single(r => r.Detector == "rate-ratio" && r.Group == "Black");
        Assert.True(rawBlack.MeanLogEstimate > 0.2, $"raw Black log RR {rawBlack.MeanLogEstimate} should be inflated");
    }

    [Fact]
    public void Misclassification_correction_is_not_estimable_when_officers_never_record_a_group()
    {
        Scenario s = TestScenarios.Load("""
            name: mis
            seed: 1
            population: {reference: White, groups: {White: 800000, Asian: 90000, Black: 40000, Mixed: 30000, Other: 20000}}
            referrals: {total: 10000}
            recording:
              missing: {mechanism: none}
              misclassification: {matrix: officer-stop-search-2021}
            detectors: [misclassification-corrected]
            simulation: {replicates: 1}
            """);
        SimulationResult result = MonteCarloRunner.Run(s, new RunSettings(50, 1, 1));
        Assert.All(result.Rows.Where(r => r.Group != MonteCarloRunner.FamilyWiseTarget), r =>
        {
            Assert.Equal(1.0, r.NotEstimableRate);
            Assert.Equal(50, r.NotEstimableSingularMatrix);
        });
    }

    [Fact]
    public void Holm_matches_the_worked_example()
    {
        // Holm-Bonferroni method, worked example (Wikipedia): p = 0.01, 0.04, 0.03, 0.005 at alpha 0.05;
        // sorted 0.005 < 0.05/4 and 0.01 < 0.05/3 are rejected, 0.03 >= 0.05/2 stops: H1 and H4.
        double[] p = [0.01, 0.04, 0.03, 0.005];
        Assert.Equal([true, false, false, true], MultipleComparisons.Reject(p, [0, 1, 2, 3], Adjustment.Holm, 0.05));
        // By hand, a case where Holm rejects more than Bonferroni: 0.012 < 0.05/3, 0.02 < 0.05/2, 0.04 < 0.05.
        double[] q = [0.012, 0.02, 0.04];
        Assert.Equal([true, true, true], MultipleComparisons.Reject(q, [0, 1, 2], Adjustment.Holm, 0.05));
        Assert.Equal([true, false, false], MultipleComparisons.Reject(q, [0, 1, 2], Adjustment.Bonferroni, 0.05));
    }

    [Fact]
    public void Holm_keeps_the_family_wise_false_alarm_rate_at_alpha()
    {
        // Four groups with no disproportionality under MCAR: unadjusted, some group is flagged in well over 5% of
        // audits; with Holm the family-wise rate must not exceed 0.05 by more than 4 SE (sqrt(.05 .95 / 4000) = 0.0034).
        string Text(string adjust) => $$"""
            name: fwer
            seed: 94
            population:
              reference: White
              groups: {White: 800000, Asian: 90000, Black: 40000, Mixed: 30000, Other: 20000}
            referrals: {total: 20000}
            recording:
              missing: {mechanism: mcar, share: 0.6}
            detectors:
              - rate-ratio: {adjust: {{adjust}} }
            simulation: {replicates: 4000}
            """;
        double Fwer(string adjust)
        {
            Scenario s = TestScenarios.Load(Text(adjust));
            return MonteCarloRunner.Run(s, new RunSettings(4000, s.Seed, 2)).Rows.Single(r => r.Group == MonteCarloRunner.FamilyWiseTarget).FlagRate;
        }
        double none = Fwer("none"), holm = Fwer("holm");
        Assert.True(none > 0.1, $"unadjusted family-wise rate {none}");
        McTolerance.RateAtMost(0.05, holm, 4000, "Holm family-wise rate");
    }

    [Fact]
    public void Missing_share_detects_mar_by_region_and_rarely_flags_mcar()
    {
        SimulationResult mar = MonteCarloRunner.Run(MarByRegion("[{missing-share: {by: region}}]", total: 20000), new RunSettings(500, 95, 2));
        Assert.Equal(1.0, mar.Rows.Single(r => r.Group == "all").FlagRate);
        DiagnosandRow city = mar.Rows.Single(r => r.Group == "City");
        // City's expected missing share (0.4) over the overall expected share is the truth.
        Assert.True(city.TrueRateRatio < 1, $"City truth {city.TrueRateRatio}");
        McTolerance.Within4Se(0.0, city.BiasLog, city.BiasLogSe, "City bias_log");

        Scenario mcar = TestScenarios.Load("""
            name: mcar
            seed: 96
            population:
              reference: White
              regions: {City: {White: 300000, Black: 50000}, Shire: {White: 700000, Black: 10000}}
            referrals: {total: 20000}
            recording: {missing: {mechanism: mcar, share: 0.6}}
            detectors: [{missing-share: {by: region}}]
            simulation: {replicates: 4000}
            """);
        DiagnosandRow all = MonteCarloRunner.Run(mcar, new RunSettings(4000, mcar.Seed, 2)).Rows.Single(r => r.Group == "all");
        McTolerance.RateWithin4Se(0.05, all.FlagRate, 4000, "MCAR false alarms of the chi-square test");
    }

    [Fact]
    public void Tipping_point_interval_covers_the_true_recording_ratio_when_there_is_no_disproportionality()
    {
        // MNAR with no true disproportionality: the observed RR is explained exactly by r_B / r_W = 0.25/0.4 = 0.625,
        // which the tipping-point interval should cover at 95% (4 SE = 0.028 at R = 1000).
        Scenario s = TestScenarios.Load("""
            name: tip
            seed: 97
            population: {reference: White, groups: {White: 800000, Black: 200000}}
            referrals: {total: 100000}
            recording: {missing: {mechanism: mnar, share_by_group: {White: 0.6, Black: 0.75}}}
            detectors: [tipping-point]
            simulation: {replicates: 1000}
            """);
        DiagnosandRow row = MonteCarloRunner.Run(s, new RunSettings(1000, s.Seed, 2)).Rows.Single();
        Assert.Equal(0.625, row.TrueRateRatio!.Value, 12);
        McTolerance.RateWithin4Se(0.95, row.Coverage!.Value, row.Estimable, "tipping-point coverage");
    }

    [Theory]
    [InlineData("[{ipw: {by: sectr}}]", "detectors[0].by", "did you mean")]
    [InlineData("[{ipw: {m: 5}}]", "detectors[0].m", "does not apply to detector 'ipw'")]
    [InlineData("[{multiple-imputation: {m: 0}}]", "detectors[0].m", "found 0")]
    [InlineData("[{rate-ratio: {adjust: holms}}]", "detectors[0].adjust", "did you mean 'holm'?")]
    [InlineData("[{bounds: {adjust: holm}}]", "detectors[0].adjust", "takes no options")]
    public void Detector_option_errors_name_the_option(string detectors, string path, string fragment)
    {
        string text = TestScenarios.Valid.Replace("detectors: [rate-ratio, chi-square]", "detectors: " + detectors)
            .Replace("simulation: {replicates: 1000, alpha: 0.05}", "simulation: {replicates: 1000, alpha: 0.05}\n")
            .Replace("  rate_ratios: {Black: 1.3}", "  rate_ratios: {Black: 1.3}\n  covariates: {sector: {levels: {A: 1, B: 1}}}");
        ScenarioLoadResult r = ScenarioLoader.Load(text, "d.yaml");
        Assert.Contains(r.Errors, e => e.Path == path && e.Message.Contains(fragment));
    }
}

public class PValueTests
{
    [Fact]
    public void Normal_p_values_are_two_sided_and_do_not_underflow()
    {
        // 2 (1 - Phi(1.959963984540054)) = 0.05; at z = 10, 2 Phi(-10) = 1.523970604832105e-23 (erfc(10/sqrt 2)).
        var o = BiasSim.Core.Detectors.DetectorOutcome.LogInterval(0.1, 0.1 / 1.959963984540054, 1.96);
        Assert.Equal(0.05, BiasSim.Core.Detectors.MultipleComparisons.PValue(o), 12);
        var far = BiasSim.Core.Detectors.DetectorOutcome.LogInterval(1.0, 0.1, 1.96);
        Assert.Equal(1.523970604832105e-23, BiasSim.Core.Detectors.MultipleComparisons.PValue(far), 1e-35);
    }
}

public class StudentTQuantileTests
{
    [Theory]
    [InlineData(5.0)]
    [InlineData(39.9)]
    [InlineData(40.0)]
    [InlineData(57.3)]
    [InlineData(250.0)]
    [InlineData(1e6)]
    public void Fast_t_quantile_agrees_with_mathnet(double df)
    {
        // The Cornish-Fisher branch (df >= 40) against MathNet's InvCDF, a second method. The bound 1e-8 is the size of
        // the first omitted term of the expansion, z^11/df^5 times its coefficient, at df = 40 (see StudentTQuantile).
        double z = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.975);
        double fast = BiasSim.Core.Detectors.MultipleImputationDetector.StudentTQuantile(df, 0.975, z);
        double reference = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, df, 0.975);
        Assert.True(Math.Abs(fast - reference) < 1e-8, $"df {df}: {fast} vs {reference}");
    }
}

public class ValidationSubsampleTests
{
    private static Scenario Officers(string detector) => TestScenarios.Load($$"""
        name: validation
        seed: 98
        population:
          reference: White
          groups: {White: 80000000, Asian: 9000000, Black: 4000000, Mixed: 3000000, Other: 2000000}
        referrals: {total: 200000}
        recording:
          missing: {mechanism: mcar, share: 0.5}
          misclassification:
            matrix: officer-stop-search-2021
            assigned_by: {officer: 0.8, self: 0.2}
        detectors:
          - {{detector}}
        simulation: {replicates: 600}
        """);

    [Theory]
    [InlineData(0.1, false)]
    [InlineData(0.5, true)]
    public void Matrix_estimated_from_a_validation_subsample_covers_honestly_and_its_bias_vanishes_with_size(double share, bool checkBias)
    {
        // No true disproportionality. Intervals (Rubin's rules over 20 Dirichlet draws of the matrix) must cover at 95%
        // within 4 SE (4 sqrt(.95 .05 / 600) = 0.036) whatever the validation share. The corrected log RR has an O(1/n)
        // bias in the validated count (about -0.025 for Mixed with some 300 validated Mixed records at 10%); at 50%
        // it must sit within 4 Monte Carlo SE of 0.
        Scenario s = Officers(FormattableString.Invariant($"{{misclassification-corrected: {{validation_share: {share}, m: 20}}}}"));
        SimulationResult result = MonteCarloRunner.Run(s, new RunSettings(600, s.Seed, 2));
        foreach (DiagnosandRow row in result.Rows.Where(r => r.Group != MonteCarloRunner.FamilyWiseTarget))
        {
            Assert.Equal(0.0, row.NotEstimableRate);
            McTolerance.RateWithin4Se(0.95, row.Coverage!.Value, 600, $"{row.Group}: coverage");
            if (checkBias)
            {
                McTolerance.Within4Se(0.0, row.MeanLogEstimate, row.MeanLogEstimateSe, $"{row.Group}: mean log RR");
            }
        }
    }

    [Fact]
    public void Validation_counts_follow_the_assignment_matrix()
    {
        // E[V[g, a]] = T pi_g r v A[g, a]: with T = 200,000, r = 0.5, v = 0.1, the validated White referrals recorded as
        // White average 200,000 x 80/98 x 0.5 x 0.1 x (0.8 x 0.957 + 0.2).
        Scenario s = Officers("{misclassification-corrected: {validation_share: 0.1}}");
        var model = new CountModel(s);
        var observed = new ObservedCounts(model);
        Span<long> scratch = stackalloc long[model.ScratchLength];
        const int draws = 2000;
        double sum = 0, sum2 = 0;
        int whiteAsWhite = model.Categories.IndexOf("White");
        for (int i = 0; i < draws; i++)
        {
            var rng = BiasSim.Core.Randomness.SeedSequence.Generator(98, 0, (ulong)i, BiasSim.Core.Randomness.SeedSequence.Stage.Data);
            model.Draw(ref rng, scratch, observed);
            double x = observed.Validation[0 * model.Categories.Length + whiteAsWhite];
            sum += x; sum2 += x * x;
        }
        double mean = sum / draws, se = Math.Sqrt((sum2 / draws - mean * mean) / (draws - 1));
        double expected = 200000 * 80.0 / 98 * 0.5 * 0.1 * (0.8 * 0.957 + 0.2);
        McTolerance.Within4Se(expected, mean, se, "validated White recorded as White");
    }

    [Fact]
    public void Gauss_jordan_inverse_matches_mathnet()
    {
        double[,] a = { { 4, 1, 0.5 }, { 0.2, 3, 1 }, { 1, 0.1, 2 } };
        var inverse = new double[3, 3];
        Assert.True(MisclassificationCorrectedDetector.Invert(a, inverse, new double[3, 3]));
        var expected = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(a).Inverse();
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) Assert.Equal(expected[i, j], inverse[i, j], 12);
        Assert.False(MisclassificationCorrectedDetector.Invert(new double[,] { { 1, 2 }, { 2, 4 } }, new double[2, 2], new double[2, 2]));
    }
}
