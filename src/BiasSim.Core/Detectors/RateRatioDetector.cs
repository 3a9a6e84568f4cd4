using System.Collections.Immutable;
using BiasSim.Core.Scenarios;
using MathNet.Numerics.Distributions;

namespace BiasSim.Core.Detectors;

/// <summary>
/// Rate ratio of each group against the reference with census denominators, RR = (X_g/N_g)/(X_ref/N_ref),
/// and the Katz log interval: SE(log RR) = sqrt(1/X_g - 1/N_g + 1/X_ref - 1/N_ref)
/// (Katz, Baptista, Azen and Pike 1978, Biometrics 34:469-474). This is what Ethnicity facts and figures
/// and the Relative Rate Index do with recorded counts: a complete-case analysis.
/// </summary>
public sealed class RateRatioDetector : CountDetector
{
    /// <summary>The complete-case audit people actually run: see <see cref="DetectorDescriptor"/>.</summary>
    public static DetectorDescriptor Descriptor { get; } = new()
    {
        Name = DetectorName,
        Options = ["adjust"],
        ForModel = (spec, frame, alpha) => new RateRatioDetector(frame.Population, frame.TrueRateRatios, alpha),
        ForData = d => new RateRatioDetector(d.Groups.Population, d.Groups.Population.Groups.Select(_ => double.NaN).ToArray(), d.Alpha),
        DetectDefault = true,
        Label = reference => reference.Length > 0 ? $"Rate ratio vs {reference}" : "Rate ratio vs the reference group",
        Heading = c => $"rate ratio vs {c.Reference} on recorded referrals, census denominators, Katz {c.Confidence}% interval{c.AdjustPhrase}",
        Description = c => $"Rate ratio: each group's referral rate vs {c.Reference} on recorded referrals with census denominators, " +
                           $"with a Katz {c.Confidence}% interval; it flags a difference when the interval excludes 1.",
        Estimates = c => $"rate ratio vs {c.Reference} on recorded referrals with census denominators (complete-case), Katz {c.Confidence}% interval",
        Assumes = c => $"the recorded referrals are representative of all referrals (recording unrelated to {DetectorDescriptor.Itself(c.Attribute)}) and " +
            "the recorded categories are self-defined, as the census's are",
        Explanation = "The complete-case rate ratio: (X_g/N_g)/(X_ref/N_ref) on recorded referrals with census denominators, as "
            + "Ethnicity facts and figures and the Relative Rate Index do, with Katz's log interval. Valid when missingness is MCAR and categories are "
            + "self-defined; biased under MNAR, MAR by force and officer-assigned categories.",
        SeeAlso = ["adjust", "docs/detectors.md"],
    };

    public const string DetectorName = "rate-ratio";

    private readonly int _reference;
    private readonly int[] _groups;
    private readonly double[] _logCensus;
    private readonly double[] _inverseCensus;
    private readonly double[] _trueRateRatios;
    private readonly double _z;

    public RateRatioDetector(Population population, IReadOnlyList<double> trueRateRatios, double alpha, string name = DetectorName)
    {
        Name = name;
        _reference = population.ReferenceIndex;
        _groups = Enumerable.Range(0, population.Groups.Length).Where(i => i != _reference).ToArray();
        _logCensus = population.Groups.Select(g => Math.Log(g.Census)).ToArray();
        _inverseCensus = population.Groups.Select(g => 1.0 / g.Census).ToArray();
        _trueRateRatios = _groups.Select(i => trueRateRatios[i]).ToArray();
        Targets = [.. _groups.Select(i => population.Groups[i].Name)];
        _z = Normal.InvCDF(0, 1, 1 - alpha / 2);
    }

    public override string Name { get; }
    public override ImmutableArray<string> Targets { get; }
    public override bool HasInterval => true;
    public override double? TrueValue(int target) => _trueRateRatios[target];

    public override void Evaluate(in RecordedCounts counts, Span<DetectorOutcome> outcomes)
    {
        ReadOnlySpan<long> x = counts.Recorded;
        long xRef = x[_reference];
        if (xRef == 0)
        {
            outcomes[.._groups.Length].Fill(DetectorOutcome.NotEstimable(NotEstimableReason.ZeroCount));
            return;
        }
        double logRateRef = Math.Log(xRef) - _logCensus[_reference];
        double varianceRef = 1.0 / xRef - _inverseCensus[_reference];
        for (int t = 0; t < _groups.Length; t++)
        {
            int g = _groups[t];
            long xg = x[g];
            ref DetectorOutcome o = ref outcomes[t];
            if (xg == 0)
            {
                o = DetectorOutcome.NotEstimable(NotEstimableReason.ZeroCount);
                continue;
            }
            double logRr = Math.Log(xg) - _logCensus[g] - logRateRef;
            o = DetectorOutcome.LogInterval(logRr, Math.Sqrt(1.0 / xg - _inverseCensus[g] + varianceRef), _z);
        }
    }
}
