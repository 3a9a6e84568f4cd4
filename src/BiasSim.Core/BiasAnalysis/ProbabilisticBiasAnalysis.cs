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
    /// <summary>Draws left out because the drawn misclassification matrix gave this group or the reference a corrected
    /// count at or below 0 (or could not be inverted); <see cref="Draws"/> counts the rest.</summary>
    public int DroppedDraws { get; init; }
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
        double[][]? corrected = priors.Misclassification is { } concentrations
            ? CorrectedCounts(concentrations, recorded, draws, SeedSequence.Derive(seed, (ulong)groups.Count, 0, SeedSequence.Stage.Detection))
            : null;
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
            var kept = new List<double>(draws);
            int above = 0;
            for (int i = 0; i < draws; i++)
            {
                double ratio = prior.Sample(random);
                double z = Normal.Sample(random, 0, 1);
                double logCenter = logRr, seDraw = se;
                if (corrected is not null)
                {
                    // The matrix draw's corrected counts replace the recorded ones (Fox et al. ch. 6 and 8): a count at or below
                    // zero has no rate, so the draw is left out and counted, as probsens does.
                    double cg = corrected[i][g], cRef = corrected[i][refIndex];
                    if (!(cg > 0 && cRef > 0)) continue;
                    logCenter = Math.Log(cg) - Math.Log(census[g]) - Math.Log(cRef) + Math.Log(census[refIndex]);
                    seDraw = Math.Sqrt(Math.Max(0, 1.0 / cg - 1.0 / census[g] + 1.0 / cRef - 1.0 / census[refIndex]));
                }
                double value = Math.Exp(logCenter + seDraw * z - Math.Log(ratio));
                kept.Add(value);
                if (value > 1) above++;
            }
            double[] adjusted = [.. kept];
            Array.Sort(adjusted);
            if (adjusted.Length == 0)
            {
                rows.Add(new BiasAdjustedRow(groups[g], Math.Exp(logRr), null, null, null, null, 0, prior) { PriorGiven = given, DroppedDraws = draws });
                continue;
            }
            rows.Add(new BiasAdjustedRow(groups[g], Math.Exp(logRr),
                SortedArrayStatistics.Quantile(adjusted, 0.5),
                SortedArrayStatistics.Quantile(adjusted, alpha / 2),
                SortedArrayStatistics.Quantile(adjusted, 1 - alpha / 2),
                (double)above / adjusted.Length, adjusted.Length, prior)
            {
                Sorted = [.. adjusted], PriorGiven = given, DroppedDraws = draws - adjusted.Length,
            });
        }
        return rows.ToImmutable();
    }

    /// <summary>
    /// Per draw, the counts by self-defined group: each row of the matrix M[g, h] = P(recorded h | self-defined g) drawn
    /// from its Dirichlet, then T = (M^T)^-1 X, since the recorded counts are X = M^T T in expectation. A singular draw
    /// gives NaN counts (left out by the caller).
    /// </summary>
    public static double[][] CorrectedCounts(ImmutableArray<ImmutableArray<double>> concentrations, IReadOnlyList<long> recorded, int draws, ulong seed)
    {
        int k = concentrations.Length;
        var random = new SeededRandom(seed);
        var x = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense([.. recorded.Select(v => (double)v)]);
        var result = new double[draws][];
        var m = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(k, k);
        for (int i = 0; i < draws; i++)
        {
            for (int g = 0; g < k; g++)
            {
                double[] row = DirichletRow(concentrations[g], random);
                for (int h = 0; h < k; h++) m[g, h] = row[h];
            }
            var lu = m.Transpose().LU();
            result[i] = Math.Abs(lu.Determinant) < 1e-12 ? [.. Enumerable.Repeat(double.NaN, k)] : lu.Solve(x).ToArray();
        }
        return result;
    }

    /// <summary>A Dirichlet draw as normalised Gamma(alpha_h, 1) draws; a concentration of 0 is a category never used
    /// (MathNet's Dirichlet needs every alpha above 0).</summary>
    private static double[] DirichletRow(ImmutableArray<double> alpha, Random random)
    {
        var row = new double[alpha.Length];
        double sum = 0;
        for (int h = 0; h < alpha.Length; h++)
        {
            row[h] = alpha[h] > 0 ? Gamma.Sample(random, alpha[h], 1) : 0;
            sum += row[h];
        }
        for (int h = 0; h < alpha.Length; h++) row[h] /= sum;
        return row;
    }
}
