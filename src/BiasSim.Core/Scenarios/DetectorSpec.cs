namespace BiasSim.Core.Scenarios;

/// <summary>Multiple-comparison adjustment across a detector's groups.</summary>
public enum Adjustment
{
    None,
    Bonferroni,
    Holm,
}

/// <summary>
/// A detector as configured in <c>detectors:</c>: a plain name, or a one-key mapping with options such as
/// <c>- ipw: {by: region}</c>.
/// </summary>
/// <param name="By">The stratifier ('region' or a covariate name) for ipw, multiple-imputation and missing-share.</param>
/// <param name="Imputations">m for multiple-imputation.</param>
public sealed record DetectorSpec(string Name)
{
    public string? By { get; init; }
    public int Imputations { get; init; } = 20;
    public Adjustment Adjust { get; init; } = Adjustment.None;

    /// <summary>For misclassification-corrected: the share of recorded referrals that also carry the self-defined
    /// group (a validation subsample), from which the matrix is estimated; null means the matrix is known.</summary>
    public double? ValidationShare { get; init; }
}
