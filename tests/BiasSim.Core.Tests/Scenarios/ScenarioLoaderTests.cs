using BiasSim.Core.Design;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Tests.Scenarios;

public class ScenarioLoaderTests
{
    private static IReadOnlyList<ScenarioError> Errors(string text)
    {
        ScenarioLoadResult result = ScenarioLoader.Load(text, "s.yaml");
        Assert.False(result.Success);
        Assert.Null(result.Scenario);
        Assert.NotEmpty(result.Errors);
        return result.Errors;
    }

    private static ScenarioError Single(string text, string path)
    {
        var errors = Errors(text);
        var matching = errors.Where(e => e.Path == path).ToList();
        Assert.True(matching.Count == 1, $"expected one error at {path}, got:\n{string.Join("\n", errors)}");
        return matching[0];
    }

    private static string Replace(string oldText, string newText)
    {
        Assert.Contains(oldText, TestScenarios.Valid);
        return TestScenarios.Valid.Replace(oldText, newText);
    }

    [Fact]
    public void Valid_scenario_loads_with_every_value()
    {
        Scenario s = TestScenarios.Load(TestScenarios.Valid);
        Assert.Equal("test", s.Name);
        Assert.Equal(7UL, s.Seed);
        Assert.Equal("White", s.Population.Reference);
        Assert.Equal(["White", "Black", "Asian"], s.Population.Groups.Select(g => g.Name));
        Assert.Equal(100000, s.Population.Groups[1].Census);
        Assert.Equal(5000, s.Referrals.Total);
        Assert.Null(s.Referrals.BaseRate);
        Assert.Equal(1.3, s.Referrals.RateRatio("Black"));
        Assert.Equal(1.0, s.Referrals.RateRatio("Asian"));
        Assert.Equal(new McarMissingness(0.5), s.Recording.Missing);
        Assert.Equal(["rate-ratio", "chi-square"], s.Detectors.ToArray());
        Assert.Equal(new SimulationSettings(1000, 0.05), s.Simulation);
    }

    [Fact]
    public void Error_names_file_line_column_and_key_path()
    {
        // "  missing: {mechanism: mcar, share: 1.5}" is line 14; its value starts after 36 characters, at column 37.
        ScenarioError e = Single(Replace("share: 0.5", "share: 1.5"), "recording.missing.share");
        Assert.Equal("s.yaml", e.File);
        Assert.Equal(14, e.Line);
        Assert.Equal(37, e.Column);
        Assert.Equal("s.yaml:14:37: recording.missing.share: found 1.5, expected a share from 0 up to (not including) 1", e.ToString());
    }

    [Fact]
    public void Unknown_key_is_an_error_with_a_suggestion()
    {
        ScenarioError e = Single(Replace("simulation: {replicates", "simulaton: {replicates"), "simulaton");
        Assert.Contains("unknown key (did you mean 'simulation'?)", e.Message);
        Assert.Equal(16, e.Line);
        Assert.Equal(1, e.Column);
    }

    [Fact]
    public void Unknown_nested_key_is_an_error_with_a_suggestion()
    {
        ScenarioError e = Single(Replace("rate_ratios:", "rate_ratio:"), "referrals.rate_ratio");
        Assert.Contains("did you mean 'rate_ratios'?", e.Message);
    }

    [Fact]
    public void Wrong_type_is_reported()
    {
        ScenarioError e = Single(Replace("total: 5000", "total: lots"), "referrals.total");
        Assert.Equal("expected a positive whole number of referrals, found 'lots'", e.Message);
        Single(Replace("detectors: [rate-ratio, chi-square]", "detectors: rate-ratio"), "detectors");
        Single(Replace("groups:", "groups: [a, b]\n  old_groups:"), "population.groups");
    }

    [Theory]
    [InlineData("White: 1000000", "White: -5", "population.groups.White", "found -5, expected a positive whole number of people")]
    [InlineData("White: 1000000", "White: 1000.5", "population.groups.White",
        "found 1000.5, which is not a whole number; expected a positive whole number of people")]
    [InlineData("total: 5000", "total: 0", "referrals.total", "found 0, expected a positive whole number of referrals")]
    [InlineData("share: 0.5", "share: -0.1", "recording.missing.share", "found -0.1, expected a share from 0 up to (not including) 1")]
    [InlineData("share: 0.5", "share: 1", "recording.missing.share", "found 1, expected a share from 0 up to (not including) 1")]
    [InlineData("replicates: 1000", "replicates: 0", "simulation.replicates", "found 0, expected a whole number from 1 to 2147483647")]
    [InlineData("alpha: 0.05", "alpha: 1.5", "simulation.alpha", "found 1.5, expected a significance level between 0 and 1, such as 0.05")]
    [InlineData("share: 0.5", "share: .nan", "recording.missing.share",
        "found '.nan', which is not a finite number; expected a share from 0 up to (not including) 1")]
    public void Out_of_range_values_are_reported(string oldText, string newText, string path, string message)
    {
        Assert.Equal(message, Single(Replace(oldText, newText), path).Message);
    }

    [Fact]
    public void Reference_not_in_groups_is_reported_with_suggestion()
    {
        ScenarioError e = Single(Replace("reference: White", "reference: Whtie"), "population.reference");
        Assert.Equal("'Whtie' is not a group in population.groups (did you mean 'White'?), expected one of: White, Black, Asian", e.Message);
    }

    [Fact]
    public void Rate_ratio_for_unknown_group_is_reported()
    {
        ScenarioError e = Single(Replace("{Black: 1.3}", "{Blak: 1.3}"), "referrals.rate_ratios.Blak");
        Assert.Contains("did you mean 'Black'?", e.Message);
    }

    [Fact]
    public void Base_rate_times_rate_ratio_above_one_is_reported()
    {
        ScenarioError e = Single(Replace("total: 5000", "base_rate: 0.8"), "referrals.rate_ratios.Black");
        Assert.Equal("base_rate x rate ratio = 0.8 x 1.3 = 1.04, expected a referral probability of at most 1", e.Message);
    }

    [Fact]
    public void Both_or_neither_of_base_rate_and_total_is_reported()
    {
        Assert.Contains("both base_rate and total are set", Single(Replace("total: 5000", "total: 5000\n  base_rate: 0.001"), "referrals.base_rate").Message);
        Assert.Contains("neither base_rate nor total is set", Single(Replace("total: 5000\n", ""), "referrals").Message);
    }

    [Fact]
    public void Missing_required_key_is_reported_at_its_parent()
    {
        // seed, detectors and simulation have defaults (ScenarioDefaultsTests); name does not.
        ScenarioError e = Single(Replace("name: test\n", ""), "name");
        Assert.Equal("missing, expected a short name such as prevent-2015-2023", e.Message);
        Assert.Equal(1, e.Line);
    }

    [Fact]
    public void Unknown_detector_and_mechanism_get_suggestions()
    {
        Assert.Contains("did you mean 'chi-square'?", Single(Replace("chi-square]", "chi-sqaure]"), "detectors[1]").Message);
        Assert.Contains("did you mean 'mcar'?", Single(Replace("mechanism: mcar", "mechanism: mcra"), "recording.missing.mechanism").Message);
    }

    [Fact]
    public void All_errors_are_reported_at_once()
    {
        string text = TestScenarios.Valid
            .Replace("seed: 7", "sede: 7")
            .Replace("share: 0.5", "share: 2")
            .Replace("replicates: 1000", "replicates: -1")
            .Replace("reference: White", "reference: Nobody");
        var paths = Errors(text).Select(e => e.Path).ToHashSet();
        Assert.Superset(new HashSet<string> { "sede", "recording.missing.share", "simulation.replicates", "population.reference" }, paths);
    }

    [Fact]
    public void Yaml_syntax_error_has_a_position()
    {
        var errors = Errors("name: x\npopulation: {reference: White\nseed: 1\n");
        ScenarioError e = Assert.Single(errors);
        Assert.StartsWith("s.yaml:", e.ToString());
        Assert.Contains("YAML syntax error", e.Message);
        Assert.True(e.Line >= 2, e.ToString());
    }

    [Fact]
    public void Duplicate_key_is_an_error()
    {
        var errors = Errors(TestScenarios.Valid + "\nseed: 8\n");
        Assert.Contains(errors, e => e.Message.Contains("uplicate", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    public void Empty_file_is_an_error(string text)
    {
        ScenarioError e = Assert.Single(Errors(text));
        Assert.Equal("s.yaml:1:1: the file is empty, expected a scenario (a mapping with name, population, referrals, ...)", e.ToString());
    }

    [Fact]
    public void Reference_rate_ratio_must_be_one()
    {
        Single(Replace("{Black: 1.3}", "{Black: 1.3, White: 2}"), "referrals.rate_ratios.White");
    }

    [Fact]
    public void Digit_separators_and_exponents_are_accepted_for_whole_numbers()
    {
        Scenario s = TestScenarios.Load(Replace("White: 1000000", "White: 1_000_000").Replace("replicates: 1000", "replicates: 1e3"));
        Assert.Equal(1_000_000, s.Population.Groups[0].Census);
        Assert.Equal(1000, s.Simulation.Replicates);
    }

    [Fact]
    public void Every_bundled_scenario_is_valid()
    {
        string[] files = Directory.GetFiles(Path.Combine(TestScenarios.RepoRoot, "scenarios"), "*.yaml", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            // Priors files for detect --bias-analysis sit beside the data they are for; they are checked as priors.
            if (Path.GetFileName(file).StartsWith("bias-priors", StringComparison.Ordinal))
            {
                var priors = BiasSim.Core.BiasAnalysis.BiasPriorsLoader.Load(File.ReadAllText(file), file, ["White", "Asian", "Black", "Other"], "White");
                Assert.True(priors.Priors is not null, string.Join("\n", priors.Errors));
                continue;
            }
            ScenarioLoadResult result = ScenarioLoader.Load(File.ReadAllText(file), file);
            Assert.True(result.Success, string.Join("\n", result.Errors));
        }
    }

    [Fact]
    public void Bundled_prevent_scenario_matches_the_published_figures()
    {
        string file = Path.Combine(TestScenarios.RepoRoot, "scenarios", "prevent-2015-2023.yaml");
        Scenario s = ScenarioLoader.Load(File.ReadAllText(file), file).Scenario!;
        // Home Office releases: 51,204 referrals 2015/16-2022/23, the sum of the annual totals; NPCC: 33,116 without ethnicity.
        Assert.Equal(51204, s.Referrals.Total);
        Assert.Equal(33116.0 / 51204, s.Recording.Missing.TargetShare!.Value, 3);
        Covariate year = s.Referrals.Covariates.Single(c => c.Name == "year");
        Assert.Equal(8, year.Levels.Length);
        Assert.Equal(6817.0 / 51204, year.Shares[^1], 12);
        // Census 2021 shares (ONS): White 81.7%, Asian 9.3%, Black 4.0%, Mixed 2.9%, Other 2.1%; regions sum to them.
        double total = 59597542;
        Assert.Equal(0.817, s.Population.Groups.Single(g => g.Name == "White").Census / total, 3);
        Assert.Equal(5515415, s.Population.Groups.Single(g => g.Name == "Asian").Census);
        Assert.Equal(NamedMatrices.OfficerStopSearch2021, s.Recording.Misclassification!.NamedMatrix);
    }
}
