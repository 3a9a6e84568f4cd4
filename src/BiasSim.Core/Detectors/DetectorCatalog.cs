using System.Collections.Immutable;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Detectors;

/// <summary>The detectors a scenario may name in <c>detectors:</c>.</summary>
public static class DetectorCatalog
{
    public static readonly ImmutableArray<string> Names = [RateRatioDetector.DetectorName, ChiSquareDetector.DetectorName];

    public static CountDetector Create(string name, Scenario scenario) => name switch
    {
        RateRatioDetector.DetectorName => new RateRatioDetector(scenario.Population, scenario.Referrals, scenario.Simulation.Alpha),
        ChiSquareDetector.DetectorName => new ChiSquareDetector(scenario.Population, scenario.Referrals, scenario.Simulation.Alpha),
        _ => throw new ArgumentException($"Unknown detector '{name}'.", nameof(name)),
    };

    public static ImmutableArray<CountDetector> CreateAll(Scenario scenario) =>
        [.. scenario.Detectors.Select(name => Create(name, scenario))];
}
