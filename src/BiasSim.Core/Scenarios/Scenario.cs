using System.Collections.Immutable;

namespace BiasSim.Core.Scenarios;

/// <summary>
/// A validated scenario: the population (the model), the true disproportionality (the inquiry),
/// the recording process (the data strategy) and the detectors to audit (the answer strategies).
/// Only <see cref="ScenarioLoader"/> builds one from user text, so every instance has passed validation.
/// </summary>
public sealed record Scenario(
    string Name,
    string Description,
    ulong Seed,
    Population Population,
    ReferralProcess Referrals,
    RecordingProcess Recording,
    ImmutableArray<string> Detectors,
    SimulationSettings Simulation);

/// <summary>One self-defined group and its census count (the rate denominator).</summary>
public sealed record PopulationGroup(string Name, long Census);

/// <summary>Groups in file order; <see cref="Reference"/> is the comparison group for rate ratios.</summary>
public sealed record Population(string Reference, ImmutableArray<PopulationGroup> Groups)
{
    public int ReferenceIndex => IndexOf(Reference);

    public int IndexOf(string group)
    {
        for (int i = 0; i < Groups.Length; i++)
        {
            if (Groups[i].Name == group) return i;
        }
        return -1;
    }

    public long Total => Groups.Sum(g => g.Census);
}

/// <summary>
/// How referrals arise. Exactly one of <see cref="BaseRate"/> (independent binomial counts per group)
/// or <see cref="Total"/> (a fixed number of referrals spread multinomially) is set.
/// </summary>
public sealed record ReferralProcess(double? BaseRate, long? Total, ImmutableDictionary<string, double> RateRatios)
{
    /// <summary>The true rate ratio of <paramref name="group"/> against the reference; unlisted groups are 1.</summary>
    public double RateRatio(string group) => RateRatios.TryGetValue(group, out double rr) ? rr : 1.0;
}

/// <summary>How referrals are damaged on their way into the recorded data.</summary>
public sealed record RecordingProcess(MissingnessMechanism Missing);

/// <summary>Why a referral's ethnicity goes unrecorded.</summary>
public abstract record MissingnessMechanism
{
    /// <summary>The probability that a referral of the group with index <paramref name="group"/> has its group recorded.</summary>
    public abstract double RecordedProbability(int group);
}

/// <summary>Every referral's group is recorded.</summary>
public sealed record NoMissingness : MissingnessMechanism
{
    public override double RecordedProbability(int group) => 1.0;
}

/// <summary>Missing completely at random: each referral's group is lost with the same probability.</summary>
public sealed record McarMissingness(double Share) : MissingnessMechanism
{
    public override double RecordedProbability(int group) => 1.0 - Share;
}

public sealed record SimulationSettings(int Replicates, double Alpha);
