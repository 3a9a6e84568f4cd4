using BiasSim.Core.Engine;
using BiasSim.Core.Randomness;
using BiasSim.Core.Records;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Tests.Support;

namespace BiasSim.Core.Tests.Records;

/// <summary>
/// The record-level engine must produce exactly the law of the observable counts that <see cref="CountModel"/> draws
/// directly. Each test draws a few thousand replicates both ways and compares, per attribute, the counts recorded per
/// census level, unknown and unmatched.
/// </summary>
/// <remarks>
/// Threshold: 4 standard errors of the difference, for means (SE^2 = var_1/R + var_2/R) and for variances (SE^2 of a
/// sample variance estimated as (m4 - s^4)/R, which needs no normality). Under the null a comparison fails with
/// probability 6e-5, so the dozen or two comparisons of a scenario fail together about 0.1% of the time (and the seeds are
/// fixed, so the tests are deterministic); a real error is far larger: with R = 3,000 a category averaging 1,000
/// records has an SE of the difference of about 0.8, so a 0.4% shift in its mean (a wrong matrix row, a missing
/// probability off by a fraction of a point) is caught. The pooled chi-square test of homogeneity (counts summed over
/// all replicates, 2 x categories) adds a joint check; its threshold p &gt;= 1e-4 keeps the false-failure rate just as low.
/// </remarks>
public class RecordEngineTests
{
    private const int Replicates = 3000;

    // Regions, a region-specific rate ratio, covariates with region-specific shares, a year trend, logistic
    // missingness that depends on sector, region and group (MNAR), officer misclassification mixed with self-assignment
    // into a category that is no census group ("Other", counted as unmatched), and religion recorded MNAR.
    public const string Rich = """
        name: records-rich
        seed: 11
        population:
          reference: White
          regions:
            North: {White: 800000, Black: 30000, Asian: 90000, Mixed: 20000}
            South: {White: 500000, Black: 90000, Asian: 60000, Mixed: 30000}
          attributes:
            religion:
              reference: Christian
              by_group:
                White: {Christian: 0.6, Muslim: 0.02, None: 0.38}
                Black: {Christian: 0.6, Muslim: 0.2, None: 0.2}
                Asian: {Christian: 0.1, Muslim: 0.5, None: 0.4}
                Mixed: {Christian: 0.4, Muslim: 0.1, None: 0.5}
        referrals:
          total: 5000
          rate_ratios: {Black: 1.3, Asian: 1.2}
          rate_ratios_by_region: {South: {Black: 1.6}}
          attributes:
            religion: {rate_ratios: {Muslim: 1.5}}
          covariates:
            sector:
              levels: {Education: 0.4, Police: 0.3, Other: 0.3}
              by_region: {South: {Education: 0.2, Police: 0.5, Other: 0.3}}
            year:
              levels: {2019/20: 1, 2020/21: 1, 2021/22: 1}
        recording:
          missing:
            mechanism: logistic
            intercept: 0.5
            coefficients: {sector.Police: -1.0, group.Black: 0.4, region.South: -0.3}
            trend: -0.2
          misclassification:
            matrix:
              White: {White: 0.95, Black: 0.01, Asian: 0.02, Other: 0.02}
              Black: {White: 0.01, Black: 0.97, Asian: 0.01, Other: 0.01}
              Asian: {White: 0.05, Black: 0.02, Asian: 0.8, Other: 0.13}
              Mixed: {White: 0.3, Black: 0.5, Asian: 0.05, Other: 0.15}
            assigned_by: {officer: 0.7, self: 0.3}
          attributes:
            religion:
              missing: {mechanism: mnar, share_by_group: {Christian: 0.5, Muslim: 0.7, None: 0.6}}
        detectors: [rate-ratio]
        simulation: {replicates: 100}
        """;

    // A base rate (random total), three regions, missingness at random by region, pure officer assignment.
    public const string BaseRate = """
        name: records-base
        seed: 12
        population:
          reference: White
          regions:
            A: {White: 2000000, Black: 100000, Asian: 200000}
            B: {White: 1000000, Black: 300000, Asian: 100000}
            C: {White: 500000, Black: 20000, Asian: 300000}
        referrals:
          base_rate: 0.001
          rate_ratios: {Black: 1.5}
          covariates:
            sector:
              levels: {Education: 1, Police: 1}
        recording:
          missing: {mechanism: mar, by: region, share: {A: 0.3, B: 0.6, C: 0.8}}
          misclassification:
            matrix:
              White: {White: 0.96, Black: 0.02, Asian: 0.02}
              Black: {White: 0.03, Black: 0.95, Asian: 0.02}
              Asian: {White: 0.1, Black: 0.05, Asian: 0.85}
            assigned_by: {officer: 1.0, self: 0.0}
        detectors: [rate-ratio]
        simulation: {replicates: 100}
        """;

    // Both ways of drawing a record: fused (one draw from the table of every possible record) and step by step (cell, then
    // recording and category per attribute), which larger scenarios fall back to.
    [Theory]
    [InlineData(Rich, 101UL, true)]
    [InlineData(Rich, 102UL, false)]
    [InlineData(BaseRate, 202UL, true)]
    [InlineData(BaseRate, 203UL, false)]
    public void Record_counts_agree_in_distribution_with_the_count_engine(string text, ulong seed, bool fused)
    {
        Scenario scenario = TestScenarios.Load(text);
        var records = new RecordModel(scenario, fused ? RecordModel.DefaultMaxJointOutcomes : 0);
        Assert.Equal(fused, records.Fused);
        var counts = new CountModel(scenario);
        Assert.Equal(counts.AttributeCount, records.AttributeCount);

        int width = Enumerable.Range(0, counts.AttributeCount).Sum(k => counts.AttributePopulation(k).Groups.Length + 2);
        var fromRecords = new double[Replicates][];
        var fromCounts = new double[Replicates][];
        Span<long> scratch = new long[counts.ScratchLength];
        var observed = new ObservedCounts(counts);
        for (int r = 0; r < Replicates; r++)
        {
            var tally = new RecordTally(records);
            tally.AddAll(records.Open(seed, (ulong)r));
            fromRecords[r] = Flatten(tally.Recorded, tally.Unknown, tally.Unmatched, width);

            var rng = SeedSequence.Generator(seed, 0, (ulong)r, SeedSequence.Stage.Data);
            counts.Draw(ref rng, scratch, observed);
            fromCounts[r] = Flatten(observed.Recorded, observed.Unknown, observed.Unmatched, width);
        }

        var failures = new List<string>();
        var pooledRecords = new double[width];
        var pooledCounts = new double[width];
        for (int c = 0; c < width; c++)
        {
            var (m1, v1, q1) = Moments(fromRecords, c);
            var (m2, v2, q2) = Moments(fromCounts, c);
            double seMean = Math.Sqrt(v1 / Replicates + v2 / Replicates);
            double seVariance = Math.Sqrt(Math.Max(0, q1 - v1 * v1) / Replicates + Math.Max(0, q2 - v2 * v2) / Replicates);
            if (Math.Abs(m1 - m2) > 4 * seMean + 1e-12) failures.Add($"column {c}: mean {m1:F3} (records) vs {m2:F3} (counts), 4 SE = {4 * seMean:F3}");
            if (Math.Abs(v1 - v2) > 4 * seVariance + 1e-12) failures.Add($"column {c}: variance {v1:F3} vs {v2:F3}, 4 SE = {4 * seVariance:F3}");
            pooledRecords[c] = m1 * Replicates;
            pooledCounts[c] = m2 * Replicates;
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // Pooled 2 x C homogeneity, per attribute (each attribute's columns partition all referrals).
        int offset = 0;
        for (int k = 0; k < counts.AttributeCount; k++)
        {
            int columns = counts.AttributePopulation(k).Groups.Length + 2;
            double p = HomogeneityPValue(pooledRecords.AsSpan(offset, columns), pooledCounts.AsSpan(offset, columns));
            Assert.True(p >= 1e-4, $"attribute {k}: pooled chi-square homogeneity p = {p:E2}");
            offset += columns;
        }
    }

    private static double[] Flatten(long[][] recorded, long[] unknown, long[] unmatched, int width)
    {
        var v = new double[width];
        int i = 0;
        for (int k = 0; k < recorded.Length; k++)
        {
            foreach (long x in recorded[k]) v[i++] = x;
            v[i++] = unknown[k];
            v[i++] = unmatched[k];
        }
        return v;
    }

    /// <summary>Mean, variance (n - 1) and the fourth central moment of column <paramref name="c"/>.</summary>
    private static (double Mean, double Variance, double Fourth) Moments(double[][] rows, int c)
    {
        double mean = rows.Average(r => r[c]);
        double variance = rows.Sum(r => (r[c] - mean) * (r[c] - mean)) / (rows.Length - 1);
        double fourth = rows.Average(r => Math.Pow(r[c] - mean, 4));
        return (mean, variance, fourth);
    }

    private static double HomogeneityPValue(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double na = 0, nb = 0;
        foreach (double x in a) na += x;
        foreach (double x in b) nb += x;
        double statistic = 0;
        int df = -1;
        for (int i = 0; i < a.Length; i++)
        {
            double column = a[i] + b[i];
            if (column == 0) continue;
            df++;
            double ea = column * na / (na + nb), eb = column * nb / (na + nb);
            statistic += (a[i] - ea) * (a[i] - ea) / ea + (b[i] - eb) * (b[i] - eb) / eb;
        }
        return df <= 0 ? 1.0 : 1 - MathNet.Numerics.Distributions.ChiSquared.CDF(df, statistic);
    }

    [Fact]
    public void The_same_seed_gives_the_same_records_and_another_replicate_different_ones()
    {
        var model = new RecordModel(TestScenarios.Load(Rich));
        ReferralRecord[] a = [.. model.Records(SeedSequence.Derive(5, 0, 3, SeedSequence.Stage.Records))];
        ReferralRecord[] b = [.. Drain(model.Open(5, 3))];
        ReferralRecord[] c = [.. Drain(model.Open(5, 4))];
        Assert.Equal(5000, a.Length);
        Assert.True(a.AsSpan().SequenceEqual(b), "same seed, same records");
        Assert.False(a.AsSpan().SequenceEqual(c), "another replicate, other records");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Chunk_size_does_not_change_the_records(bool fused)
    {
        var model = new RecordModel(TestScenarios.Load(BaseRate), fused ? RecordModel.DefaultMaxJointOutcomes : 0);
        ReferralRecord[] whole = [.. Drain(model.Open(9, 0), 1 << 16)];
        ReferralRecord[] pieces = [.. Drain(model.Open(9, 0), 7)];
        Assert.True(whole.AsSpan().SequenceEqual(pieces));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Base_rate_records_come_out_in_random_pair_order(bool fused)
    {
        // Sampling pairs without replacement: the records of region A should be spread evenly through the stream, so
        // the first half holds about half of them (hypergeometric SD under 1%), and so should every tenth of it.
        var model = new RecordModel(TestScenarios.Load(BaseRate), fused ? RecordModel.DefaultMaxJointOutcomes : 0);
        ReferralRecord[] all = [.. Drain(model.Open(3, 0))];
        int regionA = all.Count(r => model.Key(r.Cell).Region == 0);
        int firstHalf = all.Take(all.Length / 2).Count(r => model.Key(r.Cell).Region == 0);
        Assert.InRange(firstHalf / (double)regionA, 0.45, 0.55);
        for (int tenth = 0; tenth < 10; tenth++)
        {
            int inTenth = all.Skip(tenth * all.Length / 10).Take(all.Length / 10).Count(r => model.Key(r.Cell).Region == 0);
            Assert.InRange(inTenth / (double)regionA, 0.07, 0.13);
        }
    }

    [Fact]
    public void Alias_table_reproduces_the_weights_exactly()
    {
        // P(i) = (1/n) (keep_i + sum over j whose alias is i of (1 - keep_j)), with keep = threshold / 2^64.
        double[] weights = [0.5, 0, 3, 1e-9, 2, 7.25, 0.125];
        var entries = new AliasEntry[weights.Length];
        AliasTable.Build(weights, entries);
        var p = new double[weights.Length];
        for (int j = 0; j < entries.Length; j++)
        {
            double keep = entries[j].Threshold == ulong.MaxValue ? 1.0 : entries[j].Threshold / 18446744073709551616.0;
            p[j] += keep / weights.Length;
            p[entries[j].Alias] += (1 - keep) / weights.Length;
        }
        double total = weights.Sum();
        for (int i = 0; i < weights.Length; i++) Assert.Equal(weights[i] / total, p[i], 14);
        Assert.Equal(0.0, p[1]);
    }

    [Fact]
    public void Officer_category_is_consistent_with_the_recorded_one()
    {
        // One self-defined group (Mixed in the Rich scenario, level 3): recorded with probability 1 - m, officer-assigned
        // with probability s = 0.7. Joint law: P(officer o, recorded o) includes s M[o], P(officer o, recorded Mixed)
        // = (1 - s) M[o] among recorded; the officer's marginal is M's row whatever was recorded.
        Scenario scenario = TestScenarios.Load(Rich);
        var model = new RecordModel(scenario);
        OfficerAssignment officer = model.Officer(0)!;
        Misclassification mis = scenario.Recording.Misclassification!;
        int mixed = scenario.Population.IndexOf("Mixed");
        int recordedMixed = model.Categories(0).IndexOf("Mixed");
        var rng = new Xoshiro256(77);
        const int n = 400_000;
        var marginal = new int[officer.Categories.Length];
        int recordedMixedWithOfficerMixed = 0;
        // Half the records recorded (a category drawn from the mixed assignment row), half unknown.
        double[,] a = mis.AssignmentMatrix(scenario.Population);
        var row = new AliasTable([.. Enumerable.Range(0, model.Categories(0).Length).Select(c => a[mixed, c])]);
        for (int i = 0; i < n; i++)
        {
            int recorded = i % 2 == 0 ? row.Sample(ref rng) : ReferralRecord.Unknown;
            int o = officer.Draw(mixed, recorded, ref rng);
            marginal[o]++;
            if (recorded >= 0 && model.Categories(0)[recorded] != officer.Categories[o] && recorded != recordedMixed)
            {
                Assert.Fail($"an officer-category record must carry the officer's category: recorded {model.Categories(0)[recorded]}, officer " +
                    $"{officer.Categories[o]}");
            }
            if (recorded == recordedMixed) recordedMixedWithOfficerMixed++;
        }
        for (int o = 0; o < marginal.Length; o++)
        {
            McTolerance.RateWithin4Se(mis.Matrix[mixed][o], marginal[o] / (double)n, n, $"officer marginal of {officer.Categories[o]}");
        }
        // Self-assigned records (recorded Mixed, which officers never use) are 30% of the recorded half.
        double share = recordedMixedWithOfficerMixed / (n / 2.0);
        McTolerance.RateWithin4Se(0.3, share, n / 2, "self-assigned share");
    }

    private static List<ReferralRecord> Drain(RecordStream stream, int chunk = 4096)
    {
        var list = new List<ReferralRecord>();
        var buffer = new ReferralRecord[chunk];
        int n;
        while ((n = stream.Fill(buffer)) > 0) list.AddRange(buffer.AsSpan(0, n));
        return list;
    }
}
