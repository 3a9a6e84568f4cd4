using System.Collections.Immutable;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Detectors;

/// <summary>
/// What a detector is built from in a simulation, for one protected attribute: what an analyst of the recorded data would
/// know (the census denominators, the observed strata, the assignment matrix or the validation design) and the truths its
/// answers are judged against (the inquiry). Never the data-generating model: the simulation reads these off it, so a
/// detector cannot peek at how the counts were drawn.
/// </summary>
/// <param name="Population">The attribute's groups (levels) and census denominators.</param>
/// <param name="TrueRateRatios">The estimand per group: used only to judge, never to estimate.</param>
/// <param name="ExpectedMissingShare">E[unrecorded] / E[referrals] of this attribute: missing-share's truth.</param>
/// <param name="RecordingRatios">Each group's expected recording rate over the reference's: tipping-point's truths.</param>
/// <param name="Assignment">M[g, h] = P(recorded as level h | self-defined g), the matrix a correction is told; null when
/// some recorded category is no census level.</param>
/// <param name="ValidationCategories">With a validation subsample (ethnicity only): the group index of each recorded
/// category (-1 for none); null without one.</param>
/// <param name="Stratifiers">The observed strata by each stratifier the scenario's detectors name.</param>
/// <param name="Unstratified">The strata seen as one level.</param>
public sealed record AnalysisFrame(
    Population Population,
    ImmutableArray<double> TrueRateRatios,
    double ExpectedMissingShare,
    ImmutableArray<double> RecordingRatios,
    double[,]? Assignment,
    ImmutableArray<int>? ValidationCategories,
    ImmutableDictionary<string, StratumView> Stratifiers,
    StratumView Unstratified)
{
    /// <summary>The strata as stratifier <paramref name="variable"/> ('region' or a covariate) sees them; one level for null.</summary>
    public StratumView By(string? variable) => variable is null ? Unstratified : Stratifiers[variable];

    /// <summary>Each group against the reference, judged against <see cref="TrueRateRatios"/>.</summary>
    public GroupComparison Groups(double alpha) => new(Population, TrueRateRatios, alpha);
}

/// <summary>The observed strata as one stratifier sees them.</summary>
/// <param name="Map">For each stratum of the counts (<see cref="RecordedCounts.Strata"/>), its level of the stratifier.</param>
/// <param name="LevelNames">The stratifier's levels.</param>
/// <param name="ExpectedMissingShares">The expected missing share within each level: missing-share's truths.</param>
public sealed record StratumView(ImmutableArray<int> Map, ImmutableArray<string> LevelNames, ImmutableArray<double> ExpectedMissingShares)
{
    public int Levels => LevelNames.Length;
}
