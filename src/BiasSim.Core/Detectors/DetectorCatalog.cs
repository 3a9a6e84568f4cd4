using System.Collections.Immutable;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Detectors;

/// <summary>The detectors a scenario may name in <c>detectors:</c>.</summary>
public static class DetectorCatalog
{
    public static readonly ImmutableArray<string> Names = [RateRatioDetector.DetectorName, ChiSquareDetector.DetectorName];

    /// <summary>Builds a detector for one attribute's <paramref name="population"/>, judged against
    /// <paramref name="trueRateRatios"/> (per group, from the compiled model).</summary>
    public static CountDetector Create(string name, Population population, IReadOnlyList<double> trueRateRatios, double alpha) => name switch
    {
        RateRatioDetector.DetectorName => new RateRatioDetector(population, trueRateRatios, alpha),
        ChiSquareDetector.DetectorName => new ChiSquareDetector(population, trueRateRatios, alpha),
        _ => throw new ArgumentException($"Unknown detector '{name}'.", nameof(name)),
    };

    /// <summary>An ethnicity detector for <paramref name="scenario"/>.</summary>
    public static CountDetector Create(string name, Scenario scenario, IReadOnlyList<double> trueRateRatios) =>
        Create(name, scenario.Population, trueRateRatios, scenario.Simulation.Alpha);

    public static ImmutableArray<CountDetector> CreateAll(Scenario scenario, IReadOnlyList<double> trueRateRatios) =>
        [.. scenario.Detectors.Select(name => Create(name, scenario.Population, trueRateRatios, scenario.Simulation.Alpha))];
}
