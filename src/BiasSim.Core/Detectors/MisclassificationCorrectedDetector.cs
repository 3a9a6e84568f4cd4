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
public sealed class MisclassificationCorrectedDetector : GroupDetector
{
    /// <summary>See <see cref="DetectorDescriptor"/>.</summary>
    public static DetectorDescriptor Descriptor { get; } = new()
    {
        Name = DetectorName,
        Options = ["adjust", "validation_share", "m"],
        ForModel = (spec, frame, alpha) => frame.ValidationCategories is { } categories
            ? new MisclassificationCorrectedDetector(frame.Groups(alpha), [.. categories], spec.Imputations)
            : new MisclassificationCorrectedDetector(frame.Groups(alpha), frame.Assignment),
        ForData = d => new MisclassificationCorrectedDetector(d.Groups, d.Matrix),
        Caveat = (scenario, _) => scenario.Recording.Misclassification is null
            ? "the scenario has no recording.misclassification, so every recorded category is self-defined and the correction matrix is the " +
              "identity: it gives rate-ratio's answer; expected recording.misclassification (a matrix, or a named one) for it to correct anything"
            : null,
        Label = _ => "Corrected for misclassification",
        Heading = c => $"counts corrected by the known misclassification matrix, delta-method {c.Confidence}% interval{c.AdjustPhrase}",
        Description = _ => "Misclassification-corrected: recorded counts corrected with the known officer-assignment matrix before the rate ratio.",
        Estimates = c => $"rate ratio vs {c.Reference} of counts corrected for the misclassification matrix, {c.Confidence}% interval",
        Assumes = _ => "the given misclassification matrix is right and invertible; any bias from missing records remains",
        Explanation = "Undoes officer-assigned categories with the assignment matrix: corrected counts (M^T)^-1 x. With "
            + "validation_share the matrix is estimated from a subsample that also carries the self-defined group. Cannot recover a group officers "
            + "never record (Mixed).",
        SeeAlso = ["matrix", "validation_share"],
    };

    public const string DetectorName = "misclassification-corrected";

    private const ulong Salt = 0x56414C49_44415445UL; // "VALIDATE": this detector's own stream within the replicate
    private const double PriorCount = 0.5;

    private readonly double[,]? _inverse; // B = (M^T)^-1, null when M cannot be inverted
    private readonly int[]? _categoryGroup; // validation mode: recorded category -> census group (-1: none)
    private readonly int _draws;

    /// <summary>
    /// Validation mode: the matrix is not known but estimated from a validation subsample (records carrying both the
    /// self-defined group and the recorded category). Validated records count under their self-defined group as they
    /// are; only the other recorded referrals x_rest are corrected, t = V_g + ((M^T)^-1 x_rest)_g, so the matrix and the
    /// counts it corrects come from different records. The matrix's uncertainty is propagated by drawing each row of M
    /// from its Dirichlet posterior (Jeffreys prior, V + 1/2) <paramref name="draws"/> times, correcting with each draw,
    /// and pooling the log rate ratios by Rubin's rules (within: the delta-method variance given M; between: the spread
    /// across M). With every record validated it reduces to the Katz interval on self-defined counts.
    /// A draw that gives the group or the reference a corrected count at or below zero cannot enter the pooling; such
    /// draws are counted in <see cref="DetectorOutcome.DroppedDraws"/>, never silently lost, and when they are half or
    /// more of the draws the group is not estimable (negative correction).
    /// </summary>
    public MisclassificationCorrectedDetector(GroupComparison groups, int[] categoryGroup, int draws)
        : base(groups)
    {
        _categoryGroup = categoryGroup;
        _draws = Math.Max(2, draws);
    }

    /// <summary>Whether the matrix is estimated from a validation subsample (so the detector draws random numbers).</summary>
    public bool EstimatesMatrix => _categoryGroup is not null;

    /// <summary>Matrix draws per replicate (m) when the matrix is estimated: what <see cref="DetectorOutcome.DroppedDraws"/> counts out of.</summary>
    public int Draws => _draws;

    /// <param name="matrix">M[g, h] = P(recorded as census group h | self-defined g), or null when M has categories that are no census group.</param>
    public MisclassificationCorrectedDetector(GroupComparison groups, double[,]? matrix)
        : base(groups)
    {
        if (matrix is null) return;
        Matrix<double> transposed = Matrix<double>.Build.DenseOfArray(matrix).Transpose();
        // Condition number guards against a numerically singular matrix as well as an exactly singular one.
        if (transposed.ConditionNumber() < 1e12) _inverse = transposed.Inverse().ToArray();
    }

    public bool Invertible => _inverse is not null;

    public override string Name => DetectorName;

    public override void Evaluate(in RecordedCounts counts, Span<DetectorOutcome> outcomes)
    {
        int targets = Comparison.Groups.Length;
        if (_categoryGroup is not null)
        {
            EvaluateWithValidation(counts, outcomes);
            return;
        }
        if (_inverse is null)
        {
            outcomes[..targets].Fill(DetectorOutcome.NotEstimable(NotEstimableReason.SingularMatrix));
            return;
        }
        ReadOnlySpan<long> x = counts.Recorded;
        int n = x.Length;
        int r = Comparison.Reference;
        double tRef = Corrected(r, x);
        for (int t = 0; t < targets; t++)
        {
            int g = Comparison.Groups[t];
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
            double variance = varG / (tG * tG) + varRef / (tRef * tRef) - 2 * cov / (tG * tRef) - 1 / Comparison.Census[g] - 1 / Comparison.Census[r];
            outcomes[t] = DetectorOutcome.LogInterval(Comparison.LogRateRatio(t, tG, tRef), Math.Sqrt(Math.Max(variance, 0)), Comparison.Z);
        }
    }

    private void EvaluateWithValidation(in RecordedCounts counts, Span<DetectorOutcome> outcomes)
    {
        int targets = Comparison.Groups.Length;
        int k = counts.Recorded.Length;
        int categories = _categoryGroup!.Length;
        if (counts.Unmatched > 0 || _categoryGroup.Any(g => g < 0) || Enumerable.Range(0, k).Any(g => !_categoryGroup.Contains(g)))
        {
            // Some records carry a category with no census group, or some group is never a recorded category (officers
            // never record Mixed): the matrix over the groups cannot be square, whatever the validation data say.
            outcomes[..targets].Fill(DetectorOutcome.NotEstimable(NotEstimableReason.SingularMatrix));
            return;
        }
        ReadOnlySpan<long> v = counts.Validation;
        var rng = new Randomness.Xoshiro256(Randomness.SplitMix64.Mix(counts.DetectionSeed ^ Salt));
        Span<double> alpha = k <= Engine.StackBudget.Elements ? stackalloc double[k] : new double[k];
        Span<double> row = k <= Engine.StackBudget.Elements ? stackalloc double[k] : new double[k];
        Span<double> t = k <= Engine.StackBudget.Elements ? stackalloc double[k] : new double[k];
        Span<double> sumQ = targets <= Engine.StackBudget.Elements ? stackalloc double[targets] : new double[targets];
        Span<double> sumQ2 = targets <= Engine.StackBudget.Elements ? stackalloc double[targets] : new double[targets];
        Span<double> sumW = targets <= Engine.StackBudget.Elements ? stackalloc double[targets] : new double[targets];
        Span<int> valid = targets <= Engine.StackBudget.Elements ? stackalloc int[targets] : new int[targets];
        Span<int> negative = targets <= Engine.StackBudget.Elements ? stackalloc int[targets] : new int[targets];
        sumQ.Clear(); sumQ2.Clear(); sumW.Clear(); valid.Clear(); negative.Clear();
        // Validated records by self-defined group, and the unvalidated recorded referrals by recorded group.
        Span<double> validatedSelf = k <= Engine.StackBudget.Elements ? stackalloc double[k] : new double[k];
        Span<double> rest = k <= Engine.StackBudget.Elements ? stackalloc double[k] : new double[k];
        validatedSelf.Clear();
        for (int j = 0; j < k; j++) rest[j] = counts.Recorded[j];
        for (int g = 0; g < k; g++)
        {
            for (int c = 0; c < categories; c++)
            {
                validatedSelf[g] += v[g * categories + c];
                rest[_categoryGroup[c]] -= v[g * categories + c];
            }
        }
        var mt = new double[k, k];   // M^T for this draw
        var b = new double[k, k];    // its inverse
        var work = new double[k, k];
        int singular = 0;
        for (int d = 0; d < _draws; d++)
        {
            for (int g = 0; g < k; g++)
            {
                alpha.Fill(PriorCount);
                for (int c = 0; c < categories; c++) alpha[_categoryGroup[c]] += v[g * categories + c];
                Sampling.GammaSampler.Dirichlet(ref rng, alpha, row);
                for (int h = 0; h < k; h++) mt[h, g] = row[h];
            }
            if (!Invert(mt, b, work)) { singular++; continue; }
            for (int g = 0; g < k; g++)
            {
                t[g] = validatedSelf[g];
                for (int j = 0; j < k; j++) t[g] += b[g, j] * rest[j];
            }
            int r = Comparison.Reference;
            for (int i = 0; i < targets; i++)
            {
                int g = Comparison.Groups[i];
                if (t[g] <= 0 || t[r] <= 0) { negative[i]++; continue; }
                double varG = validatedSelf[g], varRef = validatedSelf[r], cov = 0;
                for (int j = 0; j < k; j++)
                {
                    varG += b[g, j] * b[g, j] * rest[j];
                    varRef += b[r, j] * b[r, j] * rest[j];
                    cov += b[g, j] * b[r, j] * rest[j];
                }
                double q = Comparison.LogRateRatio(i, t[g], t[r]);
                sumQ[i] += q;
                sumQ2[i] += q * q;
                sumW[i] += Math.Max(0,
                    varG / (t[g] * t[g]) + varRef / (t[r] * t[r]) - 2 * cov / (t[g] * t[r]) - 1 / Comparison.Census[g] - 1 / Comparison.Census[r]);
                valid[i]++;
            }
        }
        for (int i = 0; i < targets; i++)
        {
            int m = valid[i];
            // Most draws must give a usable correction; otherwise the data cannot support one, and we say why.
            if (m < 2 || 2 * m < _draws)
            {
                outcomes[i] = DetectorOutcome.NotEstimable(singular * 2 > _draws ? NotEstimableReason.SingularMatrix : NotEstimableReason.NegativeCorrection);
                continue;
            }
            outcomes[i] = MultipleImputationDetector.Pool(sumQ[i], sumQ2[i], sumW[i], m, Comparison, double.PositiveInfinity);
            outcomes[i].DroppedDraws = _draws - m;
        }
    }

    /// <summary>Gauss-Jordan inversion with partial pivoting into caller-owned buffers: MathNet would allocate a
    /// matrix object per draw for a 5 x 5 system.</summary>
    internal static bool Invert(double[,] a, double[,] inverse, double[,] work)
    {
        int n = a.GetLength(0);
        Array.Copy(a, work, a.Length);
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) inverse[i, j] = i == j ? 1 : 0;
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int rowIndex = col + 1; rowIndex < n; rowIndex++) if (Math.Abs(work[rowIndex, col]) > Math.Abs(work[pivot, col])) pivot = rowIndex;
            if (Math.Abs(work[pivot, col]) < 1e-12) return false;
            if (pivot != col)
            {
                for (int j = 0; j < n; j++)
                {
                    (work[col, j], work[pivot, j]) = (work[pivot, j], work[col, j]);
                    (inverse[col, j], inverse[pivot, j]) = (inverse[pivot, j], inverse[col, j]);
                }
            }
            double scale = 1 / work[col, col];
            for (int j = 0; j < n; j++) { work[col, j] *= scale; inverse[col, j] *= scale; }
            for (int rowIndex = 0; rowIndex < n; rowIndex++)
            {
                if (rowIndex == col || work[rowIndex, col] == 0) continue;
                double f = work[rowIndex, col];
                for (int j = 0; j < n; j++) { work[rowIndex, j] -= f * work[col, j]; inverse[rowIndex, j] -= f * inverse[col, j]; }
            }
        }
        return true;
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
