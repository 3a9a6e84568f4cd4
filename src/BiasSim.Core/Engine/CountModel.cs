using BiasSim.Core.Randomness;
using BiasSim.Core.Sampling;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Engine;

/// <summary>
/// A scenario compiled to the probabilities the count engine draws from. A replicate draws only what an
/// auditor could observe, recorded referrals per group and the number with no recorded group, straight
/// from their joint law; every draw is a count, so a replicate costs O(groups) whatever the number of referrals.
/// </summary>
/// <remarks>
/// With a fixed total T, referrals Y ~ Multinomial(T, pi) thinned by X_g ~ Binomial(Y_g, r_g) give
/// (X_1, ..., X_k, unknown) ~ Multinomial(T; pi_1 r_1, ..., pi_k r_k, sum pi_g (1 - r_g)) (thinning a
/// multinomial cell by cell is a multinomial over the finer cells), so k binomial draws replace 2k - 1.
/// With a base rate, each person of group g is referred and recorded with probability p_g r_g, so
/// X_g ~ Binomial(N_g, p_g r_g), and the unrecorded referrals of g given X_g are
/// Binomial(N_g - X_g, p_g (1 - r_g) / (1 - p_g r_g)).
/// </remarks>
public sealed class CountModel
{
    private readonly long[] _census;
    private readonly double[] _recordedProbability;        // r_g
    private readonly double[] _referredAndRecorded;        // base-rate mode: p_g r_g
    private readonly double[] _referredUnrecordedGivenNot; // base-rate mode: p_g (1 - r_g) / (1 - p_g r_g)
    private readonly MultinomialPlan? _observable;          // total mode: pi_g r_g per group, then the unknown share
    private readonly double[] _expectedReferrals;
    private readonly long _total;

    public CountModel(Scenario scenario)
    {
        Population population = scenario.Population;
        GroupCount = population.Groups.Length;
        _census = population.Groups.Select(g => g.Census).ToArray();
        double[] rr = population.Groups.Select(g => scenario.Referrals.RateRatio(g.Name)).ToArray();
        _recordedProbability = Enumerable.Range(0, GroupCount).Select(scenario.Recording.Missing.RecordedProbability).ToArray();

        if (scenario.Referrals.BaseRate is double baseRate)
        {
            double[] p = rr.Select(r => baseRate * r).ToArray();
            _referredAndRecorded = p.Select((pg, g) => pg * _recordedProbability[g]).ToArray();
            _referredUnrecordedGivenNot = p.Select((pg, g) =>
                _referredAndRecorded[g] >= 1 ? 0 : Math.Min(1, pg * (1 - _recordedProbability[g]) / (1 - _referredAndRecorded[g]))).ToArray();
            _expectedReferrals = p.Select((pg, g) => pg * _census[g]).ToArray();
            _observable = null;
        }
        else
        {
            _total = scenario.Referrals.Total!.Value;
            double[] weights = _census.Select((n, g) => n * rr[g]).ToArray();
            double sum = weights.Sum();
            double[] pi = weights.Select(w => w / sum).ToArray();
            var shares = new double[GroupCount + 1];
            for (int g = 0; g < GroupCount; g++)
            {
                shares[g] = pi[g] * _recordedProbability[g];
                shares[GroupCount] += pi[g] * (1 - _recordedProbability[g]);
            }
            _observable = new MultinomialPlan(shares);
            _expectedReferrals = pi.Select(x => x * _total).ToArray();
            _referredAndRecorded = [];
            _referredUnrecordedGivenNot = [];
        }
    }

    public int GroupCount { get; }

    /// <summary>Expected referrals per group, E[Y_g].</summary>
    public double ExpectedReferrals(int group) => _expectedReferrals[group];

    /// <summary>Expected recorded referrals per group, E[X_g].</summary>
    public double ExpectedRecorded(int group) => _expectedReferrals[group] * _recordedProbability[group];

    /// <summary>Draws the recorded referrals per group into <paramref name="recorded"/> (length <see cref="GroupCount"/>)
    /// and returns the number of referrals whose group went unrecorded. <paramref name="scratch"/> needs
    /// <see cref="GroupCount"/> + 1 elements.</summary>
    public long Draw(ref Xoshiro256 rng, Span<long> recorded, Span<long> scratch)
    {
        if (_observable is not null)
        {
            Span<long> cells = scratch[..(GroupCount + 1)];
            _observable.Sample(ref rng, _total, cells);
            cells[..GroupCount].CopyTo(recorded);
            return cells[GroupCount];
        }

        long unknown = 0;
        for (int g = 0; g < GroupCount; g++)
        {
            long x = BinomialSampler.Sample(ref rng, _census[g], _referredAndRecorded[g]);
            recorded[g] = x;
            unknown += BinomialSampler.Sample(ref rng, _census[g] - x, _referredUnrecordedGivenNot[g]);
        }
        return unknown;
    }
}
