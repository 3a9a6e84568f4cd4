using BiasSim.Core.Design;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Tests.Scenarios;

public class ScenarioOverrideTests
{
    private static ScenarioLoadResult Load(params string[] sets) =>
        ScenarioLoader.Load(TestScenarios.Valid, "s.yaml", [.. sets.Select(s => ScenarioOverride.Parse(s)!)]);

    [Fact]
    public void Overrides_replace_existing_values_and_add_new_keys()
    {
        ScenarioLoadResult r = Load("recording.missing.share=0.35", "referrals.rate_ratios.Asian=0.8", "simulation.replicates=50");
        Assert.True(r.Success, string.Join("\n", r.Errors));
        Assert.Equal(new McarMissingness(0.35), r.Scenario!.Recording.Missing);
        Assert.Equal(0.8, r.Scenario.Referrals.RateRatio("Asian"));
        Assert.Equal(1.3, r.Scenario.Referrals.RateRatio("Black"));
        Assert.Equal(50, r.Scenario.Simulation.Replicates);
    }

    [Fact]
    public void Structured_values_are_read_as_yaml()
    {
        ScenarioLoadResult r = Load("recording.missing={mechanism: mnar, share_by_group: {White: 0.5, Black: 0.7, Asian: 0.6}}", "detectors=[chi-square]");
        Assert.True(r.Success, string.Join("\n", r.Errors));
        Assert.IsType<MnarMissingness>(r.Scenario!.Recording.Missing);
        Assert.Equal(["chi-square"], r.Scenario.Detectors.ToArray());
    }

    [Fact]
    public void An_invalid_override_is_reported_against_the_argument()
    {
        ScenarioLoadResult r = Load("recording.missing.share=1.5");
        ScenarioError e = Assert.Single(r.Errors);
        Assert.Equal("--set recording.missing.share=1.5", e.File);
        Assert.Equal("recording.missing.share", e.Path);
        Assert.Contains("found 1.5", e.Message);
    }

    [Fact]
    public void A_misspelt_override_path_is_an_unknown_key_with_a_suggestion()
    {
        ScenarioLoadResult r = Load("recording.missing.shrae=0.2");
        Assert.Contains(r.Errors, e => e.Path == "recording.missing.shrae" && e.Message.Contains("did you mean 'share'?")
            && e.File == "--set recording.missing.shrae=0.2");
    }

    [Theory]
    [InlineData("noequals")]
    [InlineData("=1")]
    [InlineData("a..b=1")]
    public void Malformed_override_does_not_parse(string text) => Assert.Null(ScenarioOverride.Parse(text));
}
