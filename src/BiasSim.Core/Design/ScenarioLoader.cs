using System.Collections.Immutable;
using BiasSim.Core.Calibration;
using BiasSim.Core.Detectors;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Design;

/// <summary>
/// Loads a scenario: the entry point every command uses. It composes the stages that each depend only on the ones below:
/// <see cref="ScenarioParser"/> reads and validates the text against the detectors' vocabulary
/// (<see cref="DetectorCatalog.Vocabulary"/>), then <see cref="TargetShareCalibration"/> resolves each <c>target_share</c>.
/// Pure: the caller reads the file. Returns every error at once, each naming the line, column and key path.
/// </summary>
public static class ScenarioLoader
{
    /// <inheritdoc cref="ScenarioParser.MinAlpha"/>
    public const double MinAlpha = ScenarioParser.MinAlpha;

    /// <inheritdoc cref="ScenarioParser.MaxPeople"/>
    public const long MaxPeople = ScenarioParser.MaxPeople;

    public const string SweepKey = ScenarioParser.SweepKey;

    public static ScenarioLoadResult Load(string text, string fileName) => Load(text, fileName, []);

    /// <summary>Loads the scenario with <paramref name="overrides"/> (from <c>--set path=value</c>) applied to
    /// the YAML tree before validation, so an override is validated exactly like the key it replaces.</summary>
    public static ScenarioLoadResult Load(string text, string fileName, IReadOnlyList<ScenarioOverride> overrides)
    {
        ParsedScenario parsed = ScenarioParser.Read(text, fileName, overrides, DetectorCatalog.Vocabulary);
        // Calibration needs a valid scenario, so a target that cannot be reached is reported only once everything else is right.
        Scenario? scenario = parsed.Scenario is null ? null : TargetShareCalibration.Calibrate(parsed.Scenario, parsed.Root!, parsed.Reader);
        return parsed.Reader.Errors.Count == 0 && scenario is not null
            ? new ScenarioLoadResult(scenario, [])
            : new ScenarioLoadResult(null, parsed.Reader.Errors);
    }

    /// <inheritdoc cref="ScenarioParser.ReadSweep(string, string, List{ScenarioError})"/>
    public static ImmutableArray<SweepSpec> ReadSweep(string text, string fileName, List<ScenarioError> errors) =>
        ScenarioParser.ReadSweep(text, fileName, errors);
}
