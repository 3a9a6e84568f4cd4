using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BiasSim.Core.Engine;

namespace BiasSim.Cli;

/// <summary>
/// What a run folder needs to be resumed or merged: <c>state.json</c> (how the run was asked for, and a fingerprint
/// of the scenario text, overrides, seed and replicates) and <c>state.bin</c> (segment tallies, appended as each
/// segment completes, so a crash loses at most the segment under way).
/// </summary>
public sealed record RunState(string Fingerprint, string ScenarioFile, IReadOnlyList<string> Overrides, ulong Seed, int Replicates, int Shard, int Shards)
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
        string canonical = $"{scenarioText}\n--\n{string.Join('\n', overrides)}\n--\n{seed}\n{replicates}\n{BitConverter.IsLittleEndian}";
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
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new UserInputException($"{path}: not a BiasSim state file ({e.Message})");
        }
    }

    /// <summary>Starts a fresh tally file.</summary>
    public static void ResetTallies(string folder) => File.WriteAllBytes(Path.Combine(folder, TallyFile), []);

    /// <summary>Appends one segment's tallies. Handed to the operating system, not forced to disk: that survives
    /// Ctrl+C and a killed process (the cases resume is for) without an fsync per segment, which cost more than
    /// the simulation itself on a 1,000,000-replicate run. A torn record after a machine crash is detected and dropped.</summary>
    public static void Append(string folder, SegmentTally tally)
    {
        using var stream = new FileStream(Path.Combine(folder, TallyFile), FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(SegmentTallyCodec.Encode(tally));
    }

    public static List<SegmentTally> ReadTallies(string folder, int slots)
    {
        string path = Path.Combine(folder, TallyFile);
        return File.Exists(path) ? SegmentTallyCodec.DecodeAll(File.ReadAllBytes(path), slots) : [];
    }

    /// <summary>Segments [first, end) of shard <paramref name="shard"/> of <paramref name="shards"/>: contiguous, near-equal slices.</summary>
    public static (int First, int End) SegmentRange(int replicates, int shard, int shards)
    {
        int segments = MonteCarloRunner.SegmentCount(replicates);
        return ((int)((long)segments * shard / shards), (int)((long)segments * (shard + 1) / shards));
    }
}
