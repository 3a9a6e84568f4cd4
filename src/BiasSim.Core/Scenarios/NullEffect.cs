namespace BiasSim.Core.Scenarios;

/// <summary>
/// When a true rate ratio counts as "no disproportionality". A declared rate ratio of 1 is null; so is a derived one
/// (population-weighted over regions, or marginalised over another attribute) within 1e-6 of 1 on the log scale, since
/// such sums reproduce an exact 1 only to rounding (0.9999999851 for religion) and a sign or direction must not be read
/// from rounding error. 1e-6 is far below any ratio a person could mean (a 0.0001% difference) and far above the
/// rounding of a sum of doubles.
/// </summary>
public static class NullEffect
{
    public const double LogTolerance = 1e-6;

    public static bool IsNull(double rateRatio) => Math.Abs(Math.Log(rateRatio)) <= LogTolerance;

    /// <summary>1 for a null rate ratio, the rate ratio itself otherwise, so every later comparison with 1 is exact.</summary>
    public static double Snap(double rateRatio) => IsNull(rateRatio) ? 1.0 : rateRatio;
}
