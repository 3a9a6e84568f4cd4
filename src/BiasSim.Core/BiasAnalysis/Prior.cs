using System.Globalization;
using BiasSim.Core.Randomness;
using MathNet.Numerics.Distributions;

namespace BiasSim.Core.BiasAnalysis;

/// <summary>
/// A prior distribution for a bias parameter (a recording ratio): what the analyst believes about it before seeing
/// the data, as in Fox, MacLehose and Lash (2021), Applying Quantitative Bias Analysis to Epidemiologic Data, 2nd ed.,
/// ch. 8, and episensr's <c>probsens</c>. Every value it can draw is positive.
/// </summary>
public abstract record Prior
{
    public abstract double Sample(Random random);

    /// <summary>The distribution's shape in words, for sentences ("triangular, most likely 1.1"); empty for a point.</summary>
    public abstract string Describe();

    /// <summary>The values it takes, for "recorded RANGE times as often": "0.67 to 2", "exactly 1.2", or a log-normal's
    /// central 90%.</summary>
    public abstract string Span();

    /// <summary>The range that holds the prior's central 90% (its whole support when bounded narrower).</summary>
    public abstract (double Low, double High) Range90();

    protected static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>The value is known: every draw is <paramref name="Value"/> (a simple bias analysis).</summary>
public sealed record PointPrior(double Value) : Prior
{
    public override double Sample(Random random) => Value;
    public override string Describe() => "";
    public override string Span() => $"exactly {F(Value)}";
    public override (double Low, double High) Range90() => (Value, Value);
}

public sealed record UniformPrior(double Min, double Max) : Prior
{
    public override double Sample(Random random) => ContinuousUniform.Sample(random, Min, Max);
    public override string Describe() => "uniform";
    public override string Span() => $"{F(Min)} to {F(Max)}";
    public override (double Low, double High) Range90() => (Min + 0.05 * (Max - Min), Min + 0.95 * (Max - Min));
}

public sealed record TriangularPrior(double Min, double Mode, double Max) : Prior
{
    public override double Sample(Random random) => Min == Max ? Min : Triangular.Sample(random, Min, Max, Mode);
    public override string Describe() => $"triangular, most likely {F(Mode)}";
    public override string Span() => $"{F(Min)} to {F(Max)}";
    public override (double Low, double High) Range90() =>
        Min == Max ? (Min, Max) : (Triangular.InvCDF(Min, Max, Mode, 0.05), Triangular.InvCDF(Min, Max, Mode, 0.95));
}

/// <summary>Flat between the two modes, linear down to zero at <paramref name="Min"/> and <paramref name="Max"/>;
/// MathNet has no trapezoidal distribution, so it is drawn by inverting <see cref="Trapezoidal.Cdf"/>.</summary>
public sealed record TrapezoidalPrior(double Min, double LowerMode, double UpperMode, double Max) : Prior
{
    public override double Sample(Random random) => Trapezoidal.InverseCdf(random.NextDouble(), Min, LowerMode, UpperMode, Max);
    public override string Describe() => $"trapezoidal, most likely {F(LowerMode)} to {F(UpperMode)}";
    public override string Span() => $"{F(Min)} to {F(Max)}";
    public override (double Low, double High) Range90() =>
        (Trapezoidal.InverseCdf(0.05, Min, LowerMode, UpperMode, Max), Trapezoidal.InverseCdf(0.95, Min, LowerMode, UpperMode, Max));
}

/// <summary>log X ~ Normal(log median, log gsd): the geometric SD is the factor one SD multiplies by.</summary>
public sealed record LogNormalPrior(double Median, double Gsd) : Prior
{
    public override double Sample(Random random) => Gsd == 1 ? Median : LogNormal.Sample(random, Math.Log(Median), Math.Log(Gsd));
    public override string Describe() => $"log-normal, median {F(Median)}, geometric SD {F(Gsd)}: 90% of its draws";
    public override string Span()
    {
        var (low, high) = Range90();
        return string.Create(CultureInfo.InvariantCulture, $"{low:0.##} to {high:0.##}");
    }
    public override (double Low, double High) Range90()
    {
        double f = Math.Pow(Gsd, 1.6448536269514722);
        return (Median / f, Median * f);
    }
}

/// <summary>
/// The trapezoidal distribution on [a, d] with modes [b, c] (a &lt;= b &lt;= c &lt;= d, a &lt; d): density rising linearly
/// from 0 at a to h at b, flat to c, falling to 0 at d, with h = 2 / (d + c - a - b) so it integrates to 1.
/// </summary>
public static class Trapezoidal
{
    public static double Cdf(double x, double a, double b, double c, double d)
    {
        if (x <= a) return 0;
        if (x >= d) return 1;
        double h = 2 / (d + c - a - b);
        if (x < b) return h * (x - a) * (x - a) / (2 * (b - a));
        if (x <= c) return h * ((b - a) / 2 + (x - b));
        return 1 - h * (d - x) * (d - x) / (2 * (d - c));
    }

    /// <summary>The inverse of <see cref="Cdf"/>, piece by piece: each piece of the CDF is a quadratic or a line in x.</summary>
    public static double InverseCdf(double u, double a, double b, double c, double d)
    {
        double h = 2 / (d + c - a - b);
        double atB = h * (b - a) / 2, atC = h * ((b - a) / 2 + (c - b));
        if (u < atB) return a + Math.Sqrt(2 * u * (b - a) / h);
        if (u <= atC) return b + u / h - (b - a) / 2;
        return d - Math.Sqrt(2 * (1 - u) * (d - c) / h);
    }

    /// <summary>E[X] = (d^2 + dc + c^2 - b^2 - ba - a^2) / (3 (d + c - b - a)): the integral of x times the density.</summary>
    public static double Mean(double a, double b, double c, double d) =>
        (d * d + d * c + c * c - b * b - b * a - a * a) / (3 * (d + c - b - a));
}

/// <summary>
/// A <see cref="Random"/> over BiasSim's seeded xoshiro256** for MathNet's samplers, so a bias analysis never falls back
/// on MathNet's crypto-seeded default generator and the same seed gives the same draws on any machine.
/// </summary>
internal sealed class SeededRandom(ulong seed) : Random
{
    private Xoshiro256 _rng = new(seed);

    public override double NextDouble() => _rng.NextDouble();
    protected override double Sample() => _rng.NextDouble();
    public override int Next() => (int)(_rng.NextUInt64() >> 33);
    public override int Next(int maxValue) => Next(0, maxValue);
    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return minValue + (int)(_rng.NextDouble() * ((long)maxValue - minValue));
    }
    public override long NextInt64() => (long)(_rng.NextUInt64() >> 1);
    public override void NextBytes(byte[] buffer) => NextBytes(buffer.AsSpan());
    public override void NextBytes(Span<byte> buffer)
    {
        for (int i = 0; i < buffer.Length; i++) buffer[i] = (byte)(_rng.NextUInt64() >> 56);
    }
}
