using System.Collections.Immutable;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Detectors;

/// <summary>The detectors a scenario may name in <c>detectors:</c>.</summary>
public static class DetectorCatalog
{
    public static readonly ImmutableArray<string> Names = [RateRatioDetector.DetectorName, ChiSquareDetector.DetectorName];

    /// <summary>Builds a detector judged against <paramref name="trueRateRatios"/> (per group, from the compiled model).</summary>
    public static CountDetector Create(string name, Scenario scenario, IReadOnlyList<double> trueRateRatios) => name switch
    {
        RateRatioDetector.DetectorName => new RateRatioDetector(scenario.Population, trueRateRatios, scenario.Simulation.Alpha),
        ChiSquareDetector.DetectorName => new ChiSquareDetector(scenario.Population, trueRateRatios, scenario.Simulation.Alpha),
        _ => throw new ArgumentException($"Unknown detector '{name}'.", nameof(name)),
    };

    public static ImmutableArray<CountDetector> CreateAll(Scenario scenario, IReadOnlyList<double> trueRateRatios) =>
        [.. scenario.Detectors.Select(name => Create(name, scenario, trueRateRatios))];
}
