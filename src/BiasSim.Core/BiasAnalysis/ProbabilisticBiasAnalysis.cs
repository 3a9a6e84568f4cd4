using System.Collections.Immutable;
using BiasSim.Core.Randomness;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace BiasSim.Core.BiasAnalysis;

/// <summary>One group's bias-adjusted rate ratio: the complete-case (observed) rate ratio, and the median and
/// (alpha/2, 1 - alpha/2) quantiles of the draws, with the share of draws above 1. Null where the observed counts
/// cannot give a rate ratio (a zero count).</summary>
public sealed record BiasAdjustedRow(
    string Group, double? ObservedRateRatio, double? Median, double? Lower, double? Upper, double? ShareAbove1, int Draws, Prior Prior)
{
    /// <summary>The adjusted draws, sorted, for plots (empty when not estimable).</summary>
    public ImmutableArray<double> Sorted { get; init; } = [];
    /// <summary>Whether the prior came from the file (false: none given, taken as exactly 1).</summary>
    public bool PriorGiven { get; init; } = true;
}

/// <summary>
/// Probabilistic bias analysis of observed counts for differential recording (Fox, MacLehose and Lash 2021, ch. 8;
/// episensr's <c>probsens</c>). If group g's referrals have a recorded group with probability p_g, the recorded count
/// estimates p_g x N_g x rate, so the complete-case rate ratio estimates RR x r_g with r_g = p_g / p_ref, the recording
/// ratio. Each draw takes r_g from its prior (systematic error) and a log rate ratio from its Katz sampling
/// distribution, Normal(log RR_obs, SE) with SE^2 = 1/x_g - 1/N_g + 1/x_ref - 1/N_ref as the rate-ratio detector uses
/// (random error), and divides: RR_adj = exp(log RR*) / r_g. The draws' quantiles are the simulation interval.
/// </summary>
public static class ProbabilisticBiasAnalysis
{
    public const int DefaultDraws = 10_000;

    /// <param name="groups">Census groups in order; <paramref name="recorded"/> and <paramref name="census"/> align with them.</param>
    /// <param name="seed">Each group draws from its own stream derived from the seed and its position, so adding a prior
    /// for one group leaves the others' draws unchanged.</param>
    public static ImmutableArray<BiasAdjustedRow> Run(IReadOnlyList<string> groups, IReadOnlyList<long> recorded, IReadOnlyList<long> census,
        string reference, BiasPriors priors, int draws, ulong seed, double alpha)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(draws, 1);
        int refIndex = groups.ToList().IndexOf(reference);
        if (refIndex < 0) throw new ArgumentException($"reference '{reference}' is not among the groups", nameof(reference));
        var rows = ImmutableArray.CreateBuilder<BiasAdjustedRow>();
        for (int g = 0; g < groups.Count; g++)
        {
            if (g == refIndex) continue;
            bool given = priors.RecordingRatios.TryGetValue(groups[g], out Prior? prior);
            prior ??= new PointPrior(1);
            long x = recorded[g], xRef = recorded[refIndex];
            if (x == 0 || xRef == 0)
            {
                rows.Add(new BiasAdjustedRow(groups[g], null, null, null, null, null, draws, prior) { PriorGiven = given });
                continue;
            }
            double logRr = Math.Log(x) - Math.Log(census[g]) - Math.Log(xRef) + Math.Log(census[refIndex]);
            double se = Math.Sqrt(1.0 / x - 1.0 / census[g] + 1.0 / xRef - 1.0 / census[refIndex]);
            var random = new SeededRandom(SeedSequence.Derive(seed, (ulong)g, 0, SeedSequence.Stage.Detection));
            var adjusted = new double[draws];
            int above = 0;
            for (int i = 0; i < draws; i++)
            {
                double ratio = prior.Sample(random);
                double logStar = logRr + se * Normal.Sample(random, 0, 1);
                adjusted[i] = Math.Exp(logStar - Math.Log(ratio));
                if (adjusted[i] > 1) above++;
            }
            Array.Sort(adjusted);
            rows.Add(new BiasAdjustedRow(groups[g], Math.Exp(logRr),
                SortedArrayStatistics.Quantile(adjusted, 0.5),
                SortedArrayStatistics.Quantile(adjusted, alpha / 2),
                SortedArrayStatistics.Quantile(adjusted, 1 - alpha / 2),
                (double)above / draws, draws, prior) { Sorted = [.. adjusted], PriorGiven = given });
        }
        return rows.ToImmutable();
    }
}
