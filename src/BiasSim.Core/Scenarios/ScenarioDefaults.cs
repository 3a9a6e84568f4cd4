using System.Collections.Immutable;
using System.Globalization;

namespace BiasSim.Core.Scenarios;

/// <summary>
/// What a scenario gets when it leaves out <c>seed</c>, <c>detectors</c> or <c>simulation</c> (or
/// <c>simulation.replicates</c>): a student's first file needs only a population, referrals and recording.
/// The values are documented in the README and printed whenever they are used, so a run stays reproducible.
/// </summary>
public static class ScenarioDefaults
{
    /// <summary>A fixed default, not a clock-derived one: two runs of the same file agree without the user asking.</summary>
    public const ulong Seed = 1;

    /// <summary>The two detectors every published audit uses: the rate ratio against the reference and a chi-square test.</summary>
    public static readonly ImmutableArray<string> Detectors = ["rate-ratio", "chi-square"];

    /// <summary>Enough that a flag rate's Monte Carlo SE is at most 0.5 percentage points (sqrt(0.25 / 10,000)).</summary>
    public const int Replicates = 10_000;

    public const double Alpha = 0.05;

    /// <summary>The top-level keys a default can fill in, as <see cref="Scenario.Defaulted"/> names them.</summary>
    public const string SeedKey = "seed", DetectorsKey = "detectors", ReplicatesKey = "simulation.replicates";

    /// <summary>
    /// One line naming each default the scenario used, such as
    /// "Defaults used (not set in the file): seed 1, detectors rate-ratio and chi-square, 10,000 replicates.";
    /// null when it used none. <paramref name="seedGiven"/> and <paramref name="replicatesGiven"/> are true when
    /// --seed or --replicates replaced the default anyway.
    /// </summary>
    public static string? Describe(Scenario scenario, bool seedGiven = false, bool replicatesGiven = false)
    {
        var parts = new List<string>();
        if (scenario.Defaulted.Contains(SeedKey) && !seedGiven) parts.Add($"seed {Seed.ToString(CultureInfo.InvariantCulture)}");
        if (scenario.Defaulted.Contains(DetectorsKey)) parts.Add($"detectors {string.Join(" and ", Detectors)}");
        if (scenario.Defaulted.Contains(ReplicatesKey) && !replicatesGiven)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{Replicates:N0} replicates"));
        }
        return parts.Count == 0 ? null : $"Defaults used (not set in the file): {string.Join(", ", parts)}.";
    }
}
