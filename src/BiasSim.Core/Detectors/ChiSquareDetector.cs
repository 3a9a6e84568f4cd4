using System.Collections.Immutable;
using BiasSim.Core.Scenarios;
using MathNet.Numerics.Distributions;

namespace BiasSim.Core.Detectors;

/// <summary>
/// Pearson goodness-of-fit of the recorded counts over all groups against census shares, df = k - 1:
/// "are referrals spread across groups as the population is?". Flags when p &lt; alpha, which is the same
/// event as the statistic exceeding the (1 - alpha) quantile, so the p-value need not be computed per replicate.
/// </summary>
public sealed class ChiSquareDetector : CountDetector
{
    /// <summary>See <see cref="DetectorDescriptor"/>.</summary>
    public static DetectorDescriptor Descriptor { get; } = new()
    {
        Name = DetectorName,
        ForModel = (spec, frame, alpha) => new ChiSquareDetector(frame.Population, frame.TrueRateRatios, alpha),
        ForData = d => new ChiSquareDetector(d.Groups.Population, d.Groups.Population.Groups.Select(_ => double.NaN).ToArray(), d.Alpha),
        DetectDefault = true,
        Label = _ => "Chi-square test, all groups",
        Heading = c => "Pearson goodness-of-fit of recorded referrals against census shares, alpha " +
            $"{c.Alpha.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
        Description = c => "Chi-square: a Pearson goodness-of-fit test of recorded referrals against census shares; it flags a difference when p < " +
            $"{c.Alpha.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}.",
        Estimates = _ => "Pearson goodness-of-fit of recorded referrals against census shares",
        Assumes = c => $"the recorded referrals are representative of all referrals (recording unrelated to {DetectorDescriptor.Itself(c.Attribute)}) and " +
            "the recorded categories are self-defined, as the census's are",
        Explanation = "Pearson's goodness-of-fit test of the recorded counts against census shares (df = groups - 1): are recorded "
            + "referrals spread across groups as the population is? One row, group 'all'. Assumes what rate-ratio assumes.",
    };

    public const string DetectorName = "chi-square";
    public const string AllTarget = SummaryTargets.All;

    private readonly double[] _shares;
    private readonly double _critical;
    private readonly bool _anyDisproportionality;

    public ChiSquareDetector(Population population, IReadOnlyList<double> trueRateRatios, double alpha)
    {
        double total = population.Total;
        _shares = population.Groups.Select(g => g.Census / total).ToArray();
        DegreesOfFreedom = population.Groups.Length - 1;
        _critical = ChiSquared.InvCDF(DegreesOfFreedom, 1 - alpha);
        _anyDisproportionality = trueRateRatios.Any(rr => !NullEffect.IsNull(rr));
    }

    public int DegreesOfFreedom { get; }
    public double CriticalValue => _critical;
    /// <summary>Whether the truth holds any disproportionality for the test to find (else a flag is a false alarm).</summary>
    public bool AnyDisproportionality => _anyDisproportionality;

    public override string Name => DetectorName;
    public override ImmutableArray<string> Targets { get; } = [AllTarget];
    public override bool HasInterval => false;
    public override double? TrueValue(int target) => null;
    public override bool? TrueEffect(int target) => _anyDisproportionality;

    public override void Evaluate(in RecordedCounts counts, Span<DetectorOutcome> outcomes)
    {
        double statistic = Statistic(counts.Recorded, _shares, out long n);
        ref DetectorOutcome o = ref outcomes[0];
        if (n == 0)
        {
            o = DetectorOutcome.NotEstimable(NotEstimableReason.NoData);
            return;
        }
        o.Estimable = true;
        o.Estimate = statistic;
        o.LogEstimate = double.NaN;
        o.Z = double.NaN;
        o.Lower = double.NaN;
        o.Upper = double.NaN;
        o.Flag = statistic > _critical ? (sbyte)1 : (sbyte)0;
    }

    /// <summary>Pearson's X^2 = sum (x - n s)^2 / (n s) over groups, with n the recorded total.</summary>
    public static double Statistic(ReadOnlySpan<long> recorded, ReadOnlySpan<double> shares, out long n)
    {
        n = 0;
        foreach (long x in recorded) n += x;
        double sum = 0;
        for (int i = 0; i < recorded.Length; i++)
        {
            double expected = n * shares[i];
            double d = recorded[i] - expected;
            sum += d * d / expected;
        }
        return sum;
    }

    /// <summary>The p-value of a statistic, for single analyses; the Monte Carlo path compares with the critical value instead.</summary>
    public double PValue(double statistic) => MathNet.Numerics.SpecialFunctions.GammaUpperRegularized(DegreesOfFreedom / 2.0, statistic / 2.0);
}
