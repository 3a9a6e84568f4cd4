using System.Collections.Immutable;

namespace BiasSim.Core.Scenarios;

/// <summary>What the parser knows of one detector: its name, the options it takes under <c>detectors:</c>, and what to
/// warn when a scenario leaves it degenerate (it would run, but silently reduce to something simpler), or null.</summary>
public sealed record DetectorTerms(string Name, ImmutableArray<string> Options)
{
    public Func<Scenario, DetectorSpec, string?>? Caveat { get; init; }
}

/// <summary>
/// The detectors a scenario may name, as data: the parser validates <c>detectors:</c> against it without knowing any
/// detector, so the scenario format sits below the detectors. The detector catalog provides it.
/// </summary>
public sealed class DetectorVocabulary
{
    public DetectorVocabulary(IEnumerable<DetectorTerms> detectors)
    {
        Detectors = [.. detectors];
        Names = [.. Detectors.Select(d => d.Name)];
        OptionNames = [.. Detectors.SelectMany(d => d.Options).Distinct()];
    }

    public ImmutableArray<DetectorTerms> Detectors { get; }

    public ImmutableArray<string> Names { get; }

    /// <summary>Every option any detector takes.</summary>
    public ImmutableArray<string> OptionNames { get; }

    public DetectorTerms? Find(string name) => Detectors.FirstOrDefault(d => d.Name == name);

    /// <summary>The options detector <paramref name="name"/> takes.</summary>
    public IReadOnlyCollection<string> OptionsOf(string name) => Find(name)?.Options ?? [];
}
