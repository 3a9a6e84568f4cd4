namespace BiasSim.Core.Scenarios;

/// <summary>
/// Target names of the output's summary rows, next to the groups' own rows: a group may not take one, or its row would
/// be duplicated. The scenario format reserves them, so they live here; detectors and the simulation name their rows by them.
/// </summary>
internal static class SummaryTargets
{
    /// <summary>The row of a test over every group (chi-square, and missing-share's overall test).</summary>
    public const string All = "all";

    /// <summary>The row of a per-group detector's family-wise false-alarm rate.</summary>
    public const string FamilyWise = "family-wise";
}
