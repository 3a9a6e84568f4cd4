using BiasSim.Core.Design;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Tests.Scenarios;

/// <summary>YAML layout mistakes are reported at the line to fix, with the indentation expected there.</summary>
public class YamlIndentationTests
{
    private const string Tail = """
        referrals:
          total: 4000
        recording:
          missing: {mechanism: mcar, share: 0.6}
        """;

    private static ScenarioError Error(string head)
    {
        ScenarioLoadResult r = ScenarioLoader.Load("name: x\n" + head + Tail, "s.yaml");
        return Assert.Single(r.Errors);
    }

    [Fact]
    public void A_tab_is_reported_at_its_own_line_not_at_1_1()
    {
        ScenarioError e = Error("population:\n\treference: White\n  groups: {White: 100, Black: 10}\n");
        Assert.Equal((3, 1), (e.Line, e.Column));
        Assert.Contains("YAML syntax error: line 3 is indented with a tab; YAML indents with spaces only, expected spaces", e.Message);
    }

    [Fact]
    public void A_key_indented_deeper_than_its_sibling_names_the_sibling_and_its_indentation()
    {
        ScenarioError e = Error("population:\n  reference: White\n   groups: {White: 100, Black: 10}\n");
        Assert.Equal((4, 4), (e.Line, e.Column));
        Assert.StartsWith("YAML syntax error: line 4 is indented 3 spaces, deeper than line 3 above it (2 spaces), which does not open a block " +
            "(it does not end with ':'); expected 2 spaces, to line up with 'reference' on line 3 (the parser said: ", e.Message);
    }

    [Fact]
    public void A_dedent_between_two_levels_offers_both()
    {
        ScenarioError e = Error("population:\n  reference: White\n  groups:\n    White: 100\n   Black: 10\n");
        Assert.Equal((6, 4), (e.Line, e.Column));
        Assert.Contains("line 6 is indented 3 spaces, which lines up with no key above it; expected 4 spaces (to line up with 'White' on line 5) " +
            "or 2 spaces (with 'groups' on line 4)", e.Message);
    }

    [Fact]
    public void A_first_child_indented_more_than_its_siblings_is_explained_at_the_sibling()
    {
        ScenarioError e = Error("population:\n    reference: White\n  groups: {White: 100, Black: 10}\n");
        Assert.Equal(4, e.Line);
        Assert.Contains("expected 4 spaces (to line up with 'reference' on line 3) or 0 spaces (with 'population' on line 2)", e.Message);
    }

    [Fact]
    public void Valid_layouts_are_never_blamed_block_scalars_lists_and_flow_mappings_over_lines()
    {
        // A file the parser rejects for an unrelated reason (an unclosed quote on the last line) keeps the parser's
        // message: nothing above it is misaligned.
        string text = """
            name: x
            description: >-
              folded text
                more deeply indented text
            detectors:
            - rate-ratio
            - ipw:
                by: region
            population: {reference: White,
              groups: {White: 100}}
            seed: "unclosed
            """;
        ScenarioError e = Assert.Single(ScenarioLoader.Load(text, "s.yaml").Errors);
        Assert.DoesNotContain("indented", e.Message);
        Assert.Null(YamlIndentation.Explain(text, 11, "found unexpected end of stream"));
    }

    [Fact]
    public void Every_bundled_scenario_gets_no_hint_anywhere()
    {
        foreach (string file in Directory.GetFiles(Path.Combine(TestScenarios.RepoRoot, "scenarios"), "*.yaml"))
        {
            string text = File.ReadAllText(file);
            Assert.Null(YamlIndentation.Explain(text, text.Split('\n').Length, "tab"));
        }
    }
}
