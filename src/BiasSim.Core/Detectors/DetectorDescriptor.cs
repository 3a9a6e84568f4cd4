using System.Collections.Immutable;
using System.Globalization;
using BiasSim.Core.Engine;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Detectors;

/// <summary>What the words about a detector depend on: the reference group, the significance level, the detector's options
/// as declared (or, for real data, the stratifier) and the protected attribute.</summary>
public sealed record DetectorContext(string Reference, double Alpha, DetectorSpec Spec, string Attribute = Population.Ethnicity)
{
    /// <summary>The interval's confidence in percent, "95" at alpha 0.05, "99" at 0.01.</summary>
    public string Confidence => (100 * (1 - Alpha)).ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>" by region" when the detector is stratified, else "".</summary>
    public string ByPhrase => Spec.By is null ? "" : $" by {Spec.By}";

    /// <summary>", holm-adjusted flags" when flags are adjusted across groups, else "".</summary>
    public string AdjustPhrase => Spec.Adjust == Adjustment.None ? "" : $", {Spec.Adjust.ToString().ToLowerInvariant()}-adjusted flags";
}

/// <summary>What a detector needs to run on real counts (<c>biassim detect</c>): the group comparison with unknown truths,
/// the counts by stratum, the misclassification matrix if one was given, and the significance level.</summary>
public sealed record ObservedInputs(GroupComparison Groups, StratifiedCounts Strata, ImmutableArray<string> StratumLevels, double[,]? Matrix, double Alpha);

/// <summary>
/// Everything BiasSim knows about one detector, in one place: its name and options, how it is built for a simulated model
/// and for real counts, and every word said about it (plot label, console heading, report description, what it estimates,
/// what it assumes, glossary entry). Whether it draws random numbers is the detector's own business: every replicate gets
/// a detection seed, so a new random detector can never silently run on seed 0.
/// </summary>
public sealed record DetectorDescriptor
{
    public required string Name { get; init; }

    /// <summary>The options it takes under <c>detectors:</c> (by, m, adjust).</summary>
    public ImmutableArray<string> Options { get; init; } = [];

    /// <summary>Builds it for one attribute of a simulation at significance level alpha, judged against the frame's truths.</summary>
    public required Func<DetectorSpec, AnalysisFrame, double, CountDetector> ForModel { get; init; }

    /// <summary>Builds it for real counts, or null where <c>detect</c> cannot run it.</summary>
    public Func<ObservedInputs, CountDetector>? ForData { get; init; }

    /// <summary>What to warn when a scenario leaves it degenerate (it would run, but silently reduce to something simpler),
    /// or null when it does not; the scenario loader says it at the detector's entry in <c>detectors:</c>.</summary>
    public Func<Scenario, DetectorSpec, string?>? Caveat { get; init; }

    /// <summary>Whether <c>detect</c> runs it when no detectors are named.</summary>
    public bool DetectDefault { get; init; }

    /// <summary>A short label for plots and table captions, given the reference group ("" when unknown).</summary>
    public required Func<string, string> Label { get; init; }

    /// <summary>One line for the console's table heading after a simulation.</summary>
    public required Func<DetectorContext, string> Heading { get; init; }

    /// <summary>A sentence or two for the report's "what was assumed".</summary>
    public required Func<DetectorContext, string> Description { get; init; }

    /// <summary>What its estimate is, for real data (<c>detect</c>).</summary>
    public required Func<DetectorContext, string> Estimates { get; init; }

    /// <summary>What it assumes, in plain words (docs/detectors.md).</summary>
    public required Func<DetectorContext, string> Assumes { get; init; }

    /// <summary>The glossary entry of <c>biassim explain</c>.</summary>
    public required string Explanation { get; init; }

    /// <summary>Glossary cross-references.</summary>
    public ImmutableArray<string> SeeAlso { get; init; } = [];

    /// <summary>Why stratifying by <paramref name="by"/> leaves one stratum, or null when it leaves several.</summary>
    internal static string? OneStratum(Scenario scenario, string? by)
    {
        if (by is null) return "no 'by' is given and the population has no regions";
        if (by == "region") return scenario.Population.HasRegions ? null : "by: region, but the population has no regions (population.regions)";
        int c = scenario.Referrals.CovariateIndex(by);
        if (c >= 0 && scenario.Referrals.Covariates[c].Levels.Length < 2) return $"by: {by}, but the covariate {by} has only one level";
        return null;
    }

    /// <summary>"the group" for unnamed data, else the attribute: what recording must be unrelated to.</summary>
    internal static string Itself(string attribute) => attribute == "group" ? "the group" : attribute;
}
