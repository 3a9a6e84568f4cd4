using System.Collections.Immutable;
using BiasSim.Core.Engine;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Detectors;

/// <summary>The detectors a scenario may name in <c>detectors:</c>, their options, and how each is built.</summary>
public static class DetectorCatalog
{
    public const string TippingPoint = "tipping-point";

    public static readonly ImmutableArray<string> Names =
    [
        RateRatioDetector.DetectorName,
        ChiSquareDetector.DetectorName,
        BoundsDetector.DetectorName,
        IpwDetector.DetectorName,
        MultipleImputationDetector.DetectorName,
        MisclassificationCorrectedDetector.DetectorName,
        MissingShareDetector.DetectorName,
        TippingPoint,
    ];

    /// <summary>Every option any detector takes.</summary>
    public static readonly ImmutableArray<string> OptionNames = ["by", "m", "adjust", "validation_share"];

    /// <summary>The options detector <paramref name="name"/> takes.</summary>
    public static IReadOnlyCollection<string> OptionsOf(string name) => name switch
    {
        RateRatioDetector.DetectorName or TippingPoint => ["adjust"],
        MisclassificationCorrectedDetector.DetectorName => ["adjust", "validation_share", "m"],
        IpwDetector.DetectorName => ["by", "adjust"],
        MultipleImputationDetector.DetectorName => ["by", "m", "adjust"],
        MissingShareDetector.DetectorName => ["by"],
        _ => [],
    };

    /// <summary>Builds a detector for one attribute's <paramref name="population"/>, judged against
    /// <paramref name="trueRateRatios"/> (per group, from the compiled model). Only detectors that need nothing
    /// but counts and truths can be built this way; <see cref="Create(DetectorSpec, CountModel, int, double)"/> builds any.</summary>
    public static CountDetector Create(string name, Population population, IReadOnlyList<double> trueRateRatios, double alpha) => name switch
    {
        RateRatioDetector.DetectorName => new RateRatioDetector(population, trueRateRatios, alpha),
        ChiSquareDetector.DetectorName => new ChiSquareDetector(population, trueRateRatios, alpha),
        BoundsDetector.DetectorName => new BoundsDetector(new GroupComparison(population, trueRateRatios, alpha)),
        _ => throw new ArgumentException($"Detector '{name}' needs the compiled model; use Create(spec, model, attribute, alpha).", nameof(name)),
    };

    /// <summary>Builds detector <paramref name="spec"/> for attribute <paramref name="attribute"/> (0 = ethnicity) of <paramref name="model"/>.</summary>
    public static CountDetector Create(DetectorSpec spec, CountModel model, int attribute, double alpha)
    {
        Population population = model.AttributePopulation(attribute);
        ImmutableArray<double> truths = model.Cells.TrueRateRatiosFor(attribute);
        GroupComparison Groups() => new(population, truths, alpha);
        return spec.Name switch
        {
            IpwDetector.DetectorName => new IpwDetector(Groups(), model.Strata.Map(spec.By), model.Strata.Levels(spec.By)),
            MultipleImputationDetector.DetectorName => new MultipleImputationDetector(Groups(), model.Strata.Map(spec.By), model.Strata.Levels(spec.By), spec.Imputations),
            MisclassificationCorrectedDetector.DetectorName when model.ValidationShare > 0 && attribute == 0 =>
                new MisclassificationCorrectedDetector(Groups(), [.. model.Categories.Select(population.IndexOf)], spec.Imputations),
            MisclassificationCorrectedDetector.DetectorName => new MisclassificationCorrectedDetector(Groups(), model.AssignmentOverLevels(attribute)),
            MissingShareDetector.DetectorName => new MissingShareDetector(
                spec.By is null ? [Population.AllRegion] : model.Strata.LevelNames[model.Strata.VariableIndex(spec.By)],
                model.Strata.Map(spec.By),
                spec.By is null ? [model.ExpectedMissingShareOf(attribute)] : model.ExpectedMissingShareByLevel(attribute, spec.By),
                model.ExpectedMissingShareOf(attribute), alpha),
            TippingPoint => new TippingPointDetector(Groups(), model.RecordingRatios(attribute)),
            _ => Create(spec.Name, population, truths, alpha),
        };
    }
}
