using BiasSim.Core.Design;
using BiasSim.Core.Detectors;
using BiasSim.Core.Engine;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;

namespace BiasSim.Core.Tests.Scenarios;

/// <summary>validation_share describes how referrals are recorded: it lives under recording.misclassification, and the
/// old spelling under the detector still works with a deprecation warning.</summary>
public class ValidationShareLocationTests
{
    private static string Text(string misclassificationExtra, string detector) => $$"""
        name: validation
        seed: 98
        population:
          reference: White
          groups: {White: 80000000, Asian: 9000000, Black: 4000000, Mixed: 3000000, Other: 2000000}
        referrals: {total: 20000}
        recording:
          missing: {mechanism: mcar, share: 0.5}
          misclassification:
            matrix: officer-stop-search-2021
            assigned_by: {officer: 0.8, self: 0.2}{{misclassificationExtra}}
        detectors:
          - {{detector}}
        simulation: {replicates: 50}
        """;

    private const string New = "\n    validation_share: 0.1";
    private const string NewDetector = "{misclassification-corrected: {m: 20}}";
    private const string OldDetector = "{misclassification-corrected: {validation_share: 0.1, m: 20}}";

    [Fact]
    public void The_recording_key_sets_the_subsample_the_engine_draws()
    {
        Scenario s = TestScenarios.Load(Text(New, NewDetector));
        Assert.Equal(0.1, s.Recording.ValidationShare);
        Assert.Empty(s.Warnings);
        var model = new CountModel(s);
        Assert.Equal(0.1, model.ValidationShare);
        DetectorSpec spec = s.DetectorSpec(MisclassificationCorrectedDetector.DetectorName);
        var detector = (MisclassificationCorrectedDetector)DetectorFactory.Create(spec, model, 0, 0.05);
        Assert.True(detector.EstimatesMatrix);
    }

    [Fact]
    public void The_old_spelling_still_works_and_says_it_is_deprecated()
    {
        Scenario s = TestScenarios.Load(Text("", OldDetector));
        Assert.Equal(0.1, s.Recording.ValidationShare);
        string warning = Assert.Single(s.Warnings);
        // Line 13 of the text (the detector item), at the option inside it.
        Assert.StartsWith("test.yaml:13:", warning);
        Assert.Contains("detectors[0].validation_share: is deprecated", warning);
        Assert.Contains("recording.misclassification.validation_share", warning);
    }

    [Fact]
    public void Old_and_new_spelling_give_identical_results()
    {
        // Same seed, same subsample share, now read from one place: every diagnosand row must be equal.
        Scenario old = TestScenarios.Load(Text("", OldDetector));
        Scenario moved = TestScenarios.Load(Text(New, NewDetector));
        var a = MonteCarloRunner.Run(old, new RunSettings(50, old.Seed, 2)).Rows;
        var b = MonteCarloRunner.Run(moved, new RunSettings(50, moved.Seed, 2)).Rows;
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i]);
    }

    [Theory]
    [InlineData("\n    validation_share: 0.2", OldDetector, "detectors[0].validation_share", "expected it once, under recording.misclassification")]
    [InlineData("\n    validation_share: 1.5", NewDetector, "recording.misclassification.validation_share", "a share greater than 0 and at most 1")]
    public void Conflicting_or_out_of_range_shares_are_errors(string extra, string detector, string path, string message)
    {
        ScenarioLoadResult result = ScenarioLoader.Load(Text(extra, detector), "test.yaml");
        Assert.False(result.Success);
        ScenarioError error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Same_share_in_both_places_loads_with_the_warning()
    {
        Scenario s = TestScenarios.Load(Text(New, OldDetector));
        Assert.Equal(0.1, s.Recording.ValidationShare);
        Assert.Single(s.Warnings);
    }
}
