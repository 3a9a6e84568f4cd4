using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BiasSim.Core.Simulation;

namespace BiasSim.Cli;

/// <summary>
/// What a run folder needs to be resumed or merged: <c>state.json</c> (how the run was asked for, and a fingerprint
/// of the scenario text, overrides, seed and replicates) and <c>state.bin</c> (segment tallies, appended as each
/// segment completes, so a crash loses at most the segment under way).
/// </summary>
internal sealed record RunState(string Fingerprint, string ScenarioFile, IReadOnlyList<string> Overrides, ulong Seed, int Replicates, int Shard, int Shards)
{
    public const string MetaFile = "state.json";

    /// <summary>"run" (segment tallies in state.bin) or "sweep" (design points' rows in sweep.csv).</summary>
    public string Kind { get; init; } = "run";

    /// <summary>For sweeps, whether --seed / --replicates were given (else each point takes its scenario's own).</summary>
    public bool SeedGiven { get; init; } = true;
    public bool ReplicatesGiven { get; init; } = true;
    public const string TallyFile = "state.bin";

    public static string FingerprintOf(string scenarioText, IReadOnlyList<string> overrides, ulong seed, int replicates)
    {
        // The version too: a tally's memory image is only meaningful to the build that wrote it.
        string canonical =
            $"{scenarioText}\n--\n{string.Join('\n', overrides)}\n--\n{seed}\n{replicates}\n{BitConverter.IsLittleEndian}\n{VersionInfo.Version}";
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    public void WriteMeta(string folder)
    {
        // Utf8JsonWriter rather than JsonSerializer: the reflection serializer's first use costs tens of milliseconds of start-up.
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("kind", Kind);
            w.WriteBoolean("seed_given", SeedGiven);
            w.WriteBoolean("replicates_given", ReplicatesGiven);
            w.WriteString("fingerprint", Fingerprint);
            w.WriteString("scenario_file", ScenarioFile);
            w.WriteStartArray("overrides");
            foreach (string o in Overrides) w.WriteStringValue(o);
            w.WriteEndArray();
            w.WriteNumber("seed", Seed);
            w.WriteNumber("replicates", Replicates);
            w.WriteNumber("shard", Shard);
            w.WriteNumber("shards", Shards);
            w.WriteString("version", VersionInfo.Version);
            w.WriteEndObject();
        }
        AtomicFile.WriteAllText(Path.Combine(folder, MetaFile), Encoding.UTF8.GetString(stream.ToArray()) + "\n");
    }

    public static RunState ReadMeta(string folder)
    {
        string path = Path.Combine(folder, MetaFile);
        if (!File.Exists(path)) throw new UserInputException($"{path}: no such file, expected a BiasSim run folder (written by run or run --shard)");
        var info = new FileInfo(path);
        if (info.LinkTarget is not null || info.Length is 0 or > Cli.ScenarioFile.MaxBytes)
        {
            throw new UserInputException($"{path}: not a BiasSim state file (a link, a device or pipe, empty, or over {Cli.ScenarioFile.MaxBytes:N0} bytes)");
        }
        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
            JsonElement root = doc.RootElement;
            return new RunState(
                root.GetProperty("fingerprint").GetString()!,
                root.GetProperty("scenario_file").GetString()!,
                [.. root.GetProperty("overrides").EnumerateArray().Select(e => e.GetString()!)],
                root.GetProperty("seed").GetUInt64(),
                root.GetProperty("replicates").GetInt32(),
                root.GetProperty("shard").GetInt32(),
                root.GetProperty("shards").GetInt32())
            {
                Kind = root.TryGetProperty("kind", out JsonElement kind) ? kind.GetString() ?? "run" : "run",
                SeedGiven = !root.TryGetProperty("seed_given", out JsonElement sg) || sg.GetBoolean(),
                ReplicatesGiven = !root.TryGetProperty("replicates_given", out JsonElement rg) || rg.GetBoolean(),
            };
        }
        catch (Exception e) when (
            e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{path}: not a BiasSim state file ({e.Message})");
        }
    }

    /// <summary>The fingerprint a tally file is bound to: the run's, and for a sweep the design point's too, so
    /// neither another run's nor another point's tallies can be read as this one's.</summary>
    public static string TallyFingerprint(string runFingerprint, int? point = null) =>
        point is null ? runFingerprint : $"{runFingerprint}/point/{point.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>Starts a fresh tally file holding only its header (written whole, never through a link).</summary>
    public static void ResetTallies(string folder, string fingerprint)
    {
        string path = Path.Combine(folder, TallyFile);
        try
        {
            AtomicFile.WriteAllBytes(path, SegmentTallyCodec.EncodeHeader(fingerprint));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{path}: cannot write the checkpoint file ({e.Message})");
        }
    }

    /// <summary>Appends one segment's tallies. Handed to the operating system, not forced to disk: that survives
    /// Ctrl+C and a killed process (the cases resume is for) without an fsync per segment, which cost more than
    /// the simulation itself on a 1,000,000-replicate run. A torn record after a machine crash is detected and dropped.
    /// A failed append (a full disk) is an error naming the file; the record is all or nothing, as a torn one is cut
    /// off when the run is resumed.</summary>
    public static void Append(string folder, SegmentTally tally)
    {
        string path = Path.Combine(folder, TallyFile);
        try
        {
            // ResetTallies or ReadTallies left a plain file here; a link since then is not followed.
            if (new FileInfo(path).LinkTarget is not null) throw new IOException("it was replaced by a link");
            using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            stream.Write(SegmentTallyCodec.Encode(tally));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{path}: cannot save a checkpoint ({e.Message}); the results so far are kept in the file, expected free disk space " +
                "(then resume)");
        }
    }

    /// <summary>
    /// The tallies of the run with <paramref name="fingerprint"/> (none when there is no file yet). A file of another
    /// run, a folder or link in its place, or one without a header is an error. With <paramref name="repair"/>, a torn
    /// record at the end (a crash mid-append) is cut off, so that records appended after it stay readable.
    /// </summary>
    public static List<SegmentTally> ReadTallies(string folder, int slots, string fingerprint, bool repair)
    {
        string path = Path.Combine(folder, TallyFile);
        var info = new FileInfo(path);
        if (info.LinkTarget is not null) throw new UserInputException($"{path}: is a link, expected BiasSim's tally file (BiasSim never writes links)");
        if (Directory.Exists(path)) throw new UserInputException($"{path}: is a folder, expected BiasSim's tally file");
        if (!info.Exists) return [];
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{path}: cannot be read ({e.Message})");
        }
        if (SegmentTallyCodec.ReadHeader(bytes) is not var (found, headerLength))
        {
            throw new UserInputException($"{path}: has no BiasSim tally header (written by another program or an older BiasSim), expected this run's " +
                "tallies; start the run afresh");
        }
        if (found != fingerprint)
        {
            throw new UserInputException($"{path}: holds the tallies of another run (another scenario, seed, replicates, design point or version), " +
                "expected this run's; start afresh in a new folder rather than copying state files between runs");
        }
        List<SegmentTally> tallies = SegmentTallyCodec.DecodeAll(bytes.AsSpan(headerLength), slots, out int valid);
        if (repair && headerLength + valid < bytes.Length)
        {
            try
            {
                AtomicFile.WriteAllBytes(path, bytes[..(headerLength + valid)]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserInputException($"{path}: cannot cut off a torn checkpoint record ({e.Message})");
            }
        }
        return tallies;
    }

    /// <summary>Segments [first, end) of shard <paramref name="shard"/> of <paramref name="shards"/>: contiguous, near-equal slices.</summary>
    public static (int First, int End) SegmentRange(int replicates, int shard, int shards)
    {
        int segments = MonteCarloRunner.SegmentCount(replicates);
        return ((int)((long)segments * shard / shards), (int)((long)segments * (shard + 1) / shards));
    }
}
