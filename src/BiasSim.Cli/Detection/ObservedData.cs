namespace BiasSim.Cli.Detection;

/// <summary>Which of the two forms a data file has, told apart by its header.</summary>
internal enum DataForm
{
    /// <summary>One row per referral (as <c>biassim generate</c> writes, or a user's own extract).</summary>
    Records,
    /// <summary>Aggregate counts: <c>group,referrals[,population]</c>, an <c>Unknown</c> row, optional stratifier columns.</summary>
    Counts,
}

/// <summary>Where a value was first seen, for error messages.</summary>
internal readonly record struct CsvLocation(long Line, int Column);

/// <summary>
/// What a data file says, counted as it was read (records are never held in memory): referrals per recorded group, those
/// with no recorded group, optionally per level of one stratifier column, and (counts form) census populations.
/// </summary>
internal sealed class ObservedData(string path, DataForm form, string groupColumn)
{
    public string Path { get; } = path;
    public DataForm Form { get; } = form;
    /// <summary>The column holding the recorded group.</summary>
    public string GroupColumn { get; } = groupColumn;

    /// <summary>Referrals per recorded group name, in order of first appearance, with where each name first appears.</summary>
    public Dictionary<string, long> Groups { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, CsvLocation> FirstSeen { get; } = new(StringComparer.Ordinal);
    public List<string> GroupOrder { get; } = [];

    /// <summary>Referrals with no recorded group.</summary>
    public long Unknown { get; set; }

    /// <summary>Counts form: the <c>Total</c> row, when the file has one.</summary>
    public long? Total { get; set; }
    public CsvLocation TotalLocation { get; set; }

    /// <summary>Counts form: census population per group from the <c>population</c> column, when it has one.</summary>
    public Dictionary<string, long>? Populations { get; set; }
    public CsvLocation PopulationHeader { get; set; }

    /// <summary>The stratifier column counted by (null: none), its levels in order of first appearance, and counts per
    /// (recorded group, or null for unknown) and level.</summary>
    public string? Stratifier { get; set; }
    public List<string> Levels { get; } = [];
    public Dictionary<(string? Group, int Level), long> ByLevel { get; } = [];

    /// <summary>Every referral in the file: recorded and unknown.</summary>
    public long Referrals => Unknown + Groups.Values.Sum();

    /// <summary>Lines the reader read past (blank) that a user may want to know about.</summary>
    public List<string> Notes { get; } = [];

    public void Add(string group, long count, CsvLocation at)
    {
        if (!Groups.TryGetValue(group, out long n))
        {
            GroupOrder.Add(group);
            FirstSeen[group] = at;
        }
        Groups[group] = n + count;
    }

    /// <summary>Puts the levels in ordinal order (records: first appearance is an accident of row order).</summary>
    public void SortLevels()
    {
        string[] sorted = [.. Levels.Order(StringComparer.Ordinal)];
        int[] newIndex = [.. Levels.Select(l => Array.IndexOf(sorted, l))];
        var moved = ByLevel.ToDictionary(kv => (kv.Key.Group, newIndex[kv.Key.Level]), kv => kv.Value);
        ByLevel.Clear();
        foreach (var kv in moved) ByLevel[kv.Key] = kv.Value;
        Levels.Clear();
        Levels.AddRange(sorted);
    }

    public void AddByLevel(string? group, int level, long count) =>
        ByLevel[(group, level)] = ByLevel.GetValueOrDefault((group, level)) + count;
}
