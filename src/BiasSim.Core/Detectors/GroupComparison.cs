using System.Collections.Immutable;
using BiasSim.Core.Scenarios;
using MathNet.Numerics.Distributions;

namespace BiasSim.Core.Detectors;

/// <summary>
/// What every per-group detector shares: the reference group, the groups compared with it (targets, in
/// population order), census denominators and the truth per target.
/// </summary>
public sealed class GroupComparison
{
    public GroupComparison(Population population, IReadOnlyList<double> truths, double alpha)
    {
        Population = population;
        Reference = population.ReferenceIndex;
        Groups = [.. Enumerable.Range(0, population.Groups.Length).Where(i => i != Reference)];
        Targets = [.. Groups.Select(i => population.Groups[i].Name)];
        Census = [.. population.Groups.Select(g => (double)g.Census)];
        LogCensus = [.. population.Groups.Select(g => Math.Log(g.Census))];
        Truths = [.. Groups.Select(i => truths[i])];
        Alpha = alpha;
        Z = Normal.InvCDF(0, 1, 1 - alpha / 2);
    }

    public Population Population { get; }
    public int Reference { get; }
    /// <summary>Population index of each target.</summary>
    public int[] Groups { get; }
    public ImmutableArray<string> Targets { get; }
    public double[] Census { get; }
    public double[] LogCensus { get; }
    public double[] Truths { get; }
    public double Alpha { get; }
    /// <summary>The normal critical value z_{1 - alpha/2}.</summary>
    public double Z { get; }

    /// <summary>log of the rate ratio of counts <paramref name="countGroup"/> and <paramref name="countReference"/> for target <paramref name="t"/>.</summary>
    public double LogRateRatio(int t, double countGroup, double countReference) =>
        Math.Log(countGroup) - LogCensus[Groups[t]] - Math.Log(countReference) + LogCensus[Reference];
}
