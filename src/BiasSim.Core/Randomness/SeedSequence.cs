namespace BiasSim.Core.Randomness;

/// <summary>
/// Derives independent generator seeds from a master seed and a path of indices
/// (design point, replicate, stage), so any replicate can be replayed alone and results do not
/// depend on how replicates are spread over threads.
/// </summary>
public static class SeedSequence
{
    /// <summary>Stages of one replicate, each with its own stream, so adding randomness to one stage
    /// (a detector that resamples, say) leaves the draws of the others unchanged.</summary>
    public enum Stage : ulong
    {
        /// <summary>The observable counts: referrals as recorded, and those with no recorded group.</summary>
        Data = 1,
        /// <summary>Record-level detail (field values, category assignment) beyond the counts.</summary>
        Records = 2,
        /// <summary>Randomness inside detectors (imputation, bootstrap).</summary>
        Detection = 3,
    }

    /// <summary>Hashes the path into a 64-bit seed; each step is a SplitMix64 bijection of the running value.</summary>
    public static ulong Derive(ulong master, ulong designPoint, ulong replicate, Stage stage)
    {
        ulong h = SplitMix64.Mix(master ^ 0x6A09E667F3BCC909UL);
        h = SplitMix64.Mix(h + SplitMix64.Gamma * (designPoint + 1));
        h = SplitMix64.Mix(h ^ (replicate * 0xD1342543DE82EF95UL + 0x2545F4914F6CDD1DUL));
        h = SplitMix64.Mix(h + SplitMix64.Gamma * (ulong)stage);
        return h;
    }

    public static Xoshiro256 Generator(ulong master, ulong designPoint, ulong replicate, Stage stage)
        => new(Derive(master, designPoint, replicate, stage));
}
