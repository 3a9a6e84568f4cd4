using BiasSim.Core.Randomness;

namespace BiasSim.Core.Sampling;

/// <summary>
/// Gamma(shape, 1) variates by Marsaglia and Tsang (2000, ACM TOMS 26:363-372), with the shape &lt; 1 boost
/// G(a) = G(a + 1) U^(1/a); normals by the Marsaglia polar method. Used for Dirichlet posteriors in
/// multiple imputation; MathNet's samplers need a System.Random, not the replicate's struct generator.
/// </summary>
internal static class GammaSampler
{
    public static double Sample(ref Xoshiro256 rng, double shape)
    {
        if (!(shape > 0)) throw new ArgumentOutOfRangeException(nameof(shape), shape, "The shape must be positive.");
        if (shape < 1)
        {
            double boost = Math.Pow(rng.NextOpenDouble(), 1.0 / shape);
            return Sample(ref rng, shape + 1) * boost;
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = StandardNormal(ref rng);
                v = 1.0 + c * x;
            }
            while (v <= 0);
            v = v * v * v;
            double u = rng.NextOpenDouble();
            double x2 = x * x;
            if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
            if (Math.Log(u) < 0.5 * x2 + d * (1.0 - v + Math.Log(v))) return d * v;
        }
    }

    /// <summary>One standard normal by the polar method (the second of the pair is discarded to keep the generator stateless).</summary>
    public static double StandardNormal(ref Xoshiro256 rng)
    {
        while (true)
        {
            double u = 2 * rng.NextDouble() - 1;
            double v = 2 * rng.NextDouble() - 1;
            double s = u * u + v * v;
            if (s > 0 && s < 1) return u * Math.Sqrt(-2 * Math.Log(s) / s);
        }
    }

    /// <summary>Fills <paramref name="theta"/> with a Dirichlet(<paramref name="alpha"/>) draw.</summary>
    public static void Dirichlet(ref Xoshiro256 rng, ReadOnlySpan<double> alpha, Span<double> theta)
    {
        double sum = 0;
        for (int i = 0; i < alpha.Length; i++)
        {
            theta[i] = Sample(ref rng, alpha[i]);
            sum += theta[i];
        }
        for (int i = 0; i < theta.Length; i++) theta[i] /= sum;
    }
}
