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
/// <remarks>
/// Repeating one (n, p) lets the branch predictor learn the sampler's paths, so these are best
/// cases; <see cref="BinomialMixedBenchmarks"/> measures the engine's varied sequence.
/// </remarks>
[MemoryDiagnoser]
public class BinomialBenchmarks
{
    private Xoshiro256 _rng;
    private Xoshiro256StarStar _mathNetRng = null!;

    [ParamsSource(nameof(Cases))]
    public BinomialCase Case { get; set; }

    public static IEnumerable<BinomialCase> Cases =>
    [
        new(200, 0.1),           // mean 20
        new(150, 0.1),           // mean 15
        new(1000, 0.05),         // mean 50
        new(3800, 0.1),          // mean 380
        new(51204, 0.2851),      // mean 14600
        new(51204, 0.35),        // mean 17921, moderate n
        new(10_000_000, 0.0051), // mean 51000, large n
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

/// <summary>
/// The engine's pattern: one replicate is five binomial draws with different (n, p), the later
/// ones conditional on the first, with means of about 14,600, 1,700, 1,100, 530 and 380. Reported
/// per draw (OperationsPerInvoke = 5).
/// </summary>
[MemoryDiagnoser]
public class BinomialMixedBenchmarks
{
    private const long N = 51204;

    private Xoshiro256 _rng;

    [GlobalSetup]
    public void Setup() => _rng = new Xoshiro256(42);

    [Benchmark(OperationsPerInvoke = 5)]
    public long MixedSequence()
    {
        long x1 = BinomialSampler.Sample(ref _rng, N, 0.2851);          // ~14,600
        long x2 = BinomialSampler.Sample(ref _rng, x1, 0.1164);         // ~1,700
        long x3 = BinomialSampler.Sample(ref _rng, N - x1, 0.03);       // ~1,100
        long x4 = BinomialSampler.Sample(ref _rng, x1 - x2, 0.0411);    // ~530
        long x5 = BinomialSampler.Sample(ref _rng, N - x1 - x3, 0.0107); // ~380
        return x1 + x2 + x3 + x4 + x5;
    }
}

/// <summary>An (n, p) pair, displayed as such in the results table.</summary>
public readonly record struct BinomialCase(int N, double P)
{
    public override string ToString() => $"n={N}, p={P}";
}
