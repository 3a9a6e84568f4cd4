using System.Collections.Immutable;

namespace BiasSim.Cli.Detection;

/// <summary>How <c>detect</c> reads a data file.</summary>
internal sealed record DataReadOptions
{
    /// <summary>Values meaning "not recorded" besides an empty field, matched ignoring case and surrounding spaces.</summary>
    public static readonly ImmutableArray<string> DefaultUnknownValues = ["Unknown", "Not stated", "Not known"];

    public const string DefaultGroupColumn = "recorded_ethnicity";

    /// <summary>Records form: the column with the recorded group.</summary>
    public string GroupColumn { get; init; } = DefaultGroupColumn;

    /// <summary>Whether <see cref="GroupColumn"/> was given by the user (so its absence from a counts file is worth a note).</summary>
    public bool GroupColumnGiven { get; init; }

    public ImmutableArray<string> UnknownValues { get; init; } = DefaultUnknownValues;

    /// <summary>The stratifier column to count by (null: the default for the form, if any).</summary>
    public string? By { get; init; }

    /// <summary>Whether any detector needs counts by stratum.</summary>
    public bool NeedStrata { get; init; }

    public bool IsUnknown(string value)
    {
        if (value.Length == 0) return true;
        foreach (string u in UnknownValues) if (string.Equals(u, value, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}

/// <summary>
/// Reads a data file in either form, told apart by its header: with both <c>group</c> and <c>referrals</c> columns it is
/// aggregate counts, otherwise one row per referral. Records are counted as they stream past, so a file of any size
/// needs memory only for its distinct values.
/// </summary>
internal static class DataReader
{
    public const string GroupHeader = "group", ReferralsHeader = "referrals", PopulationHeader = "population", TotalRow = "Total";
    public const string DefaultRecordsStratifier = "region";

    /// <summary>The stratum of rows whose stratifier cell is empty.</summary>
    public const string BlankLevel = "(blank)";

    /// <summary>Distinct values a group or stratifier column may have: more means the wrong column (an id, say).</summary>
    public const int MaxDistinct = 10_000;

    public static ObservedData? Read(string path, DataReadOptions options, List<string> errors) => Read(path, options, errors, out _);

    /// <summary>As <see cref="Read(string, DataReadOptions, List{string})"/>; on errors, <paramref name="partial"/> holds what
    /// was read of the file's valid rows, so that checks against the census can still report their own mistakes.</summary>
    public static ObservedData? Read(string path, DataReadOptions options, List<string> errors, out ObservedData? partial)
    {
        partial = null;
        using CsvInput? csv = CsvInput.Open(path, "referral data: one row per referral, or counts with columns group,referrals", errors);
        if (csv is null) return null;
        int before = errors.Count;
        bool counts = csv.Column(GroupHeader) >= 0 && csv.Column(ReferralsHeader) >= 0;
        ObservedData? data = counts ? ReadCounts(csv, options) : ReadRecords(csv, options);
        partial = data;
        return errors.Count > before ? null : data;
    }

    private static ObservedData? ReadRecords(CsvInput csv, DataReadOptions options)
    {
        int group = csv.RequiredColumn(options.GroupColumn,
            $"a column with each referral's recorded group (choose it with --group-column), or a counts file with columns {GroupHeader},{ReferralsHeader}");
        string? by = options.By ?? (options.NeedStrata && csv.Column(DefaultRecordsStratifier) >= 0 ? DefaultRecordsStratifier : null);
        int stratifier = -1;
        if (by is not null && options.NeedStrata) stratifier = csv.RequiredColumn(by, "the column to stratify by (--by)");
        if (group < 0 || (by is not null && options.NeedStrata && stratifier < 0)) return null;

        var data = new ObservedData(csv.Path, DataForm.Records, csv.Headers[group]) { Stratifier = stratifier >= 0 ? csv.Headers[stratifier] : null };
        var levelIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        while (csv.Read())
        {
            string? value = csv.Field(group, data.GroupColumn);
            if (value is null) { if (csv.TooManyErrors) break; continue; }
            string? recorded = options.IsUnknown(value) ? null : value;
            if (recorded is null)
            {
                data.Unknown++;
            }
            else
            {
                if (!data.Groups.ContainsKey(recorded) && data.Groups.Count >= MaxDistinct)
                {
                    csv.Error(group, data.GroupColumn,
                        $"more than {MaxDistinct:N0} distinct values, expected a column of recorded groups (is --group-column the right column?)");
                    return null;
                }
                data.Add(recorded, 1, new CsvLocation(csv.Line, group + 1));
            }
            if (stratifier >= 0)
            {
                string? level = csv.Field(stratifier, data.Stratifier!);
                if (level is null) { if (csv.TooManyErrors) break; continue; }
                if (level.Length == 0) level = BlankLevel;
                if (!levelIndex.TryGetValue(level, out int l))
                {
                    if (levelIndex.Count >= MaxDistinct)
                    {
                        csv.Error(stratifier, data.Stratifier!,
                            $"more than {MaxDistinct:N0} distinct values, expected a column of strata such as police force areas (is --by the right column?)");
                        return null;
                    }
                    if (level == Core.Detectors.ChiSquareDetector.AllTarget)
                    {
                        csv.Error(stratifier, data.Stratifier!,
                            $"'{level}' is reserved (missing-share's row for every {data.Stratifier}), expected another name");
                    }
                    levelIndex[level] = l = data.Levels.Count;
                    data.Levels.Add(level);
                }
                data.AddByLevel(recorded, l, 1);
            }
        }
        data.SortLevels();
        return data;
    }

    private static ObservedData? ReadCounts(CsvInput csv, DataReadOptions options)
    {
        int group = csv.Column(GroupHeader), referrals = csv.Column(ReferralsHeader), population = csv.Column(PopulationHeader);
        int[] extra = [.. Enumerable.Range(0, csv.Headers.Count).Where(i => i != group && i != referrals && i != population && csv.Headers[i].Length > 0)];
        int stratifier = -1;
        if (options.By is not null)
        {
            stratifier = csv.RequiredColumn(options.By, $"one of the stratifier columns besides {GroupHeader}, {ReferralsHeader} and {PopulationHeader}");
            if (stratifier < 0) return null;
        }
        else if (extra.Length == 1)
        {
            stratifier = extra[0];
        }
        else if (extra.Length > 1 && options.NeedStrata)
        {
            csv.Error(csv.HeaderLine, extra[0], csv.Headers[extra[0]],
                $"the file has several stratifier columns ({string.Join(", ", extra.Select(i => csv.Headers[i]))}), expected --by to say which one to " +
                "stratify by");
            return null;
        }
        var data = new ObservedData(csv.Path, DataForm.Counts, GroupHeader) { Stratifier = stratifier >= 0 ? csv.Headers[stratifier] : null };
        if (population >= 0)
        {
            data.Populations = new Dictionary<string, long>(StringComparer.Ordinal);
            data.PopulationHeader = new CsvLocation(csv.HeaderLine, population + 1);
        }
        var levelIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var seen = new HashSet<(string, string)>();
        while (csv.Read())
        {
            if (csv.TooManyErrors) break;
            string? name = csv.Field(group, GroupHeader);
            string? countText = csv.Field(referrals, ReferralsHeader);
            string? level = stratifier >= 0 ? csv.Field(stratifier, data.Stratifier!) : "";
            if (name is null || countText is null || level is null) continue;
            if (name.Length == 0 && countText.Length == 0) continue; // a row of empty cells (a spreadsheet's trailing line)
            if (level.Length == 0) level = BlankLevel;
            long? count = csv.WholeNumber(referrals, ReferralsHeader, countText);
            bool isTotal = string.Equals(name, TotalRow, StringComparison.OrdinalIgnoreCase);
            bool isUnknown = !isTotal && options.IsUnknown(name);
            string key = isUnknown ? "\0unknown" : isTotal ? "\0total" : name;
            if (!seen.Add((key, level)))
            {
                string what = isUnknown ? "an unknown row" : isTotal ? "a Total row" : $"group '{CsvInput.Shorten(name)}'";
                csv.Error(group, GroupHeader,
                    $"{what} appears twice{(stratifier >= 0 ? $" for {data.Stratifier} '{CsvInput.Shorten(level)}'" : "")}, expected one row per " +
                    $"group{(stratifier >= 0 ? $" and {data.Stratifier}" : "")}");
                continue;
            }
            if (population >= 0)
            {
                string? populationText = csv.Field(population, PopulationHeader);
                if (populationText is null) continue;
                if (isUnknown || isTotal)
                {
                    if (populationText.Length > 0 && populationText != "0")
                    {
                        csv.Error(population, PopulationHeader,
                            $"found '{CsvInput.Shorten(populationText)}' on the {(isTotal ? "Total" : "unknown")} row, expected it empty: referrals with no " +
                            "recorded group have no census population");
                    }
                }
                else if (populationText.Length > 0 && csv.WholeNumber(population, PopulationHeader, populationText, positive: true) is long people)
                {
                    data.Populations![name] = data.Populations.GetValueOrDefault(name) + people;
                }
            }
            if (count is not long n) continue;
            if (isTotal)
            {
                if (stratifier >= 0)
                {
                    csv.Error(group, GroupHeader,
                        $"a Total row in a file with the stratifier column '{data.Stratifier}', expected rows per group and {data.Stratifier} only");
                    continue;
                }
                data.Total = n;
                data.TotalLocation = new CsvLocation(csv.Line, referrals + 1);
                continue;
            }
            int l = 0;
            if (stratifier >= 0 && !levelIndex.TryGetValue(level, out l))
            {
                if (level == Core.Detectors.ChiSquareDetector.AllTarget)
                {
                    csv.Error(stratifier, data.Stratifier!, $"'{level}' is reserved (missing-share's row for every {data.Stratifier}), expected another name");
                }
                levelIndex[level] = l = data.Levels.Count;
                data.Levels.Add(level);
            }
            if (isUnknown) data.Unknown += n;
            else data.Add(name, n, new CsvLocation(csv.Line, group + 1));
            if (stratifier >= 0) data.AddByLevel(isUnknown ? null : name, l, n);
        }
        if (options.GroupColumnGiven)
            data.Notes.Add($"--group-column does not apply to a counts file ({GroupHeader},{ReferralsHeader}); its {GroupHeader} column was used.");
        return data;
    }
}
