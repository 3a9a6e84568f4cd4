using System.Collections.Immutable;
using MathNet.Numerics.Distributions;

namespace BiasSim.Core.Detectors;

/// <summary>
/// Does missingness itself differ across regions or sectors? Targets: every level of the stratifier, whose
/// estimate is its missing share divided by the overall one (1 = average recording; delta-method interval,
/// flagged when it excludes 1), and "all": Pearson's chi-square test of independence of recorded/unknown
/// against the levels, df = levels - 1. Only the stratifier is needed, so this works when ethnicity is missing.
/// </summary>
/// <remarks>
/// With s_k = U_k / T_k and s = U / T: Var(log s_k) = (1 - s_k)/U_k, Var(log s) = (1 - s)/U and, since level k is
/// part of the whole, Cov(log s_k, log s) = (1 - s_k)/U; so Var(log s_k/s) = (1 - s_k)/U_k + (1 - s)/U - 2(1 - s_k)/U.
/// </remarks>
public sealed class MissingShareDetector : CountDetector
{
    /// <summary>See <see cref="DetectorDescriptor"/>.</summary>
    public static DetectorDescriptor Descriptor { get; } = new()
    {
        Name = DetectorName,
        Options = ["by"],
        ForModel = (spec, frame, alpha) => new MissingShareDetector(frame.By(spec.By).LevelNames, [.. frame.By(spec.By).Map],
            frame.By(spec.By).ExpectedMissingShares, frame.ExpectedMissingShare, alpha),
        ForData = d => new MissingShareDetector(d.StratumLevels, [.. Enumerable.Range(0, d.Strata.Strata)], [.. d.StratumLevels.Select(_ => double.NaN)],
            double.NaN, d.Alpha),
        Caveat = (scenario, spec) => DetectorDescriptor.OneStratum(scenario, spec.By) is string why
            ? $"{why}, so it compares one missing share with itself and can only test the overall share; " +
              "expected by: naming a covariate in referrals.covariates (or regions) to compare missing shares across its levels"
            : null,
        Label = _ => "Missing share by stratum",
        Heading = c => $"does missingness differ{c.ByPhrase}? each level's missing share over the overall share, and a chi-square test",
        Description = _ => "Missing share: whether the share of unrecorded ethnicity differs between strata (regions or sectors).",
        Estimates = c => $"does the missing share differ by {c.Spec.By}? Each level's share over the overall one, and a test across levels",
        Assumes = c => $"nothing about {c.Attribute}: it asks only whether recording differs across the stratifier",
        Explanation = "Asks whether recording itself differs by stratum (option by): each level's missing share over the overall one, "
            + "and a chi-square test of independence (row 'all'). Needs no ethnicity, so it always works on real data.",
        SeeAlso = ["by"],
    };

    public const string DetectorName = "missing-share";

    private readonly int[] _stratumLevel;
    private readonly double[] _truths;     // per level: expected missing share / expected overall; then "all"
    private readonly bool _anyDifference;
    private readonly double _z;
    private readonly double _critical;

    public MissingShareDetector(ImmutableArray<string> levels, int[] stratumLevel, IReadOnlyList<double> expectedShareByLevel, double expectedShare,
        double alpha)
    {
        Targets = [.. levels, ChiSquareDetector.AllTarget];
        _stratumLevel = stratumLevel;
        _truths = [.. expectedShareByLevel.Select(s => Scenarios.NullEffect.Snap(s / expectedShare))];
        _anyDifference = _truths.Any(t => t != 1.0);
        _z = Normal.InvCDF(0, 1, 1 - alpha / 2);
        _critical = levels.Length > 1 ? ChiSquared.InvCDF(levels.Length - 1, 1 - alpha) : double.PositiveInfinity;
    }

    public override string Name => DetectorName;
    public override ImmutableArray<string> Targets { get; }
    public override bool HasInterval => true;

    /// <summary>Whether missingness truly differs across levels (else a flag on "all" is a false alarm).</summary>
    public bool AnyDifference => _anyDifference;

    public override double? TrueValue(int target) => target < _truths.Length ? _truths[target] : null;
    public override bool? TrueEffect(int target) => target < _truths.Length ? base.TrueEffect(target) : _anyDifference;

    /// <summary>Degrees of freedom of the "all" row's chi-square test: levels - 1.</summary>
    public int DegreesOfFreedom => _truths.Length - 1;

    /// <summary>The "all" row's p-value, the chi-square upper tail Q(df/2, X^2/2) computed directly: 1 - CDF would
    /// round to 0 below about 1e-16, and a clear difference in recording across forces gives far smaller p.
    /// NaN with a single level (nothing to compare).</summary>
    public double PValue(double statistic) => DegreesOfFreedom > 0
        ? MathNet.Numerics.SpecialFunctions.GammaUpperRegularized(DegreesOfFreedom / 2.0, statistic / 2.0)
        : double.NaN;

    public override void Evaluate(in RecordedCounts counts, Span<DetectorOutcome> outcomes)
    {
        Engine.StratifiedCounts strata = counts.Strata!;
        int levels = _truths.Length;
        Span<long> recordedByGroup = levels * strata.Groups <= Engine.StackBudget.Elements
            ? stackalloc long[levels * strata.Groups] : new long[levels * strata.Groups];
        Span<long> recorded = levels <= Engine.StackBudget.Elements ? stackalloc long[levels] : new long[levels];
        Span<long> unknownCounts = levels <= Engine.StackBudget.Elements ? stackalloc long[levels] : new long[levels];
        strata.Collapse(_stratumLevel, recordedByGroup, recorded, unknownCounts);
        Span<double> unknown = levels <= Engine.StackBudget.Elements ? stackalloc double[levels] : new double[levels];
        Span<double> total = levels <= Engine.StackBudget.Elements ? stackalloc double[levels] : new double[levels];
        for (int k = 0; k < levels; k++)
        {
            unknown[k] = unknownCounts[k];
            total[k] = recorded[k] + unknownCounts[k];
        }
        double u = 0, n = 0;
        for (int k = 0; k < levels; k++) { u += unknown[k]; n += total[k]; }
        if (u == 0 || u == n)
        {
            outcomes[..(levels + 1)].Fill(DetectorOutcome.NotEstimable(NotEstimableReason.NoData));
            return;
        }
        double share = u / n;
        double statistic = 0;
        for (int k = 0; k < levels; k++)
        {
            if (total[k] > 0)
            {
                double eU = total[k] * share, eR = total[k] * (1 - share);
                double dU = unknown[k] - eU;
                statistic += dU * dU / eU + dU * dU / eR;
            }
            if (unknown[k] == 0)
            {
                outcomes[k] = DetectorOutcome.NotEstimable(NotEstimableReason.ZeroCount);
                continue;
            }
            double sk = unknown[k] / total[k];
            double variance = (1 - sk) / unknown[k] + (1 - share) / u - 2 * (1 - sk) / u;
            outcomes[k] = DetectorOutcome.LogInterval(Math.Log(sk / share), Math.Sqrt(Math.Max(variance, 1e-300)), _z);
        }
        outcomes[levels] = new DetectorOutcome
        {
            Estimable = true,
            Estimate = statistic,
            LogEstimate = double.NaN,
            Lower = double.NaN,
            Upper = double.NaN,
            Z = double.NaN,
            Flag = statistic > _critical ? (sbyte)1 : (sbyte)0,
        };
    }
}
