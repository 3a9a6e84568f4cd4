using BiasSim.Core.Design;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Tests.Scenarios;

/// <summary>A detector that would silently reduce to a simpler one gets one plain warning at its entry in detectors:.</summary>
public class DegenerateDetectorWarningTests
{
    private static string Text(string detectors, string extraReferrals = "", string misclassification = "") => $$"""
        name: degenerate
        seed: 3
        population:
          reference: White
          groups: {White: 800000, Black: 100000}
        referrals:
          total: 2000
        {{extraReferrals}}
        recording:
          missing: {mechanism: mcar, share: 0.5}
        {{misclassification}}
        detectors: {{detectors}}
        simulation: {replicates: 20}
        """;

    private static IReadOnlyList<string> Warnings(string text)
    {
        ScenarioLoadResult result = ScenarioLoader.Load(text, "d.yaml");
        Assert.True(result.Success, string.Join("\n", result.Errors));
        return result.Scenario!.Warnings;
    }

    [Fact]
    public void Ipw_and_imputation_without_strata_say_what_they_reduce_to_once_each()
    {
        var warnings = Warnings(Text("[rate-ratio, ipw, multiple-imputation, missing-share]"));
        Assert.Equal(3, warnings.Count);
        string ipw = Assert.Single(warnings, w => w.Contains("ipw:"));
        Assert.StartsWith("d.yaml:12:", ipw); // the line of detectors:, where ipw is named
        Assert.Contains("detectors[1]", ipw);
        Assert.Contains("complete-case rate ratio", ipw);
        Assert.Contains(warnings, w => w.Contains("multiple-imputation:") && w.Contains("missing completely at random"));
        Assert.Contains(warnings, w => w.Contains("missing-share:") && w.Contains("overall share"));
    }

    [Fact]
    public void By_region_without_regions_and_a_one_level_covariate_are_one_stratum()
    {
        var region = Warnings(Text("[{ipw: {by: region}}]"));
        Assert.Contains("by: region, but the population has no regions", Assert.Single(region));
        string covariate = "  covariates:\n    sector: {levels: {Education: 1}}";
        var one = Warnings(Text("[{multiple-imputation: {by: sector}}]", covariate));
        Assert.Contains("the covariate sector has only one level", Assert.Single(one));
    }

    [Fact]
    public void Misclassification_corrected_without_a_matrix_is_rate_ratio()
    {
        string w = Assert.Single(Warnings(Text("[misclassification-corrected]")));
        Assert.Contains("no recording.misclassification", w);
        Assert.Contains("identity", w);
        string matrix = "  misclassification:\n    matrix: {White: {White: 0.95, Black: 0.05}, Black: {White: 0.1, Black: 0.9}}";
        Assert.Empty(Warnings(Text("[misclassification-corrected]", misclassification: matrix)));
    }

    [Fact]
    public void Stratified_detectors_with_several_strata_are_quiet()
    {
        string covariate = "  covariates:\n    sector: {levels: {Education: 0.5, Police: 0.5}}";
        Assert.Empty(Warnings(Text("[{ipw: {by: sector}}, {multiple-imputation: {by: sector, m: 5}}, {missing-share: {by: sector}}]", covariate)));
    }
}
