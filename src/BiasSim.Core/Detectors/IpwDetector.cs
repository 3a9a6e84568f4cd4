namespace BiasSim.Core.Detectors;

/// <summary>
/// Inverse-probability weighting by an observed stratifier (region or a covariate): within stratum k the
/// recorded referrals stand for all T_k referrals, so count_g = sum_k X_gk T_k / R_k, with R_k the recorded
/// referrals of the stratum. Unbiased (to first order) when missingness depends only on the stratifier (MAR).
/// </summary>
/// <remarks>
/// Delta-method variance of log RR: the Katz terms of the weighted counts, 1/c_g - 1/N_g + 1/c_ref - 1/N_ref
/// (referral variation), plus the estimation of each stratum's composition from R_k of its T_k referrals
/// (a sample without replacement, so with the finite-population factor 1 - R_k/T_k):
/// sum_k T_k^2 (1 - R_k/T_k) / R_k [p_g(1 - p_g)/c_g^2 + p_ref(1 - p_ref)/c_ref^2 + 2 p_g p_ref/(c_g c_ref)],
/// p = X_k / R_k. With one stratum this is exactly the Katz variance of the complete-case rate ratio.
/// </remarks>
public sealed class IpwDetector : GroupDetector
{
    /// <summary>See <see cref="DetectorDescriptor"/>.</summary>
    public static DetectorDescriptor Descriptor { get; } = new()
    {
        Name = DetectorName,
        Options = ["by", "adjust"],
        ForModel = (spec, frame, alpha) => new IpwDetector(frame.Groups(alpha), [.. frame.By(spec.By).Map], frame.By(spec.By).Levels),
        Caveat = (scenario, spec) => DetectorDescriptor.OneStratum(scenario, spec.By) is string why
            ? $"{why}, so there is one stratum and the weights are all equal: it gives the complete-case rate ratio (rate-ratio's answer) and " +
              "corrects nothing; expected by: naming a covariate in referrals.covariates (or regions in population.regions)"
            : null,
        ForData = d => new IpwDetector(d.Groups, [.. Enumerable.Range(0, d.Strata.Strata)], d.Strata.Strata),
        Label = _ => "Inverse-probability weighting",
        Heading = c => $"inverse-probability weighting{c.ByPhrase}, delta-method {c.Confidence}% interval{c.AdjustPhrase}",
        Description = _ => "Inverse-probability weighting: recorded referrals re-weighted within each stratum (region or covariate) to stand for all of " +
            "them; unbiased when recording depends only on that stratum.",
        Estimates = c => $"rate ratio vs {c.Reference}, recorded referrals weighted up to all referrals within each {c.Spec.By}, {c.Confidence}% interval",
        Assumes = _ => "recording depends only on the stratifier (missing at random given it), and categories are self-defined",
        Explanation = "Inverse-probability weighting by a stratifier (option by: region or a covariate): in each stratum the recorded referrals "
            + "stand for all of them. Unbiased when missingness depends only on the stratifier (MAR given by); not under MNAR.",
        SeeAlso = ["by", "mar"],
    };

    public const string DetectorName = "ipw";

    private readonly int[] _stratumLevel;
    private readonly int _levels;

    public IpwDetector(GroupComparison groups, int[] stratumLevel, int levels)
        : base(groups)
    {
        _stratumLevel = stratumLevel;
        _levels = levels;
    }

    public override string Name => DetectorName;

    public override void Evaluate(in RecordedCounts counts, Span<DetectorOutcome> outcomes)
    {
        Engine.StratifiedCounts strata = counts.Strata!;
        int groupCount = strata.Groups;
        // Collapse the engine's strata to this detector's levels.
        Span<long> xCounts = _levels * groupCount <= Engine.StackBudget.Elements
            ? stackalloc long[_levels * groupCount] : new long[_levels * groupCount];
        Span<long> recordedCounts = _levels <= Engine.StackBudget.Elements ? stackalloc long[_levels] : new long[_levels];
        Span<long> unknownCounts = _levels <= Engine.StackBudget.Elements ? stackalloc long[_levels] : new long[_levels];
        strata.Collapse(_stratumLevel, xCounts, recordedCounts, unknownCounts);
        Span<double> x = _levels * groupCount <= Engine.StackBudget.Elements
            ? stackalloc double[_levels * groupCount] : new double[_levels * groupCount];
        Span<double> recorded = _levels <= Engine.StackBudget.Elements ? stackalloc double[_levels] : new double[_levels];
        Span<double> total = _levels <= Engine.StackBudget.Elements ? stackalloc double[_levels] : new double[_levels];
        for (int i = 0; i < x.Length; i++) x[i] = xCounts[i];
        for (int k = 0; k < _levels; k++)
        {
            recorded[k] = recordedCounts[k];
            total[k] = recordedCounts[k] + unknownCounts[k];
        }
        for (int k = 0; k < _levels; k++)
        {
            if (recorded[k] == 0 && total[k] > 0)
            {
                // A stratum with referrals but no recorded group cannot be weighted: its referrals would vanish.
                outcomes[..Comparison.Groups.Length].Fill(DetectorOutcome.NotEstimable(NotEstimableReason.ZeroCount));
                return;
            }
        }

        int reference = Comparison.Reference;
        double cRef = Weighted(x, recorded, total, reference, groupCount);
        for (int t = 0; t < Comparison.Groups.Length; t++)
        {
            int g = Comparison.Groups[t];
            double cG = Weighted(x, recorded, total, g, groupCount);
            if (cG == 0 || cRef == 0)
            {
                outcomes[t] = DetectorOutcome.NotEstimable(NotEstimableReason.ZeroCount);
                continue;
            }
            double variance = 1 / cG - 1 / Comparison.Census[g] + 1 / cRef - 1 / Comparison.Census[reference];
            for (int k = 0; k < _levels; k++)
            {
                if (recorded[k] == 0) continue;
                double pG = x[k * groupCount + g] / recorded[k];
                double pR = x[k * groupCount + reference] / recorded[k];
                double factor = total[k] * total[k] / recorded[k] * (1 - recorded[k] / total[k]);
                variance += factor * (pG * (1 - pG) / (cG * cG) + pR * (1 - pR) / (cRef * cRef) + 2 * pG * pR / (cG * cRef));
            }
            outcomes[t] = DetectorOutcome.LogInterval(Comparison.LogRateRatio(t, cG, cRef), Math.Sqrt(Math.Max(variance, 0)), Comparison.Z);
        }
    }

    private static double Weighted(ReadOnlySpan<double> x, ReadOnlySpan<double> recorded, ReadOnlySpan<double> total, int group, int groupCount)
    {
        double c = 0;
        for (int k = 0; k < recorded.Length; k++)
        {
            if (recorded[k] > 0) c += x[k * groupCount + group] * total[k] / recorded[k];
        }
        return c;
    }
}
