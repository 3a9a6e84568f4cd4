using BiasSim.Core.Scenarios;

namespace BiasSim.Cli;

/// <summary>A run as asked for on the command line, resolved: the scenario, its text and overrides, seed, replicates, output folder.</summary>
internal sealed record RunRequest(
    Scenario Scenario, string ScenarioFile, string ScenarioText, IReadOnlyList<string> OverrideTexts,
    ulong Seed, int Replicates, string Folder, bool Resuming)
{
    public string Fingerprint => RunState.FingerprintOf(ScenarioText, OverrideTexts, Seed, Replicates);

    public static RunRequest Fresh(string? file, string[]? sets, ulong? seed, int? replicates, string? output, bool force)
    {
        if (file is null) throw new UserInputException("run: no scenario file given, expected FILE (or --resume DIR to continue a run)");
        IReadOnlyList<ScenarioOverride> overrides = CliOverrides.Parse(sets);
        Scenario scenario = Cli.ScenarioFile.Load(file, overrides);
        int reps = replicates ?? scenario.Simulation.Replicates;
        if (reps < 1) throw new UserInputException($"--replicates: found {reps}, expected a whole number of at least 1");
        string folder = output ?? Path.Combine("out", scenario.Name);
        OutputFolder.EnsureWritable(folder, force);
        _ = Cli.ScenarioFile.TryRead(file, out string text);
        return new RunRequest(scenario, file, text, CliOverrides.Describe(overrides), seed ?? scenario.Seed, reps, folder, Resuming: false);
    }

    /// <summary>Everything comes from the folder; anything also given on the command line must agree with it.</summary>
    public static RunRequest Resume(string folder, string? file, string[]? sets, ulong? seed, int? replicates, string? output)
    {
        RunState state = RunState.ReadMeta(folder);
        if (state.Shards != 1)
        {
            throw new UserInputException($"--resume {folder}: the folder holds shard {state.Shard}/{state.Shards}; expected a whole run (run the shard again " +
                "with the same --shard, or merge the shards)");
        }
        string scenarioPath = Path.Combine(folder, "scenario.yaml");
        if (!File.Exists(scenarioPath)) throw new UserInputException($"{scenarioPath}: no such file, expected the scenario a BiasSim run left in {folder}");
        if (Cli.ScenarioFile.TryRead(scenarioPath, out string text) is { } unreadable)
            throw new UserInputException([.. unreadable.Errors.Select(e => e.ToString())]);
        var overrides = state.Overrides.Select(o => ScenarioOverride.Parse(o)
            ?? throw new UserInputException($"{folder}/{RunState.MetaFile}: override '{o}' is malformed")).ToList();
        Scenario scenario = Cli.ScenarioFile.Load(scenarioPath, overrides);

        var conflicts = new List<string>();
        if (file is not null && File.Exists(file) && (Cli.ScenarioFile.TryRead(file, out string given) is not null || given != text))
            conflicts.Add($"{file} differs from the scenario the run used ({scenarioPath})");
        if (sets is { Length: > 0 } && !CliOverrides.Describe(CliOverrides.Parse(sets)).SequenceEqual(state.Overrides))
            conflicts.Add("--set differs from the run's overrides");
        if (seed is not null && seed != state.Seed) conflicts.Add($"--seed {seed} differs from the run's seed {state.Seed}");
        if (replicates is not null && replicates != state.Replicates) conflicts.Add($"--replicates {replicates} differs from the run's {state.Replicates}");
        if (output is not null && Path.GetFullPath(output) != Path.GetFullPath(folder)) conflicts.Add($"--out {output} differs from the folder being resumed");
        if (conflicts.Count > 0)
            throw new UserInputException([.. conflicts.Select(c => $"--resume {folder}: {c}; expected the same settings (or leave them out)")]);

        var request = new RunRequest(scenario, scenarioPath, text, state.Overrides, state.Seed, state.Replicates, folder, Resuming: true);
        if (request.Fingerprint != state.Fingerprint)
        {
            throw new UserInputException($"--resume {folder}: the saved scenario or settings were changed after the run started; expected them untouched");
        }
        return request;
    }
}

/// <summary>Guards against runs far larger than anyone meant (a typo of three zeros), with an explicit override.</summary>
internal static class Limits
{
    public const long DefaultMaxReplicates = 100_000_000;

    public static void CheckReplicates(long total, long max, string option)
    {
        if (total > max)
        {
            throw new UserInputException($"{option}: the run needs {total:N0} replicates, more than the limit of {max:N0}; expected fewer, or raise the " +
                $"limit with {option} {total}");
        }
    }
}

/// <summary>Resolves <c>--threads</c>: results are identical for any count, so the only limit is what the machine can hold.</summary>
internal static class Threads
{
    /// <summary>Each worker holds a wave of tallies; two million of them exhausted memory. More than this gains nothing on any machine.</summary>
    public const int Max = 1024;

    public static int Resolve(int? given)
    {
        int count = given ?? Environment.ProcessorCount;
        if (count is < 1 or > Max)
        {
            throw new UserInputException($"--threads: found {count}, expected a whole number from 1 to {Max} (results are identical for any count)");
        }
        return count;
    }
}

/// <summary>Parses <c>--shard k/n</c>, with k or both taken from a cluster scheduler's environment.</summary>
internal static class Sharding
{
    public static (int Shard, int Shards) Parse(string text, Func<string, string?> environment)
    {
        string[] parts = text.Split('/');
        string kText = parts[0].Trim();
        string? nText = parts.Length > 1 ? parts[1].Trim() : null;
        if (parts.Length > 2 || (kText != "auto" && nText is null))
        {
            throw new UserInputException($"--shard: found '{text}', expected k/n (such as 0/8), auto/n, or auto");
        }
        int? k = kText == "auto" ? FromEnvironment(environment, out int? countFromEnvironment) : ParseInt(kText, text);
        int? n = nText is null ? null : ParseInt(nText, text);
        if (kText == "auto" && n is null)
        {
            FromEnvironment(environment, out n);
            if (n is null) throw new UserInputException("--shard auto: SLURM_ARRAY_TASK_COUNT is not set, expected it (or give the count as auto/n)");
        }
        if (k is null)
        {
            throw new UserInputException("--shard auto: none of SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX is set, expected a scheduler array job (or give " +
                "k/n)");
        }
        if (n < 1 || k < 0 || k >= n) throw new UserInputException($"--shard: found {k}/{n}, expected 0 <= k < n");
        return (k.Value, n!.Value);
    }

    /// <summary>Slurm array task (relative to SLURM_ARRAY_TASK_MIN) or a Kubernetes Indexed Job's completion index.</summary>
    private static int? FromEnvironment(Func<string, string?> environment, out int? count)
    {
        count = int.TryParse(environment("SLURM_ARRAY_TASK_COUNT"), out int c) ? c : null;
        if (int.TryParse(environment("SLURM_ARRAY_TASK_ID"), out int id))
        {
            int min = int.TryParse(environment("SLURM_ARRAY_TASK_MIN"), out int m) ? m : 0;
            return id - min;
        }
        return int.TryParse(environment("JOB_COMPLETION_INDEX"), out int index) ? index : null;
    }

    private static int ParseInt(string part, string text) =>
        int.TryParse(part, out int v) ? v : throw new UserInputException($"--shard: found '{text}', expected whole numbers k/n such as 0/8");
}
