using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Tests.Scenarios;

/// <summary>The parser knows detectors only through the vocabulary it is handed: a detector it has never heard of is
/// validated, and warned about, exactly as the vocabulary says, which is what lets a detector be added in its own file.</summary>
public class DetectorVocabularyTests
{
    private static readonly DetectorVocabulary MadeUp = new(
    [
        new DetectorTerms("made-up", ["by"]) { Caveat = (scenario, spec) => spec.By is null ? $"no by in {scenario.Name}" : null },
        new DetectorTerms("other", []),
    ]);

    private static ParsedScenario Read(string detectors) =>
        ScenarioParser.Read(TestScenarios.Valid.Replace("detectors: [rate-ratio, chi-square]", $"detectors: {detectors}"), "v.yaml", [], MadeUp);

    [Fact]
    public void Names_options_and_caveats_come_from_the_vocabulary()
    {
        ParsedScenario parsed = Read("[made-up, other]");
        Assert.Empty(parsed.Reader.Errors);
        Assert.Equal<string>(["made-up", "other"], parsed.Scenario!.Detectors);
        Assert.Equal("v.yaml:15:13: detectors[0]: made-up: no by in test", Assert.Single(parsed.Scenario.Warnings));
    }

    [Fact]
    public void A_detector_outside_the_vocabulary_is_unknown_and_options_are_checked_against_it()
    {
        ScenarioError unknown = Assert.Single(Read("[rate-ratio]").Reader.Errors);
        Assert.Equal("unknown detector 'rate-ratio', expected one of: made-up, other", unknown.Message);

        ScenarioError option = Assert.Single(Read("[{other: {by: region}}]").Reader.Errors);
        Assert.Equal("detector 'other' takes no options", option.Message);
    }
}
