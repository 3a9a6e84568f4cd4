using System.Collections.Immutable;

namespace BiasSim.Core.Scenarios;

/// <summary>
/// A validated scenario: the population (the model), the true disproportionality (the inquiry),
/// the recording process (the data strategy) and the detectors to audit (the answer strategies).
/// Only the scenario loader (parse, validate, calibrate) builds one from user text, so every instance has passed validation.
/// </summary>
public sealed record Scenario(
    string Name,
    string Description,
    ulong Seed,
    Population Population,
    ReferralProcess Referrals,
    RecordingProcess Recording,
    ImmutableArray<string> Detectors,
    SimulationSettings Simulation)
{
    /// <summary>Each detector's options, by name (every name in <see cref="Detectors"/> has one).</summary>
    public ImmutableDictionary<string, DetectorSpec> DetectorOptions { get; init; } = ImmutableDictionary<string, DetectorSpec>.Empty;

    /// <summary>Keys the file left out and <see cref="ScenarioDefaults"/> filled in (seed, detectors, simulation.replicates).</summary>
    public ImmutableArray<string> Defaulted { get; init; } = [];

    public DetectorSpec DetectorSpec(string name) => DetectorOptions.TryGetValue(name, out var spec) ? spec : new DetectorSpec(name);

    /// <summary>What the file says that still works but should change (a deprecated spelling), each rendered as
    /// <c>FILE:LINE:COL: path: message</c>; the commands print them once, to stderr.</summary>
    public ImmutableArray<string> Warnings { get; init; } = [];
}

/// <summary>One self-defined group and its census count (the rate denominator), summed over regions.</summary>
public sealed record PopulationGroup(string Name, long Census);

/// <summary>A region (police force area, say) and its census count per group, aligned with <see cref="Population.Groups"/>.</summary>
public sealed record Region(string Name, ImmutableArray<long> Census);

/// <summary>
/// Groups in file order; <see cref="Reference"/> is the comparison group for rate ratios. A population
/// without regions has one region, <see cref="Population.AllRegion"/>, holding every group.
/// </summary>
public sealed record Population(string Reference, ImmutableArray<PopulationGroup> Groups, ImmutableArray<Region> Regions)
{
    public const string AllRegion = "all";

    /// <summary>The name of the primary protected attribute, the one <see cref="Groups"/> describes.</summary>
    public const string Ethnicity = "ethnicity";

    /// <summary>Further protected attributes (religion), each with its census distribution within every group.</summary>
    public ImmutableArray<ProtectedAttribute> Attributes { get; init; } = [];

    public Population(string reference, ImmutableArray<PopulationGroup> groups)
        : this(reference, groups, [new Region(AllRegion, [.. groups.Select(g => g.Census)])])
    {
    }

    public int ReferenceIndex => IndexOf(Reference);

    public bool HasRegions => Regions.Length > 1 || Regions[0].Name != AllRegion;

    public int IndexOf(string group)
    {
        for (int i = 0; i < Groups.Length; i++)
        {
            if (Groups[i].Name == group) return i;
        }
        return -1;
    }

    public int RegionIndex(string region)
    {
        for (int i = 0; i < Regions.Length; i++)
        {
            if (Regions[i].Name == region) return i;
        }
        return -1;
    }

    public long Total => Groups.Sum(g => g.Census);
}

/// <summary>
/// A second protected characteristic (religion), known jointly with ethnicity from the census:
/// <see cref="SharesByGroup"/>[g][l] is the share of ethnic group g with level l. Its census counts are
/// derived as sum over regions and groups of N_jg x share (rounded to whole people).
/// </summary>
public sealed record ProtectedAttribute(string Name, string Reference, ImmutableArray<string> Levels, ImmutableArray<ImmutableArray<double>> SharesByGroup)
{
    /// <summary>This attribute's own population: its levels as groups with derived census counts, per region.</summary>
    public Population AsPopulation(Population ethnicity)
    {
        ImmutableArray<Region> regions = [.. ethnicity.Regions.Select(r => new Region(r.Name,
            [.. Levels.Select((_, l) => (long)Math.Round(r.Census.Select((n, g) => n * SharesByGroup[g][l]).Sum()))]))];
        ImmutableArray<PopulationGroup> groups = [.. Levels.Select((name, l) => new PopulationGroup(name, regions.Sum(r => r.Census[l])))];
        return new Population(Reference, groups, regions);
    }
}

/// <summary>
/// A characteristic of referrals (sector, year, age band, sex) that can shape recording but not the
/// census denominators. Shares may differ by group or by region.
/// </summary>
public sealed record Covariate(
    string Name,
    ImmutableArray<string> Levels,
    ImmutableArray<double> Shares,
    ImmutableDictionary<string, ImmutableArray<double>> SharesByGroup,
    ImmutableDictionary<string, ImmutableArray<double>> SharesByRegion)
{
    /// <summary>Level shares for referrals of <paramref name="group"/> in <paramref name="region"/>: by group, else by region, else overall.</summary>
    public ImmutableArray<double> SharesFor(string region, string group) =>
        SharesByGroup.TryGetValue(group, out var g) ? g :
        SharesByRegion.TryGetValue(region, out var r) ? r : Shares;

    public int LevelIndex(string level) => Levels.IndexOf(level);
}

/// <summary>
/// How referrals arise. Exactly one of <see cref="BaseRate"/> (independent binomial counts per group and
/// region) or <see cref="Total"/> (a fixed number of referrals spread multinomially) is set.
/// </summary>
public sealed record ReferralProcess(double? BaseRate, long? Total, ImmutableDictionary<string, double> RateRatios)
{
    /// <summary>Rate ratios for particular regions, replacing <see cref="RateRatios"/> there for the groups listed.</summary>
    public ImmutableDictionary<string, ImmutableDictionary<string, double>> RateRatiosByRegion { get; init; } =
        ImmutableDictionary<string, ImmutableDictionary<string, double>>.Empty;

    public ImmutableArray<Covariate> Covariates { get; init; } = [];

    /// <summary>Rate ratios by level of each further protected attribute; a cell's rate multiplies them with the group's.</summary>
    public ImmutableDictionary<string, ImmutableDictionary<string, double>> AttributeRateRatios { get; init; } =
        ImmutableDictionary<string, ImmutableDictionary<string, double>>.Empty;

    public double AttributeRateRatio(string attribute, string level) =>
        AttributeRateRatios.TryGetValue(attribute, out var byLevel) && byLevel.TryGetValue(level, out double rr) ? rr : 1.0;

    /// <summary>The declared rate ratio of <paramref name="group"/> against the reference; unlisted groups are 1.</summary>
    public double RateRatio(string group) => RateRatios.TryGetValue(group, out double rr) ? rr : 1.0;

    /// <summary>The declared rate ratio within a region: the region's own value if listed, else the overall one.</summary>
    public double RateRatio(string region, string group) =>
        RateRatiosByRegion.TryGetValue(region, out var byGroup) && byGroup.TryGetValue(group, out double rr) ? rr : RateRatio(group);

    public int CovariateIndex(string name)
    {
        for (int i = 0; i < Covariates.Length; i++)
        {
            if (Covariates[i].Name == name) return i;
        }
        return -1;
    }
}

/// <summary>How referrals are damaged on their way into the recorded data.</summary>
public sealed record RecordingProcess(MissingnessMechanism Missing)
{
    /// <summary>Who assigns the recorded category; null means every recorded category is self-defined.</summary>
    public Misclassification? Misclassification { get; init; }

    /// <summary>How each further protected attribute is recorded (independently of ethnicity, given the cell).</summary>
    public ImmutableDictionary<string, AttributeRecording> Attributes { get; init; } = ImmutableDictionary<string, AttributeRecording>.Empty;

    /// <summary>The share of recorded referrals that also carry the self-defined ethnicity (a validation subsample, from
    /// which misclassification-corrected estimates the matrix); null when there is none
    /// (<c>recording.misclassification.validation_share</c>).</summary>
    public double? ValidationShare { get; init; }
}

/// <summary>The recording process of a further protected attribute; its mechanisms read "group" as the attribute's level.</summary>
public sealed record AttributeRecording(MissingnessMechanism Missing, Misclassification? Misclassification);

public sealed record SimulationSettings(int Replicates, double Alpha);
