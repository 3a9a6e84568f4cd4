using BiasSim.Core.BiasAnalysis;

namespace BiasSim.Core.Tests.BiasAnalysis;

/// <summary>A priors file is read like a scenario: every mistake at once, each naming file, line and key.</summary>
public class BiasPriorsLoaderTests
{
    private static readonly string[] Groups = ["White", "Black", "Asian", "Other"];

    [Fact]
    public void Every_distribution_is_read()
    {
        const string text = """
            recording_ratios:
              Black: {distribution: trapezoidal, min: 0.67, lower_mode: 0.9, upper_mode: 1.5, max: 2.0}
              Asian: {distribution: triangular, min: 0.67, mode: 1.1, max: 2.0}
              Other: {distribution: log-normal, median: 1.0, gsd: 1.5}
            draws: 5000
            """;
        BiasPriorsLoadResult r = BiasPriorsLoader.Load(text, "p.yaml", Groups, "White");
        Assert.Empty(r.Errors);
        Assert.Equal(new TrapezoidalPrior(0.67, 0.9, 1.5, 2.0), r.Priors!.RecordingRatios["Black"]);
        Assert.Equal(new TriangularPrior(0.67, 1.1, 2.0), r.Priors.RecordingRatios["Asian"]);
        Assert.Equal(new LogNormalPrior(1.0, 1.5), r.Priors.RecordingRatios["Other"]);
        Assert.Equal(5000, r.Priors.Draws);
        BiasPriorsLoadResult points = BiasPriorsLoader.Load(
            "recording_ratios: {Black: 0.5, Asian: {distribution: point, value: 2}, Other: {distribution: uniform, min: 1, max: 2}}",
            "p.yaml", Groups, "White");
        Assert.Empty(points.Errors);
        Assert.Equal(new PointPrior(0.5), points.Priors!.RecordingRatios["Black"]);
        Assert.Equal(new PointPrior(2), points.Priors.RecordingRatios["Asian"]);
        Assert.Equal(new UniformPrior(1, 2), points.Priors.RecordingRatios["Other"]);
    }

    [Fact]
    public void Mistakes_are_all_reported_with_file_line_and_key()
    {
        const string text = """
            recording_ratios:
              Blak: 0.5
              White: 0.9
              Asian: {distribution: triangular, min: 2, mode: 1.1, max: 0.5}
              Other: {distribution: log-normal, median: 1.0, gsd: 0.5}
            draws: 0
            """;
        var errors = BiasPriorsLoader.Load(text, "p.yaml", Groups, "White").Errors.Select(e => e.ToString()).ToList();
        Assert.Contains(errors, e => e.StartsWith("p.yaml:2:", StringComparison.Ordinal) && e.Contains("recording_ratios.Blak")
            && e.Contains("did you mean 'Black'"));
        Assert.Contains(errors, e => e.StartsWith("p.yaml:3:", StringComparison.Ordinal) && e.Contains("is the reference"));
        Assert.Contains(errors, e => e.StartsWith("p.yaml:4:", StringComparison.Ordinal) && e.Contains("recording_ratios.Asian")
            && e.Contains("min <= mode <= max"));
        Assert.Contains(errors, e => e.StartsWith("p.yaml:5:", StringComparison.Ordinal) && e.Contains("recording_ratios.Other.gsd"));
        Assert.Contains(errors, e => e.StartsWith("p.yaml:6:", StringComparison.Ordinal) && e.Contains("draws"));
    }

    [Theory]
    [InlineData("recording_ratios: {Black: {distribution: beta, a: 1}}", "'beta' is not a distribution")]
    [InlineData("recording_ratios: {Black: {distribution: uniform, min: 1}}", "recording_ratios.Black.max: missing")]
    [InlineData("recording_ratios: {Black: {distribution: uniform, min: 1, max: 2, mode: 1.5}}", "recording_ratios.Black.mode: unknown key")]
    [InlineData("recording_ratios: {Black: -1}", "expected a recording ratio above 0")]
    [InlineData("recording_ratios: {}", "found no groups")]
    [InlineData("draws: 10", "recording_ratios: missing")]
    [InlineData("recording_ratios: {Black: 1}\n  bad: [", "YAML syntax error")]
    [InlineData("", "the file is empty")]
    public void Each_kind_of_mistake_says_what_was_expected(string text, string expected)
    {
        var errors = BiasPriorsLoader.Load(text, "p.yaml", Groups, "White").Errors;
        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => e.ToString().Contains(expected, StringComparison.Ordinal) && e.File == "p.yaml" && e.Line >= 1);
    }
}
