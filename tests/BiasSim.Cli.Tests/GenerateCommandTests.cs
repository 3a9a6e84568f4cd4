using System.Globalization;
using BiasSim.Cli.Records;
using BiasSim.Core.Tests.Support;

namespace BiasSim.Cli.Tests;

/// <summary><c>biassim generate</c>: one synthetic record-level dataset, reproducible byte for byte from its seed.</summary>
public class GenerateCommandTests
{
    private static readonly string[] FixedColumns =
        ["referral_id", "referral_date", "region", "sector", "age", "sex", "self_defined_ethnicity", "officer_assigned_ethnicity", "recorded_ethnicity"];

    public const string Scenario = """
        name: generate-test
        seed: 41
        population:
          reference: White
          regions:
            North: {White: 600000, Black: 50000, Asian: 90000, Mixed: 20000}
            South: {White: 400000, Black: 80000, Asian: 60000, Mixed: 30000}
        referrals:
          total: 3000
          rate_ratios: {Black: 1.4}
          covariates:
            sector: {levels: {Education: 0.4, Police: 0.6}}
            year: {levels: {2019/20: 1, 2020/21: 1}}
            sex: {levels: {Male: 0.9, Female: 0.1}}
        recording:
          missing: {mechanism: mcar, share: 0.6}
          misclassification:
            matrix: officer-stop-search-2021
            assigned_by: {officer: 0.8, self: 0.2}
        detectors: [rate-ratio]
        simulation: {replicates: 100}
        """;

    private static string Generate(TempFolder tmp, string name, params string[] extra)
    {
        string scenario = tmp.File("g.yaml", Scenario);
        string path = tmp.Combine(name);
        CliResult r = Cli.Run(["generate", scenario, "--out", path, .. extra]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return path;
    }

    [Fact]
    public void Same_seed_gives_the_same_file_byte_for_byte_and_another_replicate_or_seed_a_different_one()
    {
        using var tmp = new TempFolder();
        byte[] a = File.ReadAllBytes(Generate(tmp, "a.csv", "--replicate", "2"));
        byte[] b = File.ReadAllBytes(Generate(tmp, "b.csv", "--replicate", "2"));
        byte[] c = File.ReadAllBytes(Generate(tmp, "c.csv", "--replicate", "3"));
        byte[] d = File.ReadAllBytes(Generate(tmp, "d.csv", "--replicate", "2", "--seed", "42"));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(a, d);
        Assert.Empty(Directory.GetFiles(tmp.Path, "*.tmp"));
    }

    [Fact]
    public void Rows_have_the_documented_columns_and_consistent_values()
    {
        using var tmp = new TempFolder();
        string[] lines = File.ReadAllLines(Generate(tmp, "r.csv"));
        string[] header = lines[0].Split(',');
        Assert.Equal([.. FixedColumns, "year"], header);
        Assert.Equal(3001, lines.Length);
        var ids = new HashSet<string>();
        int unrecorded = 0, officerKept = 0, recordedCount = 0;
        foreach (string line in lines.Skip(1))
        {
            string[] f = line.Split(',');
            Assert.Equal(header.Length, f.Length);
            Assert.Matches("^PRV[0-9]{10}$", f[0]);
            Assert.True(ids.Add(f[0]), $"duplicate id {f[0]}");
            // A referral's date falls in its financial year (April to March).
            var date = DateOnly.ParseExact(f[1], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            int start = int.Parse(f[^1][..4], CultureInfo.InvariantCulture);
            Assert.InRange(date, new DateOnly(start, 4, 1), new DateOnly(start + 1, 3, 31));
            Assert.Contains(f[2], new[] { "North", "South" });
            Assert.Contains(f[3], new[] { "Education", "Police" });
            Assert.InRange(int.Parse(f[4], CultureInfo.InvariantCulture), 7, 80);
            Assert.Contains(f[5], new[] { "Male", "Female" });
            Assert.Contains(f[6], new[] { "White", "Black", "Asian", "Mixed" });
            Assert.Contains(f[7], new[] { "White", "Black", "Asian", "Other" }); // officers never record Mixed
            if (f[8].Length == 0) { unrecorded++; continue; }
            recordedCount++;
            // A recorded category is the officer's, or (self-assigned) the self-defined group.
            Assert.True(f[8] == f[7] || f[8] == f[6], $"recorded {f[8]} is neither the officer's {f[7]} nor the self-defined {f[6]}");
            if (f[8] == f[7]) officerKept++;
        }
        // 60% MCAR: 1,800 expected of 3,000, SD 27; 4 SD is 107.
        McTolerance.RateWithin4Se(0.6, unrecorded / 3000.0, 3000, "unrecorded share");
        McTolerance.RateAtLeast(0.8, officerKept / (double)recordedCount, recordedCount, $"{officerKept} of {recordedCount} carry the officer's category");
    }

    [Fact]
    public void Without_covariates_the_optional_columns_are_empty_and_the_default_year_is_used()
    {
        using var tmp = new TempFolder();
        string scenario = tmp.File("s.yaml", Cli.Scenario);
        string path = tmp.Combine("out", "nested", "plain.csv");
        CliResult r = Cli.Run("generate", scenario, "--out", path);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("Wrote 4,000 referrals to", r.Stdout);
        string[] lines = File.ReadAllLines(path);
        Assert.Equal(FixedColumns, lines[0].Split(','));
        foreach (string line in lines.Skip(1).Take(200))
        {
            string[] f = line.Split(',');
            Assert.Equal("", f[2]); // no regions
            Assert.Equal("", f[3]); // no sector
            Assert.Equal("", f[5]); // no sex
            Assert.Equal("", f[7]); // no misclassification: no officer category
            Assert.InRange(DateOnly.ParseExact(f[1], "yyyy-MM-dd", CultureInfo.InvariantCulture), DatasetWriter.DefaultYear.Start,
                DatasetWriter.DefaultYear.End);
            Assert.True(f[8].Length == 0 || f[8] == f[6], "self-defined categories are recorded as they are");
        }
    }

    [Fact]
    public void Religion_gets_its_own_columns()
    {
        using var tmp = new TempFolder();
        string scenario = File.ReadAllText(Path.Combine(Cli.RepoRoot, "scenarios", "religion.yaml"));
        string file = tmp.File("religion.yaml", scenario);
        CliResult r = Cli.Run("generate", file, "--out", tmp.Combine("r.csv"), "--set", "referrals.total=500");
        Assert.True(r.ExitCode == 0, r.Stderr);
        string[] lines = File.ReadAllLines(tmp.Combine("r.csv"));
        Assert.Equal([.. FixedColumns, "religion", "recorded_religion"], lines[0].Split(','));
        Assert.All(lines.Skip(1), l => Assert.EndsWith(",", l)); // religion is never recorded in this scenario
    }

    [Fact]
    public void Ids_are_a_permutation()
    {
        var seen = new HashSet<ulong>();
        for (ulong row = 0; row < 200_000; row++) Assert.True(seen.Add(DatasetWriter.ScrambledId(row, 123_456_789, 987_654_321)));
    }

    [Fact]
    public void Bad_replicate_and_bad_scenario_exit_2_without_output()
    {
        using var tmp = new TempFolder();
        string scenario = tmp.File("s.yaml", Cli.Scenario);
        CliResult r = Cli.Run("generate", scenario, "--replicate", "-1", "--out", tmp.Combine("x.csv"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--replicate", r.Stderr);
        string bad = tmp.File("bad.yaml", Cli.Scenario.Replace("seed: 31", "sead: 31"));
        r = Cli.Run("generate", bad, "--out", tmp.Combine("x.csv"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("did you mean 'seed'?", r.Stderr);
        Assert.False(File.Exists(tmp.Combine("x.csv")));
    }
}
