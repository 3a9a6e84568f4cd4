using System.Collections.Immutable;
using BiasSim.Core.Detectors;
using BiasSim.Core.Engine;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Simulation;

/// <summary>
/// Builds detectors for a simulation. Detectors never see the compiled <see cref="CountModel"/>: this reads off it, per
/// attribute, the <see cref="AnalysisFrame"/> they are built from (census, observed strata, the recording design an
/// analyst would know, and the truths for judging).
/// </summary>
internal static class DetectorFactory
{
    /// <summary>The frame of attribute <paramref name="attribute"/> (0 = ethnicity) of <paramref name="model"/>.</summary>
    public static AnalysisFrame Frame(CountModel model, int attribute)
    {
        Population population = model.AttributePopulation(attribute);
        double expectedMissingShare = model.ExpectedMissingShareOf(attribute);
        Stratification strata = model.Strata;
        var stratifiers = strata.Variables.ToImmutableDictionary(v => v, v => new StratumView(
            [.. strata.Map(v)], strata.LevelNames[strata.VariableIndex(v)], [.. model.ExpectedMissingShareByLevel(attribute, v)]));
        return new AnalysisFrame(
            population,
            model.Cells.TrueRateRatiosFor(attribute),
            expectedMissingShare,
            [.. model.RecordingRatios(attribute)],
            model.AssignmentOverLevels(attribute),
            // Only ethnicity has a validation subsample.
            model.ValidationShare > 0 && attribute == 0 ? [.. model.Categories.Select(population.IndexOf)] : null,
            stratifiers,
            new StratumView([.. strata.Map(null)], [Population.AllRegion], [expectedMissingShare]));
    }

    /// <summary>Builds detector <paramref name="spec"/> for attribute <paramref name="attribute"/> (0 = ethnicity) of <paramref name="model"/>.</summary>
    public static CountDetector Create(DetectorSpec spec, CountModel model, int attribute, double alpha) =>
        DetectorCatalog.Create(spec, Frame(model, attribute), alpha);
}
