using System.Globalization;

namespace BiasSim.Cli.Tests;

/// <summary><c>run --save-replicates</c>: replicates.csv reproduces diagnosands.csv's tallies exactly, is the same file on
/// any thread count, and refuses what it cannot do whole.</summary>
public class SaveReplicatesTests
{
    // Two groups truly at rate ratio 1 (Asian, Mixed) give rate-ratio a family-wise row; tipping-point is not judged.
    private const string Scenario = """
        name: replicates-test
        seed: 17
        population:
          reference: White
          groups: {White: 1000000, Black: 80000, Asian: 150000, Mixed: 60000}
        referrals:
          total: 3000
          rate_ratios: {Black: 1.3}
        recording:
          missing: {mechanism: mcar, share: 0.6}
        detectors: [rate-ratio, chi-square, tipping-point]
        simulation: {replicates: 100, alpha: 0.05}
        """;

    // 17,000 replicates: 17 blocks, so one thread (waves of 8 blocks) and two (waves of 16) split the run differently.
    private const string Replicates = "17000";

    [Fact]
    public void Rows_reproduce_every_tally_exactly_and_the_file_is_identical_on_one_and_two_threads()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Scenario);
        CliResult one = Cli.Run("run", file, "-r", Replicates, "-t", "1", "--save-replicates", "--no-plots", "-q", "-o", tmp.Combine("one"));
        CliResult two = Cli.Run("run", file, "-r", Replicates, "-t", "2", "--save-replicates", "--no-plots", "-q", "-o", tmp.Combine("two"));
        Assert.True(one.ExitCode == 0, one.Stderr);
        Assert.True(two.ExitCode == 0, two.Stderr);
        Assert.Contains("replicates.csv: 17,000 replicates x 7 rows = 119,000 rows", one.Stdout);
        // Observing changes no tally: the same run without the file writes the same diagnosands.
        CliResult plain = Cli.Run("run", file, "-r", Replicates, "-t", "2", "--no-plots", "-q", "-o", tmp.Combine("plain"));
        Assert.True(plain.ExitCode == 0, plain.Stderr);
        Assert.Equal(File.ReadAllBytes(tmp.Combine("plain", "diagnosands.csv")), File.ReadAllBytes(tmp.Combine("one", "diagnosands.csv")));
        Assert.False(File.Exists(tmp.Combine("plain", "replicates.csv")));
        byte[] a = File.ReadAllBytes(tmp.Combine("one", "replicates.csv"));
        Assert.Equal(a, File.ReadAllBytes(tmp.Combine("two", "replicates.csv")));

        string[] lines = File.ReadAllLines(tmp.Combine("one", "replicates.csv"));
        Assert.Equal("replicate,attribute,detector,group,estimate,lower,upper,flag,outcome", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(119_000, rows.Count);
        // Replicate order, whatever the threads: replicate r's rows are rows 7r .. 7r + 6.
        for (int i = 0; i < rows.Count; i++) Assert.Equal(i / 7, int.Parse(rows[i][0], CultureInfo.InvariantCulture));

        string[] diag = File.ReadAllLines(tmp.Combine("one", "diagnosands.csv"));
        string[] header = diag[0].Split(',');
        int Col(string name) => Array.IndexOf(header, name);
        int checkedRows = 0;
        foreach (string[] d in diag.Skip(1).Select(l => l.Split(',')))
        {
            string detector = d[Col("detector")], group = d[Col("group")];
            double? Rate(string column) => d[Col(column)] is { Length: > 0 } v ? double.Parse(v, CultureInfo.InvariantCulture) : null;
            if (group == "family-wise")
            {
                // Rebuilt from the same replicates' rows of the null groups: a false alarm when any of them was flagged.
                long alarms = rows.Where(r => r[2] == detector && r[3] is "Asian" or "Mixed").GroupBy(r => r[0])
                    .Count(g => g.Any(r => r[7] is "up" or "down"));
                Assert.Equal((double)alarms / 17_000, Rate("false_alarm_rate"));
                Assert.Equal((double)(17_000 - alarms) / 17_000, Rate("correct_rate"));
                checkedRows++;
                continue;
            }
            var mine = rows.Where(r => r[2] == detector && r[3] == group).ToList();
            Assert.Equal(17_000, mine.Count);
            double Share(Func<string[], bool> which) => (double)mine.Count(which) / mine.Count;
            // Exact equality: both sides are a count divided by the replicates.
            Assert.Equal(Share(r => r[7] is "up" or "down" or "flagged"), Rate("flag_rate"));
            Assert.Equal(Share(r => r[7] == "not_estimable"), Rate("not_estimable_rate"));
            if (detector != "chi-square")
            {
                Assert.Equal(Share(r => r[7] == "up"), Rate("flag_up_rate"));
                Assert.Equal(Share(r => r[7] == "down"), Rate("flag_down_rate"));
            }
            else
            {
                Assert.DoesNotContain(mine, r => r[7] is "up" or "down");
            }
            if (detector == "tipping-point")
            {
                Assert.All(mine, r => Assert.Equal("", r[8]));
            }
            else
            {
                foreach (var (outcome, column) in new[] { ("correct", "correct_rate"), ("missed", "missed_rate"), ("false_alarm", "false_alarm_rate"),
                    ("misestimated", "misestimated_rate"), ("wrong_direction", "wrong_direction_rate") })
                {
                    if (Rate(column) is double expected) Assert.Equal(Share(r => r[8] == outcome), expected);
                    else Assert.DoesNotContain(mine, r => r[8] == outcome);
                }
            }
            checkedRows++;
        }
        Assert.Equal(8, checkedRows); // 3 rate-ratio + family-wise + chi-square + 3 tipping-point
        // The run must exercise both kinds of outcome the check compares, or it proves little.
        Assert.Contains(rows, r => r[8] == "false_alarm");
        Assert.Contains(rows, r => r[8] == "correct");
    }

    [Fact]
    public void A_file_over_the_limit_is_refused_before_anything_runs()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Scenario);
        CliResult r = Cli.Run("run", file, "-r", "1000", "--save-replicates", "--max-replicates-bytes", "10000", "--no-plots", "-q", "-o", tmp.Combine("o"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--save-replicates: replicates.csv would hold 7,000 rows", r.Stderr);
        Assert.Contains("--max-replicates-bytes", r.Stderr);
        Assert.False(File.Exists(tmp.Combine("o", "diagnosands.csv")));
    }

    [Theory]
    [InlineData("--shard", "0/2")]
    [InlineData("--resume", "somewhere")]
    public void Shards_and_resumes_are_refused(string option, string value)
    {
        using var tmp = new TempFolder();
        string file = tmp.File("s.yaml", Scenario);
        CliResult r = Cli.Run("run", file, "-r", "100", "--save-replicates", option, value, "--no-plots", "-q", "-o", tmp.Combine("o"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"--save-replicates with {option}: not supported", r.Stderr);
    }
}
