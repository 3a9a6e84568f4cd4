using System.Collections.Immutable;
using YamlDotNet.RepresentationModel;

namespace BiasSim.Core.Scenarios;

internal static partial class ScenarioParser
{
    /// <summary>
    /// Detectors that would run but silently reduce to something simpler (a weighting or imputation with one stratum is
    /// the complete-case analysis, a correction by the identity matrix is no correction), as each detector's
    /// <see cref="DetectorTerms.Caveat"/> says. Each gets one warning, located at the detector's entry in <c>detectors:</c>
    /// (or at <c>detectors</c> itself when the list was defaulted).
    /// </summary>
    private static Scenario DegenerateDetectorWarnings(Scenario scenario, DetectorVocabulary vocabulary, YamlMappingNode root, YamlNodeReader r)
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
            if (vocabulary.Find(name)?.Caveat?.Invoke(scenario, spec) is string message) warnings.Add(r.At(at, path, $"{name}: {message}").ToString());
        }
        return warnings.Count == 0 ? scenario : scenario with { Warnings = scenario.Warnings.AddRange(warnings) };
    }
}
