using System.Collections.Immutable;
using BiasSim.Core.Detectors;
using YamlDotNet.RepresentationModel;

namespace BiasSim.Core.Scenarios;

public static partial class ScenarioLoader
{
    /// <summary>
    /// Detectors that would run but silently reduce to something simpler: a weighting or imputation with one stratum is
    /// the complete-case analysis, a correction by the identity matrix is no correction. Each gets one warning, located at
    /// the detector's entry in <c>detectors:</c> (or at <c>detectors</c> itself when the list was defaulted).
    /// </summary>
    private static Scenario DegenerateDetectorWarnings(Scenario scenario, YamlMappingNode root, YamlNodeReader r)
    {
        var warnings = ImmutableArray.CreateBuilder<string>();
        var items = (YamlNodeReader.Child(root, "detectors") as YamlSequenceNode)?.Children.ToList() ?? [];
        for (int i = 0; i < scenario.Detectors.Length; i++)
        {
            string name = scenario.Detectors[i];
            DetectorSpec spec = scenario.DetectorSpec(name);
            int index = items.FindIndex(item => item is YamlScalarNode { Value: { } v } ? v == name
                : item is YamlMappingNode m && m.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value == name));
            YamlNode at = index < 0 ? root : items[index];
            string path = index < 0 ? "detectors" : $"detectors[{index}]";
            if (DegenerateMessage(scenario, spec) is string message) warnings.Add(r.At(at, path, $"{name}: {message}").ToString());
        }
        return warnings.Count == 0 ? scenario : scenario with { Warnings = scenario.Warnings.AddRange(warnings) };
    }

    private static string? DegenerateMessage(Scenario scenario, DetectorSpec spec)
    {
        bool stratified = spec.Name is IpwDetector.DetectorName or MultipleImputationDetector.DetectorName or MissingShareDetector.DetectorName;
        if (stratified && OneStratum(scenario, spec.By) is string why)
        {
            return spec.Name switch
            {
                IpwDetector.DetectorName =>
                    $"{why}, so there is one stratum and the weights are all equal: it gives the complete-case rate ratio (rate-ratio's answer) and " +
                    "corrects nothing; expected by: naming a covariate in referrals.covariates (or regions in population.regions)",
                MultipleImputationDetector.DetectorName =>
                    $"{why}, so unrecorded referrals are imputed from the overall recorded shares, which assumes the group is missing completely at " +
                    "random: it cannot correct missingness that depends on anything; expected by: naming a covariate in referrals.covariates (or regions)",
                _ => $"{why}, so it compares one missing share with itself and can only test the overall share; " +
                     "expected by: naming a covariate in referrals.covariates (or regions) to compare missing shares across its levels",
            };
        }
        if (spec.Name == MisclassificationCorrectedDetector.DetectorName && scenario.Recording.Misclassification is null)
        {
            return "the scenario has no recording.misclassification, so every recorded category is self-defined and the correction matrix is the " +
                   "identity: it gives rate-ratio's answer; expected recording.misclassification (a matrix, or a named one) for it to correct anything";
        }
        return null;
    }

    /// <summary>Why stratifying by <paramref name="by"/> leaves one stratum, or null when it leaves several.</summary>
    private static string? OneStratum(Scenario scenario, string? by)
    {
        if (by is null) return "no 'by' is given and the population has no regions";
        if (by == "region") return scenario.Population.HasRegions ? null : "by: region, but the population has no regions (population.regions)";
        int c = scenario.Referrals.CovariateIndex(by);
        if (c >= 0 && scenario.Referrals.Covariates[c].Levels.Length < 2) return $"by: {by}, but the covariate {by} has only one level";
        return null;
    }
}
