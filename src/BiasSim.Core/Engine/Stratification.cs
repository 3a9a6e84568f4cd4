using System.Collections.Immutable;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Engine;

/// <summary>
/// The observed strata that detectors need (for weighting, imputation, or testing missingness): the
/// product of the levels of each stratifier ('region' or a covariate). Strata are observed for every
/// referral, recorded ethnicity or not. Without stratifiers there is one stratum.
/// </summary>
public sealed class Stratification
{
    public const string Region = "region";

    private readonly int[] _covariate; // per variable: covariate index, or -1 for region
    private readonly int[] _sizes;
    private readonly int[] _strides;

    public Stratification(Population population, ReferralProcess referrals, IEnumerable<string> variables)
    {
        Variables = [.. variables.Distinct()];
        _covariate = [.. Variables.Select(v => v == Region ? -1 : referrals.CovariateIndex(v))];
        _sizes = [.. _covariate.Select(c => c < 0 ? population.Regions.Length : referrals.Covariates[c].Levels.Length)];
        LevelNames = [.. _covariate.Select(c => c < 0
            ? population.Regions.Select(x => x.Name).ToImmutableArray()
            : referrals.Covariates[c].Levels)];
        _strides = new int[_sizes.Length];
        int stride = 1;
        for (int v = _sizes.Length - 1; v >= 0; v--)
        {
            _strides[v] = stride;
            stride *= _sizes[v];
        }
        Count = stride;
    }

    public ImmutableArray<string> Variables { get; }
    public ImmutableArray<ImmutableArray<string>> LevelNames { get; }

    /// <summary>Number of strata (1 without stratifiers).</summary>
    public int Count { get; }

    public int VariableIndex(string variable) => Variables.IndexOf(variable);

    public int StratumOf(in CellKey cell)
    {
        int s = 0;
        for (int v = 0; v < _covariate.Length; v++)
        {
            int level = _covariate[v] < 0 ? cell.Region : cell.Levels[_covariate[v]];
            s += level * _strides[v];
        }
        return s;
    }

    /// <summary>The level of <paramref name="variable"/> that stratum <paramref name="stratum"/> belongs to.</summary>
    public int LevelOf(int stratum, int variable) => stratum / _strides[variable] % _sizes[variable];

    /// <summary>For each stratum, its level of <paramref name="variable"/>; all zeros when <paramref name="variable"/> is null (one level).</summary>
    public int[] Map(string? variable)
    {
        int v = variable is null ? -1 : VariableIndex(variable);
        return [.. Enumerable.Range(0, Count).Select(s => v < 0 ? 0 : LevelOf(s, v))];
    }

    public int Levels(string? variable) => variable is null ? 1 : _sizes[VariableIndex(variable)];
}
