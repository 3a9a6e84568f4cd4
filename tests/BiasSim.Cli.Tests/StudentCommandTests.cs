using BiasSim.Cli.Commands;
using BiasSim.Cli.Output;
using BiasSim.Core.Design;
using BiasSim.Core.Detectors;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli.Tests;

/// <summary>init, explain and the defaults note: what a student meets first.</summary>
public class StudentCommandTests
{
    private const string Minimal = """
        name: minimal
        population:
          reference: White
          groups: {White: 1000000, Black: 80000}
        referrals:
          total: 4000
          rate_ratios: {Black: 1.4}
        recording:
          missing: {mechanism: mcar, share: 0.6}
        """;

    [Fact]
    public void Init_writes_a_scenario_that_validates_and_runs()
    {
        using var temp = new TempFolder();
        string file = temp.Combine("first-audit.yaml");
        CliResult init = Cli.Run("init", file);
        Assert.Equal(0, init.ExitCode);
        Assert.Contains($"Wrote {file}", init.Stdout);

        CliResult validate = Cli.Run("validate", file);
        Assert.True(validate.ExitCode == 0, validate.Stderr);
        Assert.Contains("valid (first-audit: 5 groups, 2 detector(s), 10,000 replicates)", validate.Stdout);

        CliResult run = Cli.Run("run", file, "--replicates", "400", "--no-plots", "--out", temp.Combine("out"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.StartsWith("first-audit: 400 simulated audits (replicates), seed 1,", run.Stdout);
        Assert.True(File.Exists(temp.Combine("out", "diagnosands.csv")));
    }

    [Fact]
    public void Init_refuses_to_overwrite_without_force()
    {
        using var temp = new TempFolder();
        string file = temp.File("mine.yaml", "name: precious\n");
        CliResult refused = Cli.Run("init", file);
        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
        Assert.Contains("already exists", refused.Stderr);
        Assert.Contains("--force", refused.Stderr);
        Assert.Equal("name: precious\n", File.ReadAllText(file));

        Assert.Equal(0, Cli.Run("init", file, "--force").ExitCode);
        Assert.StartsWith("# A BiasSim scenario", File.ReadAllText(file));
    }

    [Fact]
    public void Init_dash_writes_to_standard_output_and_no_file()
    {
        CliResult r = Cli.Run("init", "-");
        Assert.Equal(0, r.ExitCode);
        Assert.True(ScenarioLoader.Load(r.Stdout, "stdout.yaml").Success);
        Assert.Contains("name: my-scenario", r.Stdout);
    }

    /// <summary>The starter's comments offer alternatives; each must work when a student swaps it in.</summary>
    [Fact]
    public void Every_alternative_the_starter_suggests_validates()
    {
        string starter = InitCommand.Starter("alt");
        string[] alternatives = [.. starter.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("#   {mechanism:", StringComparison.Ordinal))
            .Select(l => l[4..].Split("  (")[0].Trim())];
        Assert.Equal(2, alternatives.Length);
        foreach (string alternative in alternatives)
        {
            string text = starter.Replace("missing: {mechanism: mcar, share: 0.647}", $"missing: {alternative}");
            ScenarioLoadResult r = ScenarioLoader.Load(text, "alt.yaml");
            Assert.True(r.Success, alternative + "\n" + string.Join("\n", r.Errors));
        }
        string officers = starter.Replace("# misclassification: {matrix", "misclassification: {matrix");
        Assert.True(ScenarioLoader.Load(officers, "officers.yaml").Success);
    }

    [Fact]
    public void Run_and_validate_name_the_defaults_they_used()
    {
        using var temp = new TempFolder();
        string file = temp.File("minimal.yaml", Minimal);
        CliResult validate = Cli.Run("validate", file);
        Assert.Contains("Defaults used (not set in the file): seed 1, detectors rate-ratio and chi-square, 10,000 replicates.", validate.Stdout);
        Assert.Contains("ethnicity missing by self-defined group (expected, mcar): White 60%, Black 60%; overall 60%", validate.Stdout);

        CliResult run = Cli.Run("run", file, "--replicates", "300", "--no-plots", "--out", temp.Combine("out"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.StartsWith("minimal: 300 simulated audits (replicates), seed 1,", run.Stdout);
        Assert.Contains("Defaults used (not set in the file): seed 1, detectors rate-ratio and chi-square.", run.Stdout);
    }

    /// <summary>A new diagnosands.csv column without a glossary entry fails here.</summary>
    [Fact]
    public void Every_diagnosand_column_and_outcome_has_a_glossary_entry()
    {
        IEnumerable<string> columns = DiagnosandColumns.All.Select(c => c.Name)
            .Concat(Glossary.Outcomes).Concat(Glossary.Outcomes.Select(o => o + "_se"));
        string[] missing = [.. columns.Where(c => Glossary.Find(c) is not { Kind: Glossary.Kind.Column })];
        Assert.Empty(missing);
    }

    [Fact]
    public void Every_detector_and_mechanism_has_a_glossary_entry()
    {
        string[] detectors = [.. DetectorCatalog.Names.Where(d => Glossary.Find(d) is not { Kind: Glossary.Kind.Detector })];
        Assert.Empty(detectors);
        string[] all = ["none", "mcar", "mnar", "mar", "logistic", "never"];
        string[] mechanisms = [.. all.Where(m => Glossary.Find(m) is not { Kind: Glossary.Kind.Mechanism })];
        Assert.Empty(mechanisms);
    }

    [Fact]
    public void Glossary_terms_are_unique_however_written()
    {
        var keys = Glossary.All.Select(e => e.Term.ToLowerInvariant().Replace('_', '-')).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.All(Glossary.All.SelectMany(e => e.SeeAlso).Where(s => !s.Contains('/')), s => Assert.NotNull(Glossary.Find(s)));
    }

    [Fact]
    public void Explain_prints_an_entry_whatever_the_case_or_separator()
    {
        CliResult r = Cli.Run("explain", "Wrong-Direction-Rate");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("wrong_direction_rate (diagnosands.csv and sweep.csv column)\n  Flagged in the opposite direction", r.Stdout);
    }

    [Fact]
    public void Explain_suggests_the_nearest_term_for_a_typo()
    {
        CliResult r = Cli.Run("explain", "coverge");
        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Contains("unknown term 'coverge' (did you mean 'coverage'?)", r.Stderr);
    }

    [Fact]
    public void Explain_without_a_term_lists_every_term()
    {
        CliResult r = Cli.Run("explain");
        Assert.Equal(0, r.ExitCode);
        string flat = r.Stdout.Replace("\n  ", " ");
        Assert.All(Glossary.All, e => Assert.Contains(e.Term, flat));
    }
}
