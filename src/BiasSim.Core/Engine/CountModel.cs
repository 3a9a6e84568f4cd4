using BiasSim.Core.Randomness;
using BiasSim.Core.Sampling;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Engine;

/// <summary>
/// A scenario compiled to the probabilities the count engine draws from. One replicate draws referrals
/// per group (binomial with base_rate, multinomial with total), then thins each group's referrals to
/// the recorded ones; every draw is a count, so a replicate costs O(groups) whatever the number of referrals.
/// </summary>
public sealed class CountModel
{
    private readonly long[] _census;
    private readonly double[] _referralProbability; // base_rate mode: P(referred) per person in group
    private readonly double[] _referralShare;       // total mode: share of referrals per group
    private readonly long _total;
    private readonly double[] _recordedProbability;

    public CountModel(Scenario scenario)
    {
        Population population = scenario.Population;
        GroupCount = population.Groups.Length;
        _census = population.Groups.Select(g => g.Census).ToArray();
        double[] rr = population.Groups.Select(g => scenario.Referrals.RateRatio(g.Name)).ToArray();
        if (scenario.Referrals.BaseRate is double baseRate)
        {
            _referralProbability = rr.Select(r => baseRate * r).ToArray();
            _referralShare = [];
        }
        else
        {
            _total = scenario.Referrals.Total!.Value;
            double[] weights = _census.Select((n, i) => n * rr[i]).ToArray();
            double sum = weights.Sum();
            _referralShare = weights.Select(w => w / sum).ToArray();
            _referralProbability = [];
        }
        _recordedProbability = Enumerable.Range(0, GroupCount).Select(scenario.Recording.Missing.RecordedProbability).ToArray();
    }

    public int GroupCount { get; }

    /// <summary>Expected referrals per group, E[Y_g].</summary>
    public double ExpectedReferrals(int group) =>
        _referralProbability.Length > 0 ? _census[group] * _referralProbability[group] : _total * _referralShare[group];

    /// <summary>Expected recorded referrals per group, E[X_g].</summary>
    public double ExpectedRecorded(int group) => ExpectedReferrals(group) * _recordedProbability[group];

    /// <summary>Draws Y_g (referrals) from <paramref name="referralRng"/> and X_g (recorded) from <paramref name="recordingRng"/>;
    /// returns the number of referrals whose group went unrecorded.</summary>
    public long Draw(ref Xoshiro256 referralRng, ref Xoshiro256 recordingRng, Span<long> referrals, Span<long> recorded)
    {
        if (_referralProbability.Length > 0)
        {
            for (int g = 0; g < referrals.Length; g++)
            {
                referrals[g] = BinomialSampler.Sample(ref referralRng, _census[g], _referralProbability[g]);
            }
        }
        else
        {
            BinomialSampler.SampleMultinomial(ref referralRng, _total, _referralShare, referrals);
        }

        long unknown = 0;
        for (int g = 0; g < recorded.Length; g++)
        {
            recorded[g] = BinomialSampler.Sample(ref recordingRng, referrals[g], _recordedProbability[g]);
            unknown += referrals[g] - recorded[g];
        }
        return unknown;
    }
}
