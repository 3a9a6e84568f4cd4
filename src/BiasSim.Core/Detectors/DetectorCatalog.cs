using System.Collections.Immutable;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Detectors;

/// <summary>
/// The detectors a scenario may name in <c>detectors:</c>: one <see cref="DetectorDescriptor"/> each, kept in the
/// detector's own file. Names, options, construction and every word said about a detector are read from there; adding a
/// detector is its file (class and descriptor), one line here, and its tests.
/// </summary>
public static class DetectorCatalog
{
    public const string TippingPoint = "tipping-point";

    public static readonly ImmutableArray<DetectorDescriptor> Descriptors =
    [
        RateRatioDetector.Descriptor,
        ChiSquareDetector.Descriptor,
        BoundsDetector.Descriptor,
        IpwDetector.Descriptor,
        MultipleImputationDetector.Descriptor,
        MisclassificationCorrectedDetector.Descriptor,
        MissingShareDetector.Descriptor,
        TippingPointDetector.Descriptor,
    ];

    public static readonly ImmutableArray<string> Names = [.. Descriptors.Select(d => d.Name)];

    /// <summary>Every option any detector takes.</summary>
    public static readonly ImmutableArray<string> OptionNames = [.. Descriptors.SelectMany(d => d.Options).Distinct()];

    /// <summary>The descriptor of detector <paramref name="name"/>, or null for a name no detector has.</summary>
    public static DetectorDescriptor? Find(string name) => Descriptors.FirstOrDefault(d => d.Name == name);

    /// <summary>The descriptor of a detector known to exist (names are validated when a scenario or command is read).</summary>
    public static DetectorDescriptor Describe(string name) =>
        Find(name) ?? throw new ArgumentException($"No detector is named '{name}'.", nameof(name));

    /// <summary>The options detector <paramref name="name"/> takes.</summary>
    public static IReadOnlyCollection<string> OptionsOf(string name) => Find(name)?.Options ?? [];

    /// <summary>What the scenario parser checks <c>detectors:</c> against: each detector's name, options and caveat.</summary>
    public static readonly DetectorVocabulary Vocabulary = new(Descriptors.Select(d => new DetectorTerms(d.Name, d.Options) { Caveat = d.Caveat }));

    /// <summary>Builds detector <paramref name="spec"/> from <paramref name="frame"/>, at significance level <paramref name="alpha"/>.</summary>
    public static CountDetector Create(DetectorSpec spec, AnalysisFrame frame, double alpha) => Describe(spec.Name).ForModel(spec, frame, alpha);
}
