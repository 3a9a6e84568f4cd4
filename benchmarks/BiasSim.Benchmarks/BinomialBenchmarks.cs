using BenchmarkDotNet.Attributes;
using BiasSim.Core.Randomness;
using BiasSim.Core.Sampling;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;

namespace BiasSim.Benchmarks;

/// <summary>
/// One binomial draw per invocation: <see cref="BinomialSampler.Sample"/> against MathNet's
/// <see cref="Binomial.Sample(System.Random, double, int)"/>, which sums n Bernoulli trials and so
/// costs O(n) per draw.
/// </summary>
[MemoryDiagnoser]
public class BinomialBenchmarks
{
    private Xoshiro256 _rng;
    private Xoshiro256StarStar _mathNetRng = null!;

    [ParamsSource(nameof(Cases))]
    public BinomialCase Case { get; set; }

    public static IEnumerable<BinomialCase> Cases =>
    [
        new(1000, 0.05),         // n·p = 50: BTPE, small
        new(51204, 0.35),        // BTPE, moderate
        new(10_000_000, 0.0051), // BTPE, large n
        new(200, 0.1),           // n·p = 20: inversion
    ];

    [GlobalSetup]
    public void Setup()
    {
        _rng = new Xoshiro256(42);
        _mathNetRng = new Xoshiro256StarStar(42, threadSafe: false);
    }

    [Benchmark(Baseline = true)]
    public int MathNet() => Binomial.Sample(_mathNetRng, Case.P, Case.N);

    [Benchmark]
    public long BiasSimSampler() => BinomialSampler.Sample(ref _rng, Case.N, Case.P);
}

/// <summary>An (n, p) pair, displayed as such in the results table.</summary>
public readonly record struct BinomialCase(int N, double P)
{
    public override string ToString() => $"n={N}, p={P}";
}
