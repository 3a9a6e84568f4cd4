using System.Numerics;
using System.Runtime.CompilerServices;

namespace BiasSim.Core.Randomness;

/// <summary>
/// xoshiro256** (Blackman and Vigna 2018) as a mutable struct, passed by <c>ref</c>.
/// </summary>
/// <remarks>
/// Hand-written rather than MathNet's <c>Xoshiro256StarStar</c> for two reasons that matter here:
/// MathNet's class can only be seeded with a 32-bit <c>int</c>, so a million replicate seeds would
/// collide (birthday bound: about 116 pairs), and it is a heap-allocated <see cref="System.Random"/>
/// with virtual calls, while a replicate costs a few hundred nanoseconds in total. The full 256-bit
/// state is filled from SplitMix64, as the algorithm's authors recommend.
/// </remarks>
public struct Xoshiro256
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates a generator whose 256-bit state is expanded from <paramref name="seed"/> by SplitMix64.</summary>
    public Xoshiro256(ulong seed)
    {
        ulong sm = seed;
        _s0 = SplitMix64.Next(ref sm);
        _s1 = SplitMix64.Next(ref sm);
        _s2 = SplitMix64.Next(ref sm);
        _s3 = SplitMix64.Next(ref sm);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform on [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (long)(NextUInt64() >> 11) * (1.0 / 9007199254740992.0); // long-to-double converts faster than ulong-to-double, same value

    /// <summary>Uniform on (0, 1): never exactly 0, for use under a logarithm.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextOpenDouble() => ((NextUInt64() >> 12) + 0.5) * (1.0 / 4503599627370496.0);
}
