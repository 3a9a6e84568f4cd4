using BiasSim.Core.Design;
using BiasSim.Core.Diagnosands;
using BiasSim.Core.Engine;
using BiasSim.Core.Power;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;

namespace BiasSim.Core.Tests.Recording;

/// <summary>
/// MNAR declared by recording ratio: "Black people recorded half as often as White people" must stay exactly half
/// while target_share sets the overall level, where share_by_group + target_share (a log-odds shift) does not.
/// </summary>
public class RecordingRatioTests
{
    // Census 2021 counts as in the bundled scenarios; a multinomial total, so referral shares are pi_g = N_g RR_g / sum.
    private static readonly (string Name, double Census, double Rr, double Ratio)[] Groups =
    [
        ("White", 48691192, 1.0, 1.0), ("Asian", 5515415, 1.0, 1.0), ("Black", 2383902, 1.3, 0.5), ("Mixed", 1728329, 1.0, 1.0), ("Other", 1251548, 1.0, 1.0),
    ];

    private static string Text(string missing, string rateRatios = "{Black: 1.3}", int replicates = 10) => $$"""
        name: ratio
        seed: 14
        population:
          reference: White
          groups: {White: 48691192, Asian: 5515415, Black: 2383902, Mixed: 1728329, Other: 1251548}
        referrals:
          total: 51204
          rate_ratios: {{rateRatios}}
        recording:
          missing: {{missing}}
        detectors: [rate-ratio]
        simulation: {replicates: {{replicates}}}
        """;

    private static double Recorded(MissingnessMechanism m, int group) => 1 - m.MissingProbability(new CellKey(0, group, []));

    [Fact]
    public void Recording_ratio_is_kept_exactly_and_the_missing_share_is_the_target_in_closed_form()
    {
        Scenario s = TestScenarios.Load(Text("{mechanism: mnar, recording_ratio: {Black: 0.5}, target_share: 0.4}"));
        var m = Assert.IsType<MnarRatioMissingness>(s.Recording.Missing);

        // Exactly half, by the mechanism and through the compiled engine model.
        Assert.Equal(0.5, Recorded(m, 2) / Recorded(m, 0), 1e-12);
        Assert.Equal(0.5, new CountModel(s).RecordingRatios(0)[2], 1e-12);

        // Closed form, independent of the code under test: expected missing share = 1 - s sum_g pi_g ratio_g = 0.4,
        // so s = 0.6 / sum_g pi_g ratio_g.
        double total = Groups.Sum(g => g.Census * g.Rr);
        double rbar = Groups.Sum(g => g.Census * g.Rr / total * g.Ratio);
        double scale = 0.6 / rbar;
        Assert.Equal(scale, m.Scale, 1e-12);
        Assert.Equal(scale, Recorded(m, 0), 1e-12);
        double expectedShare = Groups.Select((g, i) => g.Census * g.Rr / total * (1 - Recorded(m, i))).Sum();
        Assert.Equal(0.4, expectedShare, 1e-12);
        Assert.Equal(0.4, new CountModel(s).ExpectedMissingShare, 1e-12);
        // The shares shown to people (console, summary.json) are the calibrated ones.
        Assert.Equal(1 - scale * 0.5, m.ShareByGroup[2], 1e-12);
    }

    [Fact]
    public void Share_by_group_with_a_target_shifts_log_odds_and_loses_the_ratio()
    {
        // Recorded 40% against 20%: "half as often" before calibration. The log-odds shift to 40% missing moves the
        // ratio to 0.6075 (computed independently by bisection in Python from the same census shares): why
        // recording_ratio exists (issue 14 met 0.477 in another scenario).
        Scenario s = TestScenarios.Load(Text("{mechanism: mnar, share_by_group: {White: 0.6, Asian: 0.6, Black: 0.8, Mixed: 0.6, Other: 0.6}, "
            + "target_share: 0.4}"));
        double ratio = Recorded(s.Recording.Missing, 2) / Recorded(s.Recording.Missing, 0);
        Assert.Equal(0.60751, ratio, 1e-5);
    }

    [Fact]
    public void The_ratio_survives_recalibration_at_another_rate_ratio_as_mdrr_does()
    {
        Scenario s = TestScenarios.Load(Text("{mechanism: mnar, recording_ratio: {Black: 0.5}, target_share: 0.4}"));
        Scenario moved = PowerModel.WithRateRatio(s, "Black", 2.5)!;
        Assert.Equal(0.5, Recorded(moved.Recording.Missing, 2) / Recorded(moved.Recording.Missing, 0), 1e-12);
        Assert.Equal(0.4, new CountModel(moved).ExpectedMissingShare, 1e-12);
        Assert.NotEqual(((MnarRatioMissingness)s.Recording.Missing).Scale, ((MnarRatioMissingness)moved.Recording.Missing).Scale);
        Assert.Equal(1 - ((MnarRatioMissingness)moved.Recording.Missing).Scale * 0.5, ((MnarMissingness)moved.Recording.Missing).ShareByGroup[2], 1e-12);
    }

    [Fact]
    public void Simulated_complete_case_rate_ratio_converges_to_rr_times_the_declared_ratio()
    {
        // RR-hat -> RR x r_Black / r_White = 1.3 x 0.5 (docs/recording.md). 2,000 replicates; tolerance 4 MC SE of the
        // mean log estimate (SD / sqrt(R) from the replicates) plus the O(1/X) small-count bias of log RR: with about
        // 1,000 recorded Black referrals, 1/(2 x 1,000) = 5e-4, below 4 SE (about 2e-3) but added to be safe.
        Scenario s = TestScenarios.Load(Text("{mechanism: mnar, recording_ratio: {Black: 0.5}, target_share: 0.4}", replicates: 2000));
        SimulationResult result = MonteCarloRunner.Run(s, new RunSettings(2000, s.Seed, 2));
        DiagnosandRow black = result.Rows.Single(r => r.Group == "Black");
        double limit = Math.Log(1.3 * 0.5);
        Assert.True(Math.Abs(black.MeanLogEstimate!.Value - limit) <= 4 * black.MeanLogEstimateSe!.Value + 5e-4,
            $"mean log RR {black.MeanLogEstimate:F5} vs {limit:F5} (SE {black.MeanLogEstimateSe:E2})");
    }

    [Fact]
    public void A_target_that_needs_a_recording_probability_above_one_is_refused_with_the_reachable_range()
    {
        ScenarioLoadResult r = ScenarioLoader.Load(Text("{mechanism: mnar, recording_ratio: {Black: 3}, target_share: 0.2}"), "s.yaml");
        ScenarioError e = Assert.Single(r.Errors);
        Assert.Equal("recording.missing.target_share", e.Path);
        // Lowest share: Black recorded with probability 1, so s = 1/3 and share = 1 - rbar/3 (closed form).
        double total = Groups.Sum(g => g.Census * g.Rr);
        double rbar = Groups.Sum(g => g.Census * g.Rr / total * (g.Name == "Black" ? 3 : 1));
        Assert.Contains($"would need 'Black' recorded with probability above 1; with these recording ratios the missing share can only lie between "
            + $"{1 - rbar / 3:0.####} and 1", e.Message);
    }

    private const string R = "recording.missing.recording_ratio.";

    [Theory]
    [InlineData("{mechanism: mnar, recording_ratio: {Black: 0.5}}", "recording.missing.target_share", "missing, expected the overall missing share")]
    [InlineData("{mechanism: mnar, recording_ratio: {White: 0.5}, target_share: 0.4}", R + "White", "expected 1 (ratios are relative to White)")]
    [InlineData("{mechanism: mnar, recording_ratio: {Blak: 0.5}, target_share: 0.4}", R + "Blak", "did you mean 'Black'?")]
    [InlineData("{mechanism: mnar, recording_ratio: {Black: -1}, target_share: 0.4}", R + "Black", "expected a recording ratio of at least 0")]
    [InlineData("{mechanism: mnar, recording_ratio: {Black: 0.5}, share_by_group: {White: 0.5}, target_share: 0.4}", "recording.missing.share_by_group",
        "together with recording_ratio")]
    [InlineData("{mechanism: mcar, share: 0.5, recording_ratio: {Black: 0.5}}", "recording.missing.recording_ratio", "does not apply to mechanism 'mcar'")]
    public void Mistakes_are_reported_at_the_key(string missing, string path, string message)
    {
        ScenarioLoadResult r = ScenarioLoader.Load(Text(missing), "s.yaml");
        Assert.False(r.Success);
        Assert.Contains(r.Errors, e => e.Path == path && e.Message.Contains(message, StringComparison.Ordinal));
    }
}
