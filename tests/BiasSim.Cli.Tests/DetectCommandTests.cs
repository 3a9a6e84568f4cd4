using System.Globalization;
using System.Text;
using BiasSim.Cli.Detection;
using BiasSim.Core.Design;
using BiasSim.Core.Detectors;
using BiasSim.Core.Engine;
using BiasSim.Core.Records;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli.Tests;

/// <summary><c>biassim detect</c>: BiasSim's detectors run once on observed data, checked against closed-form values.</summary>
public class DetectCommandTests
{
    private const string Census = "group,population\nWhite,1000000\nBlack,100000\nAsian,200000\n";

    // Recorded 500 White, 80 Black, 120 Asian; 250 without a recorded group.
    private const string Counts = "group,referrals\nWhite,500\nBlack,80\nAsian,120\nUnknown,250\n";

    // Self-defined White recorded as Black 10% of the time; everyone else recorded as they are.
    private const string Matrix = "self_defined,White,Black,Asian\nWhite,0.9,0.1,0\nBlack,0,1,0\nAsian,0,0,1\n";

    private sealed record Row(string Detector, string Group, double? Estimate, double? Lower, double? Upper, double? Statistic, double? Df, double? P,
        string Flagged, string Note);

    private static Dictionary<(string, string), Row> ReadDetection(string folder)
    {
        string[] lines = File.ReadAllLines(Path.Combine(folder, "detection.csv"));
        Assert.Equal("detector,group,estimate,lower,upper,statistic,df,p_value,flagged,note", lines[0]);
        var rows = new Dictionary<(string, string), Row>();
        foreach (string line in lines.Skip(1))
        {
            string[] f = SplitCsv(line);
            double? N(int i) => f[i].Length == 0 ? null : double.Parse(f[i], CultureInfo.InvariantCulture);
            rows[(f[0], f[1])] = new Row(f[0], f[1], N(2), N(3), N(4), N(5), N(6), N(7), f[8], f[9]);
        }
        return rows;
    }

    private static string[] SplitCsv(string line)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else sb.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(c);
        }
        fields.Add(sb.ToString());
        return [.. fields];
    }

    private static void Close(double expected, double? actual, string what) =>
        Assert.True(actual is double a && Math.Abs(a - expected) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, found {actual:R}");

    [Fact]
    public void Every_detector_matches_its_closed_form_on_given_counts()
    {
        using var tmp = new TempFolder();
        string data = tmp.File("counts.csv", Counts), census = tmp.File("census.csv", Census), matrix = tmp.File("m.csv", Matrix);
        string outDir = tmp.Combine("out");
        CliResult r = Cli.Run("detect", data, "--census", census, "--reference", "White", "--misclassification", matrix,
            "--detectors", "rate-ratio,chi-square,bounds,misclassification-corrected", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var rows = ReadDetection(outDir);
        Assert.Equal(7, rows.Count);

        // rate-ratio (hand-derived; Katz et al. 1978): RR_Black = (80/100,000) / (500/1,000,000) = 0.0008/0.0005 = 1.6;
        // SE(log RR) = sqrt(1/80 - 1/100,000 + 1/500 - 1/1,000,000) = sqrt(0.014489) = 0.120370262108213;
        // 95% interval 1.6 exp(-/+ 1.959963984540054 x SE) = 1.26374843213136 to 2.02571962497509;
        // z = ln 1.6 / SE = 3.90464904714754; p = 2 (1 - Phi(z)) = 9.43622218505e-5.
        Row black = rows[("rate-ratio", "Black")];
        Close(1.6, black.Estimate, "RR Black");
        Close(1.2637484321313635, black.Lower, "RR Black lower");
        Close(2.0257196249750873, black.Upper, "RR Black upper");
        Close(3.9046490471475437, black.Statistic, "RR Black z");
        Close(9.43622218505012e-05, black.P, "RR Black p");
        Assert.Null(black.Df); // normal reference distribution
        Assert.Equal("up", black.Flagged);
        // RR_Asian = (120/200,000) / 0.0005 = 1.2; SE = sqrt(1/120 - 1/200,000 + 1/500 - 1/1,000,000) = 0.101623488098635;
        // interval 0.983284461360632 to 1.46447956475116; z = ln 1.2 / SE = 1.79408875059470; p = 0.0727990042993844.
        Row asian = rows[("rate-ratio", "Asian")];
        Close(1.2, asian.Estimate, "RR Asian");
        Close(0.9832844613606322, asian.Lower, "RR Asian lower");
        Close(1.4644795647511624, asian.Upper, "RR Asian upper");
        Close(1.7940887505946983, asian.Statistic, "RR Asian z");
        Close(0.07279900429938442, asian.P, "RR Asian p");
        Assert.Equal("no", asian.Flagged);

        // chi-square (Pearson; hand-derived): n = 700 recorded, census shares 1/1.3, 0.1/1.3, 0.2/1.3, expected counts
        // 538.4615, 53.8462, 107.6923; X^2 = 38.4615^2/538.4615 + 26.1538^2/53.8462 + 12.3077^2/107.6923
        // = 2.7473 + 12.7033 + 1.4066 = 16.857142857 (= 118/7); df = 3 - 1 = 2, and with 2 df p = exp(-X^2/2) = 2.18533458e-4.
        Row chi = rows[("chi-square", "all")];
        Assert.Null(chi.Estimate);
        Close(118.0 / 7, chi.Statistic, "chi-square statistic");
        Assert.Equal(2.0, chi.Df);
        Close(Math.Exp(-118.0 / 14), chi.P, "chi-square p");
        Assert.Equal("yes", chi.Flagged);

        // bounds (Manski; hand-derived): lower = (X_g/N_g) / ((X_ref + U)/N_ref), upper = ((X_g + U)/N_g) / (X_ref/N_ref).
        // Black: (80/100,000)/(750/1,000,000) = 1.0666...; (330/100,000)/(500/1,000,000) = 6.6; midpoint sqrt(1.0667 x 6.6) = 2.6533.
        // The interval is Imbens and Manski's (2004) around them: Katz SE_L = sqrt(1/80 - 1/100,000 + 1/750 - 1/1,000,000) = 0.117568,
        // SE_U = sqrt(1/330 - 1/100,000 + 1/500 - 1/1,000,000) = 0.070847; Delta / max SE = 14.6 puts c at z_0.95 = 1.644854
        // (to 1e-15; independently by bisection in Python), so 1.0667 e^{-c SE_L} = 0.879111 to 6.6 e^{c SE_U} = 7.415724.
        // The identified interval is above 1, but the lower bound's sampling error reaches below 1: not flagged.
        Row blackBounds = rows[("bounds", "Black")];
        Close(0.8791108143557259, blackBounds.Lower, "bounds Black lower");
        Close(7.415724359316535, blackBounds.Upper, "bounds Black upper");
        Close(Math.Sqrt(16.0 / 15 * 6.6), blackBounds.Estimate, "bounds Black midpoint");
        Assert.Equal("no", blackBounds.Flagged);
        // Asian: (120/200,000)/(750/1,000,000) = 0.8; (370/200,000)/(500/1,000,000) = 3.7; c = z_0.95 again, interval 0.680577 to 4.141503.
        Row asianBounds = rows[("bounds", "Asian")];
        Close(0.6805771707837533, asianBounds.Lower, "bounds Asian lower");
        Close(4.141502897146015, asianBounds.Upper, "bounds Asian upper");
        Assert.Equal("no", asianBounds.Flagged);
        Assert.Null(asianBounds.P);

        // misclassification-corrected (hand-derived): E[x] = M^T t, so x_White = 0.9 t_White, x_Black = 0.1 t_White + t_Black,
        // x_Asian = t_Asian: t = (555.556, 80 - 55.556 = 24.444, 120). RR_Black = (24.444/100,000)/(555.556/1,000,000) = 0.44;
        // RR_Asian = (120/200,000)/(555.556/1,000,000) = 1.08. B = (M^T)^-1 has rows (1/0.9, 0, 0), (-1/9, 1, 0), (0, 0, 1), and
        // Var(t) = B diag(x) B^T: Var t_Black = 500/81 + 80, Var t_White = 500/0.81, Cov = -500/8.1, so
        // Var log RR_Black = 86.17/24.444^2 + 617.28/555.556^2 + 2 x 61.73/(24.444 x 555.556) - 1/100,000 - 1/1,000,000
        // = 0.155294785124; SE 0.394074593350; interval 0.44 exp(-/+ 1.96 SE) = 0.203243083174 to 0.952553941697; z = -2.08331256550.
        Row mcBlack = rows[("misclassification-corrected", "Black")];
        Close(0.44, mcBlack.Estimate, "corrected Black");
        Close(0.2032430831738831, mcBlack.Lower, "corrected Black lower");
        Close(0.9525539416973268, mcBlack.Upper, "corrected Black upper");
        Close(-2.0833125654986677, mcBlack.Statistic, "corrected Black z");
        Close(0.03722274211926316, mcBlack.P, "corrected Black p");
        Assert.Equal("down", mcBlack.Flagged);
        Row mcAsian = rows[("misclassification-corrected", "Asian")];
        Close(1.08, mcAsian.Estimate, "corrected Asian");
        Close(0.8849560152245689, mcAsian.Lower, "corrected Asian lower");
        Close(1.318031608276046, mcAsian.Upper, "corrected Asian upper");

        Assert.Contains("rate-ratio: rate ratio vs White", r.Stdout);
        Assert.Contains("What these data can and cannot show:", r.Stdout);
    }

    [Fact]
    public void Generate_then_detect_equals_the_core_detectors_on_the_same_aggregated_counts()
    {
        using var tmp = new TempFolder();
        // Five groups, as officers' categories (White, Black, Asian, Other) are all census groups; 20% self-assigned adds Mixed.
        string scenarioText = GenerateCommandTests.Scenario
            .Replace("Mixed: 20000}", "Mixed: 20000, Other: 15000}").Replace("Mixed: 30000}", "Mixed: 30000, Other: 25000}")
            .Replace("mechanism: mcar, share: 0.6", "mechanism: mnar, share_by_group: {White: 0.6, Black: 0.7, Asian: 0.5, Mixed: 0.6, Other: 0.65}");
        string scenarioFile = tmp.File("s.yaml", scenarioText);
        ScenarioLoadResult loaded = ScenarioLoader.Load(scenarioText, scenarioFile);
        Scenario scenario = loaded.Scenario!;
        const ulong seed = 77, replicate = 5;

        // The census and the (officer x 0.8 + self x 0.2) matrix over census groups, written as detect reads them.
        var count = new CountModel(scenario);
        Population population = count.AttributePopulation(0);
        var census = new StringBuilder("group,population\n");
        foreach (PopulationGroup g in population.Groups) census.Append(CultureInfo.InvariantCulture, $"{g.Name},{g.Census}\n");
        string[] names = [.. population.Groups.Select(g => g.Name)];
        // officer-stop-search-2021 records no one as Mixed, so mixing in 20% self-assignment makes M square over the groups.
        double[,] m = count.AssignmentOverLevels(0)!;
        var matrix = new StringBuilder("self_defined," + string.Join(",", names) + "\n");
        for (int g = 0; g < names.Length; g++)
        {
            matrix.Append(names[g]);
            for (int h = 0; h < names.Length; h++) matrix.Append(',').Append(m[g, h].ToString("R", CultureInfo.InvariantCulture));
            matrix.Append('\n');
        }

        string data = tmp.Combine("referrals.csv");
        CliResult gen = Cli.Run("generate", scenarioFile, "--seed", "77", "--replicate", "5", "--out", data);
        Assert.True(gen.ExitCode == 0, gen.Stderr);
        string outDir = tmp.Combine("detect");
        CliResult det = Cli.Run("detect", data, "--census", tmp.File("census.csv", census.ToString()), "--reference", "White",
            "--misclassification", tmp.File("m.csv", matrix.ToString()), "--detectors", "rate-ratio,chi-square,bounds,misclassification-corrected,ipw", "--out",
            outDir);
        Assert.True(det.ExitCode == 0, det.Stderr);
        var rows = ReadDetection(outDir);

        // The same replicate's records, aggregated in memory, through the Core detectors the simulation uses.
        var records = new RecordModel(scenario);
        var tally = new RecordTally(records);
        tally.AddAll(records.Open(seed, replicate));
        Assert.Equal(0, tally.Unmatched[0]);
        double[] nan = [.. names.Select(_ => double.NaN)];
        var comparison = new GroupComparison(population, nan, 0.05);
        CountDetector[] detectors =
        [
            new RateRatioDetector(population, nan, 0.05),
            new ChiSquareDetector(population, nan, 0.05),
            new BoundsDetector(comparison),
            new MisclassificationCorrectedDetector(comparison, m),
        ];
        int compared = 0;
        foreach (CountDetector d in detectors)
        {
            var outcomes = new DetectorOutcome[d.Targets.Length];
            d.Evaluate(tally.Counts(0), outcomes);
            for (int t = 0; t < outcomes.Length; t++)
            {
                Row row = rows[(d.Name, d.Targets[t])];
                DetectorOutcome o = outcomes[t];
                Assert.Equal(o.Estimable, row.Note.StartsWith("not estimable", StringComparison.Ordinal) == false);
                if (!o.Estimable) continue;
                if (d is ChiSquareDetector chi)
                {
                    Assert.Equal(o.Estimate, row.Statistic);
                    Assert.Equal(chi.PValue(o.Estimate), row.P);
                }
                else
                {
                    Assert.Equal(o.Estimate, row.Estimate);
                    Assert.Equal(o.Lower, row.Lower);
                    Assert.Equal(o.Upper, row.Upper);
                    Assert.Equal(o.Flag > 0 ? "up" : o.Flag < 0 ? "down" : "no", row.Flagged);
                }
                compared++;
            }
        }
        Assert.Equal(1 + 3 * 4, compared);
        // With region in the file, ipw weights by it (default stratifier for records) and differs from complete-case.
        Assert.NotEqual(rows[("rate-ratio", "Black")].Estimate, rows[("ipw", "Black")].Estimate);
        long referrals = tally.Referrals;
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"{referrals:N0} referrals, {tally.Unknown[0]:N0}"), det.Stdout);
    }

    private static CliResult RunBad(TempFolder tmp, out string outDir, params string[] args)
    {
        outDir = tmp.Combine("bad-" + Guid.NewGuid().ToString("N"));
        CliResult r = Cli.Run([.. args, "--out", outDir]);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.False(Directory.Exists(outDir), "no output may be written for bad input");
        return r;
    }

    [Fact]
    public void Missing_column_is_reported_at_the_header_line()
    {
        using var tmp = new TempFolder();
        string data = tmp.File("records.csv", "# a comment\nreferral_id,ethnicity\nR1,White\nR2,Black\n");
        CliResult r = RunBad(tmp, out _, "detect", data, "--census", tmp.File("census.csv", Census), "--reference", "White");
        Assert.Contains("records.csv:2:1: recorded_ethnicity: no such column", r.Stderr);
        Assert.Contains("--group-column", r.Stderr);

        string census = tmp.File("census2.csv", "group,populaton\nWhite,1000\nBlack,100\n");
        r = RunBad(tmp, out _, "detect", tmp.File("c.csv", Counts), "--census", census, "--reference", "White");
        Assert.Contains("census2.csv:1:1: population: no such column ('populaton' looks like a misspelling of it)", r.Stderr);
    }

    [Fact]
    public void Non_numeric_count_is_reported_with_file_line_and_column()
    {
        using var tmp = new TempFolder();
        string data = tmp.File("counts.csv", "group,referrals\nWhite,500\nBlack,8o\nAsian,\"1,200\"\nUnknown,250\n");
        CliResult r = RunBad(tmp, out _, "detect", data, "--census", tmp.File("census.csv", Census), "--reference", "White");
        Assert.Contains("counts.csv:3:2: referrals: found '8o', expected a whole number of at least 0", r.Stderr);
        Assert.Contains("counts.csv:4:2: referrals: found '1,200'", r.Stderr); // both reported at once

        string census = tmp.File("census2.csv", "group,population\nWhite,1000000\nBlack,-5\nAsian,200000\n");
        r = RunBad(tmp, out _, "detect", tmp.File("c.csv", Counts), "--census", census, "--reference", "White");
        Assert.Contains("census2.csv:3:2: population: found '-5', expected a whole number of at least 1", r.Stderr);
    }

    [Fact]
    public void A_group_the_census_does_not_know_is_reported_where_it_first_appears()
    {
        using var tmp = new TempFolder();
        string counts = tmp.File("counts.csv", "group,referrals\nWhite,500\nBlack,80\nChinese,12\nUnknown,250\n");
        CliResult r = RunBad(tmp, out _, "detect", counts, "--census", tmp.File("census.csv", Census), "--reference", "White");
        Assert.Contains("counts.csv:4:1: group: 'Chinese' is not a group of the census", r.Stderr);
        Assert.Contains("--unknown-values", r.Stderr);

        string records = tmp.File("records.csv", "referral_id,recorded_ethnicity\nR1,White\nR2,\nR3,Blak\nR4,Black\n");
        r = RunBad(tmp, out _, "detect", records, "--census", tmp.File("census.csv", Census), "--reference", "White");
        Assert.Contains("records.csv:4:2: recorded_ethnicity: 'Blak' is not a group of the census", r.Stderr);
        Assert.Contains("did you mean 'Black'?", r.Stderr);

        r = RunBad(tmp, out _, "detect", tmp.File("c.csv", Counts), "--census", tmp.File("census.csv", Census), "--reference", "white");
        Assert.Contains("--reference: 'white' is not a census group (did you mean 'White'?)", r.Stderr);
    }

    [Fact]
    public void Malformed_csv_and_bad_matrix_are_reported_with_their_line()
    {
        using var tmp = new TempFolder();
        string data = tmp.File("counts.csv", "group,referrals\nWhite,500\n\"Black\"x,80\n");
        CliResult r = RunBad(tmp, out _, "detect", data, "--census", tmp.File("census.csv", Census), "--reference", "White");
        Assert.Matches(@"counts\.csv:3:\d+: malformed CSV", r.Stderr);

        string matrix = tmp.File("m.csv", "self,White,Black,Asian\nWhite,0.9,0.2,0\nBlack,0,1,0\nAsian,0,0,1\n");
        r = RunBad(tmp, out _, "detect", tmp.File("c.csv", Counts), "--census", tmp.File("census.csv", Census), "--reference", "White", "--misclassification",
            matrix);
        Assert.Contains("m.csv:2:1: self: row 'White' sums to 1.1", r.Stderr);

        r = RunBad(tmp, out _, "detect", tmp.File("c.csv", Counts), "--census", tmp.File("census.csv", Census), "--reference", "White", "--detectors",
            "rate-ratio,misclassification-corrected");
        Assert.Contains("needs the misclassification matrix", r.Stderr);

        r = RunBad(tmp, out _, "detect", tmp.File("c.csv", Counts), "--census", tmp.File("census.csv", Census), "--reference", "White", "--detectors",
            "rate-ration");
        Assert.Contains("did you mean 'rate-ratio'?", r.Stderr);
    }

    [Fact]
    public void Bom_crlf_quotes_comments_and_unknown_values_are_read_as_meant()
    {
        using var tmp = new TempFolder();
        // A UTF-8 byte order mark, CRLF line ends, a comment, a quoted field with a comma and a doubled quote, blank lines,
        // and the default unknown values in any case.
        string text = "\uFEFF# exported from a case system\r\nreferral_id,recorded_ethnicity,region\r\n" +
            "1,White,\"North, East\"\r\n2,Black,London\r\n\r\n3,not stated,London\r\n4,\"White\",\"Say \"\"hi\"\"\"\r\n5,UNKNOWN,London\r\n6,,London\r\n";
        string data = Path.Combine(tmp.Path, "records.csv");
        File.WriteAllText(data, text, new UTF8Encoding(false));
        string outDir = tmp.Combine("out");
        CliResult r = Cli.Run("detect", data, "--census", tmp.File("census.csv", Census), "--reference", "White",
            "--detectors", "rate-ratio,missing-share", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("6 referrals, 3 (50.0%) with no recorded ethnicity", r.Stdout);
        var rows = ReadDetection(outDir);
        Assert.True(rows.ContainsKey(("missing-share", "North, East")));
        Assert.True(rows.ContainsKey(("missing-share", "Say \"hi\"")));
        Assert.Equal("not estimable: no referral is recorded as Asian", rows[("rate-ratio", "Asian")].Note);

        // --unknown-values replaces the list: "not stated" is then a (bad) group name.
        r = RunBad(tmp, out _, "detect", data, "--census", tmp.File("census.csv", Census), "--reference", "White", "--unknown-values", "Unknown");
        Assert.Contains("records.csv:6:2: recorded_ethnicity: 'not stated' is not a group of the census", r.Stderr);
    }

    [Fact]
    public void Output_cells_are_escaped_against_formula_injection()
    {
        using var tmp = new TempFolder();
        string census = tmp.File("census.csv", "group,population\nWhite,1000000\n\"=HYPERLINK(\"\"http://x\"\")\",100000\n");
        string data = tmp.File("counts.csv", "group,referrals\nWhite,500\n\"=HYPERLINK(\"\"http://x\"\")\",80\nUnknown,10\n");
        string outDir = tmp.Combine("out");
        CliResult r = Cli.Run("detect", data, "--census", census, "--reference", "White", "--out", outDir, "--report");
        Assert.True(r.ExitCode == 0, r.Stderr);
        string csv = File.ReadAllText(Path.Combine(outDir, "detection.csv"));
        Assert.Contains("rate-ratio,\"'=HYPERLINK(\"\"http://x\"\")\",", csv);
        Assert.DoesNotContain(",=HYPERLINK", csv);
        Assert.DoesNotContain("<a ", File.ReadAllText(Path.Combine(outDir, "report.html")));
    }

    [Fact]
    public void Counts_with_a_population_column_and_strata_run_ipw_and_missing_share()
    {
        using var tmp = new TempFolder();
        // Two forces; populations per force are summed per group. Unknown rows per force.
        string data = tmp.File("counts.csv",
            "group,referrals,population,force\nWhite,300,600000,A\nBlack,40,50000,A\nUnknown,100,,A\nWhite,100,400000,B\nBlack,60,50000,B\nUnknown,400,,B\n");
        string outDir = tmp.Combine("out");
        CliResult r = Cli.Run("detect", data, "--reference", "White", "--detectors", "rate-ratio,ipw,missing-share", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var rows = ReadDetection(outDir);
        // Complete case: (100/100,000)/(400/1,000,000) = 2.5. IPW: force A weights 440/340, B 560/160:
        // c_Black = 40 x 440/340 + 60 x 3.5 = 261.76, c_White = 300 x 440/340 + 100 x 3.5 = 738.24; RR = (261.76/100,000)/(738.24/1,000,000).
        Close(2.5, rows[("rate-ratio", "Black")].Estimate, "complete-case");
        double cBlack = 40 * 440.0 / 340 + 60 * 3.5, cWhite = 300 * 440.0 / 340 + 100 * 3.5;
        Close(cBlack / 100_000 / (cWhite / 1_000_000), rows[("ipw", "Black")].Estimate, "ipw");
        // Missing share: A 100/440, B 400/560, overall 500/1000.
        Close(100.0 / 440 / 0.5, rows[("missing-share", "A")].Estimate, "missing share A");
        Assert.Equal(1.0, rows[("missing-share", "all")].Df);
    }

    [Fact]
    public void Bundled_published_counts_run_or_explain_what_is_missing()
    {
        using var tmp = new TempFolder();
        string dataDir = Path.Combine(Cli.RepoRoot, "scenarios", "data");
        CliResult r = RunBad(tmp, out _, "detect", Path.Combine(dataDir, "prevent-2015-2023-counts.csv"),
            "--census", Path.Combine(dataDir, "census-2021-ethnicity.csv"), "--reference", "White");
        Assert.Contains("the Total row says 51,204 referrals", r.Stderr);
        Assert.Contains("18,088 referrals have a recorded group that the file does not split by group", r.Stderr);

        foreach (string census in new[] { "census-2021-ethnicity.csv", "census-2021-ethnicity-4-groups.csv" })
        {
            string outDir = tmp.Combine(census);
            r = Cli.Run("detect", Path.Combine(dataDir, "prevent-2024-25-counts.csv"), "--census", Path.Combine(dataDir, census),
                "--reference", "White", "--out", outDir, "--report");
            Assert.True(r.ExitCode == 0, r.Stderr);
            Assert.Contains("8,778 referrals, 4,565 (52.0%)", r.Stdout);
            var rows = ReadDetection(outDir);
            Close(2.0 * 798 / 5515415 / (2747.0 / 48691192) / 2, rows[("rate-ratio", "Asian")].Estimate, "published Asian RR");
            Assert.Contains("can and cannot show", File.ReadAllText(Path.Combine(outDir, "report.html")));
            Assert.Contains("## In plain words", File.ReadAllText(Path.Combine(outDir, "report.md")));
        }
        // The census files agree with the bundled scenarios' counts.
        Assert.Contains("Asian,5515415", File.ReadAllText(Path.Combine(dataDir, "census-2021-ethnicity.csv")));
        Assert.Contains("Black: 2383902", File.ReadAllText(Path.Combine(Cli.RepoRoot, "scenarios", "officer-assigned.yaml")));
        Assert.Contains("Black,2383902", File.ReadAllText(Path.Combine(dataDir, "census-2021-ethnicity.csv")));
    }

    [Fact]
    public void Large_record_files_stream()
    {
        // 300,000 records (about 8 MB) through the reader: counted as they stream, so memory stays flat.
        using var tmp = new TempFolder();
        string path = tmp.Combine("big.csv");
        using (var w = new StreamWriter(path))
        {
            w.Write("referral_id,recorded_ethnicity\n");
            string[] values = ["White", "White", "White", "Black", "Asian", "", "Unknown", "White"];
            for (int i = 0; i < 300_000; i++) { w.Write(i); w.Write(','); w.Write(values[i % values.Length]); w.Write('\n'); }
        }
        var errors = new List<string>();
        ObservedData? data = DataReader.Read(path, new DataReadOptions(), errors);
        Assert.Empty(errors);
        Assert.Equal(300_000, data!.Referrals);
        Assert.Equal(75_000, data.Unknown);
        Assert.Equal(150_000, data.Groups["White"]);
    }
}
