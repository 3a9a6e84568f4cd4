using BiasSim.Core.Diagnosands;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;
using BiasSim.Core.Tests.Support;

namespace BiasSim.Core.Tests.Engine;

/// <summary>
/// Under MCAR the recorded share 1 - s multiplies every group's count alike and cancels from the rate ratio,
/// so complete-case estimates stay consistent for the true RR and only precision is lost.
/// </summary>
public class McarConsistencyTests
{
    private static Scenario Census(double share, long total) => TestScenarios.Load(FormattableString.Invariant($$"""
        name: mcar
        seed: 4242
        population:
          reference: White
          groups: {White: 48691192, Asian: 5515415, Black: 2383902, Mixed: 1728329, Other: 1251548}
        referrals:
          total: {{total}}
          rate_ratios: {Black: 1.3, Asian: 0.8}
        recording:
          missing: {mechanism: mcar, share: {{share}} }
        detectors: [rate-ratio]
        simulation: {replicates: 2000}
        """));

    [Fact]
    public void Complete_case_rate_ratio_is_unbiased_for_every_missing_share_and_only_precision_is_lost()
    {
        // One million referrals: the delta-method small-sample bias of log RR, -1/(2 E[X_g]) + 1/(2 E[X_ref]),
        // is at most about 1e-4 at s = 0.9 (E[X_Black] ~ 4,900), a third of one Monte Carlo SE of the
        // mean (0.015 / sqrt(2000) = 3.3e-4), so bias_log must sit within 4 of its own SEs of 0.
        const int replicates = 2000;
        double previousWidth = 0;
        foreach (double share in new[] { 0.0, 0.647, 0.9 })
        {
            SimulationResult result = MonteCarloRunner.Run(Census(share, 1_000_000), new RunSettings(replicates, 4242, 2));
            foreach (DiagnosandRow row in result.Rows.Where(r => r.Group != MonteCarloRunner.FamilyWiseTarget))
            {
                McTolerance.Within4Se(0.0, row.BiasLog, row.BiasLogSe, FormattableString.Invariant($"s={share} {row.Group}: bias_log"));
                // Coverage of a Katz 95% interval at these counts is 0.95 up to O(1/n); 4 SE = 4 sqrt(.95 .05 / 2000) = 0.019.
                McTolerance.RateWithin4Se(0.95, row.Coverage!.Value, replicates, FormattableString.Invariant($"s={share} {row.Group}: coverage"));
            }
            double width = result.Rows.Single(r => r.Group == "Black").MeanCiWidth!.Value;
            Assert.True(width > previousWidth, $"interval width should grow with missingness: {width} after {previousWidth}");
            previousWidth = width;
        }
    }

    [Fact]
    public void Missingness_costs_power_for_a_small_disproportionality()
    {
        // More referrals lost, less power: for Black (RR 1.3) at 2,000 referrals. The gaps are large
        // (about 0.74, 0.34, 0.13 by the normal approximation) against Monte Carlo SEs below 0.008.
        double Power(double share) => MonteCarloRunner.Run(Census(share, 2000), new RunSettings(4000, 99, 2))
            .Rows.Single(r => r.Group == "Black").FlagRate;
        double p0 = Power(0.0), p65 = Power(0.647), p90 = Power(0.9);
        Assert.True(p0 > p65 && p65 > p90, $"power {p0} / {p65} / {p90}");
    }

    [Fact]
    public void Estimate_histogram_counts_every_estimable_replicate_and_peaks_at_the_truth()
    {
        SimulationResult result = MonteCarloRunner.Run(Census(0.647, 200_000), new RunSettings(3000, 5, 2));
        foreach (DiagnosandRow row in result.Rows.Where(r => r.Group != MonteCarloRunner.FamilyWiseTarget))
        {
            EstimateDistribution d = row.Distribution!;
            Assert.Equal(d.Counts.Length + 1, d.Edges.Length);
            Assert.Equal(row.Estimable, d.Counts.Sum());
            Assert.Equal(row.TrueRateRatio!.Value / 4, d.Edges[0], 12);
            Assert.Equal(row.TrueRateRatio!.Value * 4, d.Edges[^1], 12);
            // The truth sits on the middle edge; an unbiased estimate with SD ~0.05 on the log scale (bins 0.058 wide)
            // puts the two bins either side of it above every other bin.
            int mid = d.Counts.Length / 2;
            long peak = d.Counts.Max();
            Assert.True(d.Counts[mid - 1] == peak || d.Counts[mid] == peak, $"{row.Group}: peak not at the truth");
        }
    }
}
