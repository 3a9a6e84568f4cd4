using BiasSim.Core.Design;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Tests.Scenarios;

/// <summary>Errors for the recording-gap keys: each names the key path and what was expected.</summary>
public class RecordingValidationTests
{
    private const string Head = """
        name: v
        seed: 1
        population:
          reference: White
          groups: {White: 1000, Black: 100, Mixed: 50}
        referrals:
          total: 100
          covariates:
            sector: {levels: {Education: 0.5, Police: 0.5}}
        detectors: [rate-ratio]
        simulation: {replicates: 10}

        """;

    private static ScenarioError ErrorAt(string recording, string path)
    {
        ScenarioLoadResult result = ScenarioLoader.Load(Head + recording, "v.yaml");
        Assert.False(result.Success);
        var matching = result.Errors.Where(e => e.Path == path).ToList();
        Assert.True(matching.Count >= 1, $"expected an error at {path}, got:\n{string.Join("\n", result.Errors)}");
        return matching[0];
    }

    private static Scenario Valid(string recording)
    {
        ScenarioLoadResult result = ScenarioLoader.Load(Head + recording, "v.yaml");
        Assert.True(result.Success, string.Join("\n", result.Errors));
        return result.Scenario!;
    }

    [Fact]
    public void Misclassification_row_that_does_not_sum_to_one_names_the_row()
    {
        ScenarioError e = ErrorAt("""
            recording:
              missing: {mechanism: none}
              misclassification:
                matrix:
                  White: {White: 0.9, Black: 0.05}
                  Black: {Black: 1}
                  Mixed: {White: 0.5, Black: 0.5}
            """, "recording.misclassification.matrix.White");
        Assert.StartsWith("the row adds up to 0.95, expected 1", e.Message);
        Assert.Equal(16, e.Line);
    }

    [Fact]
    public void Misclassification_rows_must_cover_every_group_and_only_groups()
    {
        ErrorAt("""
            recording:
              missing: {mechanism: none}
              misclassification:
                matrix:
                  White: {White: 1}
                  Blakc: {Black: 1}
            """, "recording.misclassification.matrix.Blakc");
        ScenarioError e = ErrorAt("""
            recording:
              missing: {mechanism: none}
              misclassification:
                matrix:
                  White: {White: 1}
                  Black: {Black: 1}
            """, "recording.misclassification.matrix");
        Assert.Contains("no row for group 'Mixed'", e.Message);
    }

    [Fact]
    public void Named_matrix_must_exist_and_cover_the_groups()
    {
        Assert.Contains("did you mean 'officer-stop-search-2021'?",
            ErrorAt("recording:\n  missing: {mechanism: none}\n  misclassification: {matrix: officer-stop-search-2012}\n", "recording.misclassification.matrix")
                .Message);
        Scenario s = Valid("recording:\n  missing: {mechanism: none}\n  misclassification: {matrix: officer-stop-search-2021}\n");
        Assert.Equal(["White", "Black", "Asian", "Other"], s.Recording.Misclassification!.Categories.ToArray());
        // Every row of the named matrix is a probability distribution.
        foreach (var row in s.Recording.Misclassification.Matrix) Assert.Equal(1.0, row.Sum(), 12);
        Assert.All(s.Recording.Misclassification.Matrix.SelectMany(r => r), p => Assert.InRange(p, 0.0, 1.0));
    }

    [Fact]
    public void Assigned_by_must_add_up_to_one()
    {
        ScenarioError e = ErrorAt("recording:\n  missing: {mechanism: none}\n  misclassification: {matrix: officer-stop-search-2021, assigned_by: {officer: " +
            "0.7, self: 0.2}}\n",
            "recording.misclassification.assigned_by");
        Assert.Contains("officer + self = 0.9", e.Message);
    }

    [Fact]
    public void Mnar_needs_every_group()
    {
        ScenarioError e = ErrorAt("recording:\n  missing: {mechanism: mnar, share_by_group: {White: 0.5, Black: 0.6}}\n", "recording.missing.share_by_group");
        Assert.Contains("no share for 'Mixed'", e.Message);
    }

    [Fact]
    public void Mar_by_must_name_region_or_a_covariate_and_cover_its_levels()
    {
        Assert.Contains("did you mean 'sector'?",
            ErrorAt("recording:\n  missing: {mechanism: mar, by: sectr, share: {Education: 0.5}}\n", "recording.missing.by").Message);
        Assert.Contains("no share for 'Police'",
            ErrorAt("recording:\n  missing: {mechanism: mar, by: sector, share: {Education: 0.5}}\n", "recording.missing.share").Message);
        Assert.Contains("did you mean 'Police'?",
            ErrorAt("recording:\n  missing: {mechanism: mar, by: sector, share: {Education: 0.5, Polic: 0.2}}\n", "recording.missing.share.Polic").Message);
    }

    [Fact]
    public void Logistic_terms_must_exist()
    {
        ScenarioError e = ErrorAt("recording:\n  missing: {mechanism: logistic, intercept: 0.5, coefficients: {sector.Educaton: 0.4}}\n",
            "recording.missing.coefficients.sector.Educaton");
        Assert.Contains("did you mean 'sector.Education'?", e.Message);
        Valid("recording:\n  missing: {mechanism: logistic, intercept: 0.5, coefficients: {sector.Education: 0.4, group.Black: 0.3}}\n");
    }

    [Fact]
    public void Keys_that_do_not_belong_to_the_mechanism_are_errors()
    {
        Assert.Contains("does not apply to mechanism 'mcar'",
            ErrorAt("recording:\n  missing: {mechanism: mcar, share: 0.5, target_share: 0.6}\n", "recording.missing.target_share").Message);
        ErrorAt("recording:\n  missing: {mechanism: none, share: 0.5}\n", "recording.missing.share");
    }

    [Fact]
    public void Trend_needs_a_year_covariate()
    {
        Assert.Contains("needs a covariate named 'year'",
            ErrorAt("recording:\n  missing: {mechanism: mcar, share: 0.5, trend: -0.1}\n", "recording.missing.trend").Message);
    }

    [Fact]
    public void Unreachable_target_share_is_reported_with_the_reachable_range()
    {
        // Black and Mixed are never recorded (share 1), White always (share 0): the share is fixed at 150/1150.
        ScenarioError e = ErrorAt("recording:\n  missing: {mechanism: mnar, share_by_group: {White: 0, Black: 1, Mixed: 1}, target_share: 0.5}\n",
            "recording.missing.target_share");
        Assert.Contains("which no shift can reach", e.Message);
    }

    [Fact]
    public void Regions_must_list_the_same_groups()
    {
        ScenarioLoadResult result = ScenarioLoader.Load("""
            name: v
            seed: 1
            population:
              reference: White
              regions:
                North: {White: 1000, Black: 100}
                South: {White: 1000, Blak: 100}
            referrals: {total: 100}
            recording: {missing: {mechanism: none}}
            detectors: [rate-ratio]
            simulation: {replicates: 10}
            """, "r.yaml");
        Assert.Contains(result.Errors, e => e.Path == "population.regions.South" && e.Message.Contains("no count for group 'Black'"));
        Assert.Contains(result.Errors, e => e.Path == "population.regions.South.Blak" && e.Message.Contains("did you mean 'Black'?"));
    }

    [Fact]
    public void Covariate_shares_by_group_must_name_groups_and_levels()
    {
        ScenarioLoadResult result = ScenarioLoader.Load(Head.Replace(
            "sector: {levels: {Education: 0.5, Police: 0.5}}",
            "sector: {levels: {Education: 0.5, Police: 0.5}, by_group: {Blak: {Education: 1, Police: 0}, Black: {Education: 1}}}")
            + "recording: {missing: {mechanism: none}}\n", "c.yaml");
        Assert.Contains(result.Errors, e => e.Path == "referrals.covariates.sector.by_group.Blak");
        Assert.Contains(result.Errors, e => e.Path == "referrals.covariates.sector.by_group.Black" && e.Message.Contains("no share for level 'Police'"));
    }

    [Fact]
    public void Rate_ratios_by_region_must_name_regions()
    {
        ScenarioLoadResult result = ScenarioLoader.Load("""
            name: v
            seed: 1
            population:
              reference: White
              regions: {North: {White: 1000, Black: 100}}
            referrals: {total: 100, rate_ratios_by_region: {Nort: {Black: 2}}}
            recording: {missing: {mechanism: none}}
            detectors: [rate-ratio]
            simulation: {replicates: 10}
            """, "r.yaml");
        Assert.Contains(result.Errors, e => e.Path == "referrals.rate_ratios_by_region.Nort" && e.Message.Contains("did you mean 'North'?"));
    }
}
