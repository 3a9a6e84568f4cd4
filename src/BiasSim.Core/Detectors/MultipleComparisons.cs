using BiasSim.Core.Scenarios;
using MathNet.Numerics.Distributions;

namespace BiasSim.Core.Detectors;

/// <summary>
/// Family-wise error control across a detector's groups: Bonferroni (flag when p &lt; alpha / K) and Holm's
/// step-down (Holm 1979, Scand J Statist 6:65-70: sort the K p-values, flag while p_(i) &lt; alpha / (K - i + 1)).
/// K counts the estimable groups with a test statistic. The direction of a flag is the estimate's; intervals
/// are left unadjusted.
/// </summary>
public static class MultipleComparisons
{
    public static void Adjust(Span<DetectorOutcome> outcomes, Adjustment method, double alpha)
    {
        if (method == Adjustment.None) return;
        Span<double> p = outcomes.Length <= Engine.StackBudget.Elements ? stackalloc double[outcomes.Length] : new double[outcomes.Length];
        Span<int> order = outcomes.Length <= Engine.StackBudget.Elements ? stackalloc int[outcomes.Length] : new int[outcomes.Length];
        int k = 0;
        for (int t = 0; t < outcomes.Length; t++)
        {
            p[t] = PValue(outcomes[t]);
            if (!double.IsNaN(p[t])) order[k++] = t;
        }
        bool[] reject = Reject(p, order[..k], method, alpha);
        for (int t = 0; t < outcomes.Length; t++)
        {
            if (double.IsNaN(p[t])) continue;
            ref DetectorOutcome o = ref outcomes[t];
            o.Flag = reject[t] ? (sbyte)Math.Sign(o.LogEstimate) : (sbyte)0;
        }
    }

    /// <summary>Which hypotheses are rejected, by index into <paramref name="p"/>; <paramref name="tested"/> lists the ones with a p-value.</summary>
    public static bool[] Reject(ReadOnlySpan<double> p, ReadOnlySpan<int> tested, Adjustment method, double alpha)
    {
        var reject = new bool[p.Length];
        int k = tested.Length;
        if (method == Adjustment.Bonferroni)
        {
            foreach (int t in tested) reject[t] = p[t] < alpha / k;
            return reject;
        }
        int[] sorted = tested.ToArray();
        double[] pv = p.ToArray();
        Array.Sort(sorted, (a, b) => pv[a].CompareTo(pv[b]) != 0 ? pv[a].CompareTo(pv[b]) : a.CompareTo(b));
        for (int i = 0; i < k; i++)
        {
            if (pv[sorted[i]] >= alpha / (k - i)) break;
            reject[sorted[i]] = true;
        }
        return reject;
    }

    /// <summary>Two-sided p-value of the outcome's statistic (normal, or t with its degrees of freedom); NaN without one.</summary>
    public static double PValue(in DetectorOutcome o)
    {
        if (!o.Estimable || double.IsNaN(o.Z)) return double.NaN;
        // Upper tails computed directly (not 1 - CDF), so tiny p-values do not round to 0.
        double z = Math.Abs(o.Z);
        return double.IsPositiveInfinity(o.Df) || o.Df == 0
            ? MathNet.Numerics.SpecialFunctions.Erfc(z / Math.Sqrt(2))
            : 2 * StudentT.CDF(0, 1, o.Df, -z);
    }
}
