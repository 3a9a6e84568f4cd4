using System.Collections.Immutable;
using MathNet.Numerics.LinearAlgebra;

namespace BiasSim.Core.Detectors;

/// <summary>
/// Corrects recorded counts for a known misclassification matrix M (rows self-defined groups, columns recorded
/// categories, here the same groups): E[x] = M^T t, so t-hat = (M^T)^-1 x, then the rate ratio of the corrected
/// counts. Delta-method variance with Poisson counts: Var(t) = B diag(x) B^T, B = (M^T)^-1; with M = I it is
/// Katz's. A corrected count at or below zero (the correction over-shooting in a small group) makes the
/// replicate not estimable, counted under its own reason. A matrix that is not square over the census groups
/// (officers never record Mixed) or is singular cannot be inverted: every replicate is not estimable.
/// </summary>
public sealed class MisclassificationCorrectedDetector : CountDetector
{
    public const string DetectorName = "misclassification-corrected";

    private readonly GroupComparison _groups;
    private readonly double[,]? _inverse; // B = (M^T)^-1, null when M cannot be inverted

    /// <param name="matrix">M[g, h] = P(recorded as census group h | self-defined g), or null when M has categories that are no census group.</param>
    public MisclassificationCorrectedDetector(GroupComparison groups, double[,]? matrix)
    {
        _groups = groups;
        if (matrix is null) return;
        Matrix<double> transposed = Matrix<double>.Build.DenseOfArray(matrix).Transpose();
        // Condition number guards against a numerically singular matrix as well as an exactly singular one.
        if (transposed.ConditionNumber() < 1e12) _inverse = transposed.Inverse().ToArray();
    }

    public bool Invertible => _inverse is not null;

    public override string Name => DetectorName;
    public override ImmutableArray<string> Targets => _groups.Targets;
    public override bool HasInterval => true;
    public override double? TrueValue(int target) => _groups.Truths[target];

    public override void Evaluate(in RecordedCounts counts, Span<DetectorOutcome> outcomes)
    {
        int targets = _groups.Groups.Length;
        if (_inverse is null)
        {
            outcomes[..targets].Fill(DetectorOutcome.NotEstimable(NotEstimableReason.SingularMatrix));
            return;
        }
        ReadOnlySpan<long> x = counts.Recorded;
        int n = x.Length;
        int r = _groups.Reference;
        double tRef = Corrected(r, x);
        for (int t = 0; t < targets; t++)
        {
            int g = _groups.Groups[t];
            double tG = Corrected(g, x);
            if (tG <= 0 || tRef <= 0)
            {
                outcomes[t] = DetectorOutcome.NotEstimable(NotEstimableReason.NegativeCorrection);
                continue;
            }
            double varG = 0, varRef = 0, cov = 0;
            for (int j = 0; j < n; j++)
            {
                varG += _inverse[g, j] * _inverse[g, j] * x[j];
                varRef += _inverse[r, j] * _inverse[r, j] * x[j];
                cov += _inverse[g, j] * _inverse[r, j] * x[j];
            }
            double variance = varG / (tG * tG) + varRef / (tRef * tRef) - 2 * cov / (tG * tRef) - 1 / _groups.Census[g] - 1 / _groups.Census[r];
            outcomes[t] = DetectorOutcome.LogInterval(_groups.LogRateRatio(t, tG, tRef), Math.Sqrt(Math.Max(variance, 0)), _groups.Z);
        }
    }

    /// <summary>t-hat = (M^T)^-1 x for real-valued x (for checks and for single analyses).</summary>
    public double[] Correct(ReadOnlySpan<double> x)
    {
        if (_inverse is null) throw new InvalidOperationException("The misclassification matrix cannot be inverted.");
        var t = new double[x.Length];
        for (int g = 0; g < t.Length; g++)
        {
            for (int j = 0; j < x.Length; j++) t[g] += _inverse[g, j] * x[j];
        }
        return t;
    }

    /// <summary>t-hat_g = row g of (M^T)^-1 times x.</summary>
    public double Corrected(int group, ReadOnlySpan<long> x)
    {
        double sum = 0;
        for (int j = 0; j < x.Length; j++) sum += _inverse![group, j] * x[j];
        return sum;
    }
}
