namespace BiasSim.Core.Randomness;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014; Vigna's reference constants): a bijective 64-bit mixer used
/// to turn (master seed, replicate, stage) into well-separated generator states.
/// </summary>
public static class SplitMix64
{
    public const ulong Gamma = 0x9E3779B97F4A7C15UL;

    /// <summary>The SplitMix64 output function: a bijection, so distinct inputs never collide.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Advances <paramref name="state"/> by the golden gamma and returns the mixed value.</summary>
    public static ulong Next(ref ulong state)
    {
        state += Gamma;
        return Mix(state);
    }
}
