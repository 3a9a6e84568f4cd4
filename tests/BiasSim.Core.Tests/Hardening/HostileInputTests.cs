using BiasSim.Core.Design;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Tests.Hardening;

/// <summary>
/// Hostile or broken scenario text: each must come back as a clean error (never an exception, never a crash).
/// How long rejecting them takes is measured in benchmarks/BiasSim.Benchmarks (LoaderBenchmarks), not asserted here.
/// </summary>
public class HostileInputTests
{
    private static ScenarioError Rejected(string text)
    {
        ScenarioLoadResult result = ScenarioLoader.Load(text, "h.yaml");
        Assert.False(result.Success);
        Assert.NotEmpty(result.Errors);
        Assert.All(result.Errors, e => Assert.True(e.Line >= 1 && e.Column >= 1 && e.Message.Length > 0));
        return result.Errors[0];
    }

    [Fact]
    public void Alias_expansion_bomb_is_rejected_without_expanding()
    {
        var lines = new List<string> { "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (int i = 1; i < 10; i++) lines.Add($"a{i}: &a{i} [" + string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10)) + "]");
        lines.Add("description: *a9");
        Rejected(string.Join("\n", lines) + "\n" + TestScenarios.Valid.Replace("description: a small valid scenario\n", ""));
    }

    [Fact]
    public void Too_many_aliases_are_rejected()
    {
        string text = "a: &a x\nb: [" + string.Join(", ", Enumerable.Repeat("*a", 2000)) + "]\n";
        Assert.Contains("aliases", Rejected(text).Message);
    }

    [Theory]
    [InlineData(100_000)]
    [InlineData(65)]
    public void Deeply_nested_brackets_are_rejected_before_parsing(int depth)
    {
        ScenarioError e = Rejected("name: " + new string('[', depth) + new string(']', depth) + "\n");
        Assert.Contains("nested more than 64 deep", e.Message);
        Assert.Equal(1, e.Line);
    }

    [Theory]
    [InlineData("- ")]
    [InlineData("? ")]
    public void Deep_block_nesting_on_one_line_is_rejected(string indicator)
    {
        Assert.Contains("nested deeper than", Rejected("name:\n" + string.Concat(Enumerable.Repeat(indicator, 100_000)) + "x\n").Message);
    }

    [Fact]
    public void Deep_indentation_is_rejected()
    {
        string text = string.Concat(Enumerable.Range(0, 300).Select(i => new string(' ', i) + $"k{i}:\n"));
        Assert.Contains("nested deeper than", Rejected(text).Message);
    }

    [Fact]
    public void Duplicate_keys_are_rejected() =>
        Assert.Contains("uplicate", Rejected(TestScenarios.Valid + "\nname: again\n").Message);

    [Theory]
    [InlineData("share: .nan")]
    [InlineData("share: .inf")]
    [InlineData("share: -.Inf")]
    [InlineData("share: NaN")]
    [InlineData("share: Infinity")]
    [InlineData("share: 1e400")]
    public void Non_finite_numbers_are_rejected(string share) =>
        Assert.Contains("not a finite number", Rejected(TestScenarios.Valid.Replace("share: 0.5", share)).Message);

    [Theory]
    [InlineData("total: 5000", "total: 99999999999999999999999999")]
    [InlineData("White: 1000000", "White: 1e300")]
    [InlineData("seed: 7", "seed: 184467440737095516160")]
    [InlineData("replicates: 1000", "replicates: 3000000000")]
    public void Numbers_that_overflow_are_rejected(string oldText, string newText) =>
        Rejected(TestScenarios.Valid.Replace(oldText, newText));

    [Fact]
    public void Binary_garbage_is_rejected()
    {
        var bytes = new byte[4096];
        new Random(1).NextBytes(bytes);
        Rejected(new string(bytes.Select(b => (char)b).ToArray()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n")]
    [InlineData("---\n...\n")]
    public void Empty_files_are_rejected(string text) => Assert.Contains("empty", Rejected(text).Message);

    [Fact]
    public void A_scalar_or_list_instead_of_a_scenario_is_rejected()
    {
        Rejected("just text\n");
        Rejected("- a\n- b\n");
    }
}
