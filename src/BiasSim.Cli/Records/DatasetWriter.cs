using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using BiasSim.Cli.Output;
using BiasSim.Core.Randomness;
using BiasSim.Core.Records;
using BiasSim.Core.Scenarios;
using Bogus;

namespace BiasSim.Cli.Records;

/// <summary>How many referrals a dataset has, and how many lack a recorded ethnicity.</summary>
internal sealed record DatasetSummary(long Referrals, long UnknownEthnicity, IReadOnlyList<string> Notes);

/// <summary>
/// Writes one replicate of a scenario as a record-level CSV, one row per referral, streamed (the dataset is never held
/// in memory). The statistical content (cell, recorded categories) comes from <see cref="RecordModel"/>; the rest are
/// realistic-looking field values from Bogus, each field from its own <see cref="Randomizer"/> seeded from the
/// replicate's records seed, so the same seed gives the same file byte for byte and adding a field changes no other.
/// </summary>
/// <remarks>
/// Columns, in order: <c>referral_id</c>, <c>referral_date</c>, <c>region</c>, <c>sector</c>, <c>age</c>, <c>sex</c>,
/// <c>self_defined_ethnicity</c>, <c>officer_assigned_ethnicity</c>, <c>recorded_ethnicity</c>; then for each further
/// protected attribute (religion) its level and <c>recorded_&lt;name&gt;</c>; then one column per other covariate (year
/// included). <c>region</c> is empty without regions, <c>sector</c> and <c>sex</c> are empty without covariates of those
/// names, <c>officer_assigned_ethnicity</c> is empty without misclassification, and recorded values are empty when unrecorded.
/// </remarks>
internal sealed partial class DatasetWriter
{
    public const string Id = "referral_id", Date = "referral_date", RegionColumn = "region", Sector = "sector", Age = "age", Sex = "sex";

    /// <summary>How every dataset's first line starts: what tells a file generate may replace from someone else's.</summary>
    public const string HeaderPrefix = Id + "," + Date + ",";
    public const string SelfDefined = "self_defined_ethnicity", OfficerAssigned = "officer_assigned_ethnicity", Recorded = "recorded_ethnicity";

    /// <summary>The year dates fall in when the scenario has no <c>year</c> covariate: 2022/23, the last year of the 2015-2023 data.</summary>
    public static readonly (DateOnly Start, DateOnly End) DefaultYear = (new DateOnly(2022, 4, 1), new DateOnly(2023, 3, 31));

    /// <summary>ILLUSTRATIVE age distribution when the scenario has no <c>age</c> covariate: Home Office 2023/24, 4.3% aged 10
    /// or under, 39.4% 11-15, 12.9% 16-17 (297, 2,729 and 892 of 6,922); the split of the 43.4% adults is assumed.</summary>
    public static readonly ImmutableArray<(int From, int To, float Weight)> AgeBands =
        [(7, 10, 4.3f), (11, 15, 39.4f), (16, 17, 12.9f), (18, 20, 8f), (21, 30, 13f), (31, 40, 10f), (41, 50, 7f), (51, 65, 4.1f), (66, 80, 1.3f)];

    /// <summary>A prime (the largest below 10^10) above any plausible number of referrals: ids are a permutation of the row number modulo it.</summary>
    private const ulong IdModulus = 9_999_999_967UL;

    private readonly RecordModel _model;
    private readonly ulong _seed;
    private readonly string[] _regions;
    private readonly int _sector, _age, _sex, _year;
    private readonly int[] _extraCovariates;
    private readonly string[][] _levels;      // per covariate, CSV-escaped level names
    private readonly string[][] _selfLevels;  // per attribute, CSV-escaped census levels
    private readonly string[][] _recorded;    // per attribute, CSV-escaped recorded categories
    private readonly string[]? _officer;      // CSV-escaped officer categories
    private readonly (DateOnly Start, DateOnly End)[] _yearRange;
    private readonly List<string> _notes = [];

    public DatasetWriter(RecordModel model, ulong recordsSeed)
    {
        _model = model;
        _seed = recordsSeed;
        Population population = model.AttributePopulation(0);
        ReferralProcess referrals = model.Referrals;
        _regions = population.HasRegions ? [.. population.Regions.Select(r => Csv.Cell(r.Name))] : [.. population.Regions.Select(_ => "")];
        _sector = referrals.CovariateIndex("sector");
        _age = referrals.CovariateIndex("age");
        _sex = referrals.CovariateIndex("sex");
        _year = referrals.CovariateIndex("year");
        _extraCovariates = [.. Enumerable.Range(0, referrals.Covariates.Length).Where(c => c != _sector && c != _age && c != _sex)];
        _levels = [.. referrals.Covariates.Select(c => c.Levels.Select(Csv.Cell).ToArray())];
        _selfLevels = [.. Enumerable.Range(0, model.AttributeCount).Select(k => model.AttributePopulation(k).Groups.Select(g => Csv.Cell(g.Name)).ToArray())];
        _recorded = [.. Enumerable.Range(0, model.AttributeCount).Select(k => model.Categories(k).Select(Csv.Cell).ToArray())];
        _officer = model.Officer(0) is { } officer ? [.. officer.Categories.Select(Csv.Cell)] : null;
        _yearRange = _year < 0 ? [DefaultYear] : [.. referrals.Covariates[_year].Levels.Select(YearRange)];

        var header = new List<string> { Id, Date, RegionColumn, Sector, Age, Sex, SelfDefined, OfficerAssigned, Recorded };
        for (int k = 1; k < model.AttributeCount; k++)
        {
            header.Add(Unique(header, model.AttributeName(k)));
            header.Add(Unique(header, "recorded_" + model.AttributeName(k)));
        }
        foreach (int c in _extraCovariates) header.Add(Unique(header, referrals.Covariates[c].Name));
        Header = [.. header];
    }

    /// <summary>The column names, in order.</summary>
    public ImmutableArray<string> Header { get; }

    private static string Unique(List<string> taken, string name)
    {
        string candidate = name;
        for (int i = 2; taken.Contains(candidate); i++) candidate = $"{name}_{i}";
        return candidate;
    }

    [GeneratedRegex(@"^\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*$")]
    private static partial Regex FinancialYear();

    [GeneratedRegex(@"^\s*(\d{4})\s*$")]
    private static partial Regex CalendarYear();

    /// <summary>"2015/16" (or 2015-16, 2015/2016) is 1 April 2015 to 31 March 2016; "2015" is the calendar year; anything else the default year.</summary>
    private (DateOnly, DateOnly) YearRange(string level)
    {
        if (FinancialYear().Match(level) is { Success: true } f
            && int.Parse(f.Groups[1].Value, CultureInfo.InvariantCulture) is int start and >= 1900 and <= 2200)
        {
            return (new DateOnly(start, 4, 1), new DateOnly(start + 1, 3, 31));
        }
        if (CalendarYear().Match(level) is { Success: true } c
            && int.Parse(c.Groups[1].Value, CultureInfo.InvariantCulture) is int year and >= 1900 and <= 2200)
        {
            return (new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));
        }
        _notes.Add($"year level '{level}' is not a year such as 2015/16 or 2015: its referrals are dated in 2022/23");
        return DefaultYear;
    }

    /// <summary>A Bogus faker with its own randomizer for one field, seeded from the records seed and the field's name.</summary>
    private Faker FieldFaker(string field)
    {
        ulong h = _seed;
        foreach (char ch in field) h = SplitMix64.Mix(h ^ ch);
        return new Faker { Random = new Randomizer((int)(h >> 33)) };
    }

    /// <summary>A bijection of [0, p) (p = <see cref="IdModulus"/>, prime): x -> a (x + b)^5 mod p. x^5 permutes the residues because
    /// gcd(5, p - 1) = 1, and the affine steps keep it a permutation, so ids never repeat and consecutive rows look unrelated.</summary>
    public static ulong ScrambledId(ulong row, ulong multiplier, ulong offset)
    {
        ulong x = (row % IdModulus + offset) % IdModulus;
        ulong x2 = MulMod(x, x), x4 = MulMod(x2, x2);
        return MulMod(multiplier, MulMod(x4, x));

        static ulong MulMod(ulong a, ulong b) => (ulong)((UInt128)a * b % IdModulus);
    }

    /// <summary>Writes the header and every record of <paramref name="stream"/> to <paramref name="writer"/>.</summary>
    public DatasetSummary Write(TextWriter writer, RecordStream stream) => Write(writer, stream, CancellationToken.None);

    /// <summary>As <see cref="Write(TextWriter, RecordStream)"/>, stopping with <see cref="OperationCanceledException"/>
    /// between batches of 4,096 records when <paramref name="cancellationToken"/> is cancelled (Ctrl+C).</summary>
    public DatasetSummary Write(TextWriter writer, RecordStream stream, CancellationToken cancellationToken)
    {
        Faker ids = FieldFaker(Id), dates = FieldFaker(Date), ages = FieldFaker(Age);
        // referral_id: a permutation of the row number modulo a prime (see ScrambledId), with a Bogus-drawn multiplier and
        // offset, so ids look random yet never repeat (up to 9,999,999,967 rows).
        ulong multiplier = (ulong)ids.Random.Long(1, (long)IdModulus - 1), offset = (ulong)ids.Random.Long(0, (long)IdModulus - 1);
        float ageTotal = AgeBands.Sum(b => b.Weight);
        float[] ageWeights = [.. AgeBands.Select(b => b.Weight / ageTotal)]; // Bogus wants weights that sum to 1
        int[] ageBand = [.. Enumerable.Range(0, AgeBands.Length)];
        var officerRng = new Xoshiro256(SplitMix64.Mix(_seed ^ 0x0FF1CE5EED0FF1CEUL));
        OfficerAssignment? officer = _model.Officer(0);

        var line = new RowBuffer(writer);
        line.Append(string.Join(',', Header.Select(Csv.Cell)));
        line.Append('\n');
        var buffer = new ReferralRecord[4096];
        long row = 0, unknown = 0;
        int n;
        while ((n = stream.Fill(buffer)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int i = 0; i < n; i++, row++)
            {
                ref readonly ReferralRecord record = ref buffer[i];
                CellKey key = _model.Key(record.Cell);

                line.Append("PRV");
                line.Append(ScrambledId((ulong)row, multiplier, offset), "D10");
                line.Append(',');
                var (start, end) = _yearRange[_year < 0 ? 0 : key.Levels[_year]];
                line.Append(dates.Date.BetweenDateOnly(start, end), "yyyy-MM-dd");
                line.Append(',');
                line.Append(_regions[key.Region]);
                line.Append(',');
                if (_sector >= 0) line.Append(_levels[_sector][key.Levels[_sector]]);
                line.Append(',');
                if (_age >= 0)
                {
                    line.Append(_levels[_age][key.Levels[_age]]);
                }
                else
                {
                    var (from, to, _) = AgeBands[ages.Random.WeightedRandom(ageBand, ageWeights)];
                    line.Append(ages.Random.Int(from, to), null);
                }
                line.Append(',');
                if (_sex >= 0) line.Append(_levels[_sex][key.Levels[_sex]]);
                line.Append(',');

                int recorded = record.Recorded[0];
                line.Append(_selfLevels[0][key.Group]);
                line.Append(',');
                if (officer is not null) line.Append(_officer![officer.Draw(key.Group, recorded, ref officerRng)]);
                line.Append(',');
                if (recorded >= 0) line.Append(_recorded[0][recorded]);
                else unknown++;

                for (int k = 1; k < _model.AttributeCount; k++)
                {
                    line.Append(',');
                    line.Append(_selfLevels[k][key.AttributeLevels[k - 1]]);
                    line.Append(',');
                    if (record.Recorded[k] >= 0) line.Append(_recorded[k][record.Recorded[k]]);
                }
                foreach (int c in _extraCovariates)
                {
                    line.Append(',');
                    line.Append(_levels[c][key.Levels[c]]);
                }
                line.Append('\n');
            }
        }
        line.Flush();
        return new DatasetSummary(row, unknown, [.. _notes.Distinct()]);
    }

    /// <summary>Rows are assembled in a 64K character buffer and handed to the writer in large blocks: many small writes
    /// to a <see cref="TextWriter"/> cost more than the values themselves.</summary>
    private sealed class RowBuffer(TextWriter writer)
    {
        private readonly char[] _chars = new char[1 << 16];
        private int _length;

        public void Append(string s)
        {
            if (_length + s.Length > _chars.Length) Flush();
            if (s.Length > _chars.Length) { writer.Write(s); return; }
            s.CopyTo(0, _chars, _length, s.Length);
            _length += s.Length;
        }

        public void Append(char c)
        {
            if (_length == _chars.Length) Flush();
            _chars[_length++] = c;
        }

        public void Append<T>(T value, string? format) where T : ISpanFormattable
        {
            if (_chars.Length - _length < 64) Flush();
            if (!value.TryFormat(_chars.AsSpan(_length), out int written, format, CultureInfo.InvariantCulture))
                throw new InvalidOperationException("value too long to format");
            _length += written;
        }

        public void Flush()
        {
            writer.Write(_chars, 0, _length);
            _length = 0;
        }
    }
}
