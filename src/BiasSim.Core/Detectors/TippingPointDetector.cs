namespace BiasSim.Core.Detectors;

/// <summary>
/// A sensitivity analysis of the complete-case finding, not a finding about the groups. If group g's referrals are
/// recorded at r_g and the reference's at r_ref, the complete-case rate ratio estimates RR x rho, rho = r_g / r_ref,
/// so the recording-corrected log rate ratio is log RR-hat - log rho with the same Katz SE s. The finding stays
/// significant while |log RR-hat - log rho| > z s; the <b>tipping point</b> is the recording ratio at which it stops
/// being significant: the end of the Katz interval nearest 1 (its lower end when flagged up, its upper end when
/// flagged down).
/// </summary>
/// <remarks>
/// Per group and replicate: flagged (+1 or -1) exactly when the complete-case finding is significant, so a tipping
/// point exists; the estimate is then the tipping point. When the finding is not significant there is no tipping
/// point: not flagged, and the estimate reported is 1 (no recording difference is needed to leave the data consistent
/// with no disproportionality). The interval is in every case the Katz interval, which is exactly the set of recording
/// ratios rho under which the corrected rate ratio would not be significant.
/// The truth it is judged against is the scenario's actual recording ratio, so coverage is the share of audits in
/// which the recording differences that really exist would leave the data consistent with no disproportionality
/// (for a flagged audit: they explain the finding away). Its flags are not claims of disproportionality
/// (<see cref="JudgesDisproportionality"/> is false), so they are never counted as false alarms. With <c>adjust</c>
/// the flags follow the adjusted test while estimate and interval stay unadjusted, as for every detector.
/// </remarks>
public sealed class TippingPointDetector : GroupDetector
{
    /// <summary>See <see cref="DetectorDescriptor"/>.</summary>
    public static DetectorDescriptor Descriptor { get; } = new()
    {
        Name = DetectorCatalog.TippingPoint,
        Options = ["adjust"],
        ForModel = (spec, frame, alpha) => new TippingPointDetector(frame.Groups(alpha), frame.RecordingRatios),
        ForData = d => new TippingPointDetector(d.Groups, d.Groups.Population.Groups.Select(_ => double.NaN).ToArray()),
        Label = _ => "Tipping point (recording ratio)",
        Heading = _ => "sensitivity analysis, not a finding: the recording ratio r_g/r_ref at which the complete-case finding would stop being significant " +
            "(the interval end nearest 1); coverage: the true recording ratio lies inside the Katz interval",
        Description = c => "Tipping point: a sensitivity analysis, not a finding: how many times as often a group's referrals would have to be recorded as " +
            $"{c.Reference} referrals for the complete-case finding to stop being significant.",
        Estimates = c => $"the recording ratio (group's recording rate over {c.Reference}'s) at which the complete-case finding would stop being " +
            "significant: the interval end nearest 1",
        Assumes = _ => "that the complete-case rate ratio converges to the true one times the recording ratio",
        Explanation = "A sensitivity analysis for advocates, not a finding: the recording ratio r_g/r_ref at which the "
            + "complete-case finding would stop being significant (the end of the Katz interval nearest 1; 1 when nothing is significant). Its coverage "
            + "is the share of audits whose interval holds the scenario's actual recording ratio. Its flags are never counted as findings or false alarms.",
    };

    public const string DetectorName = DetectorCatalog.TippingPoint;

    private readonly double[] _recordingRatios;

    /// <param name="recordingRatios">The actual recording ratio r_g / r_ref of every population group (population order).</param>
    public TippingPointDetector(GroupComparison groups, IReadOnlyList<double> recordingRatios)
        : base(groups)
    {
        _recordingRatios = [.. groups.Groups.Select(i => recordingRatios[i])];
    }

    public override string Name => DetectorName;

    public override bool JudgesDisproportionality => false;

    /// <summary>The actual recording ratio r_g / r_ref of target <paramref name="target"/>.</summary>
    public override double? TrueValue(int target) => _recordingRatios[target];

    public override void Evaluate(in RecordedCounts counts, Span<DetectorOutcome> outcomes)
    {
        ReadOnlySpan<long> x = counts.Recorded;
        double xRef = x[Comparison.Reference];
        int targets = Comparison.Groups.Length;
        if (xRef == 0)
        {
            outcomes[..targets].Fill(DetectorOutcome.NotEstimable(NotEstimableReason.ZeroCount));
            return;
        }
        double varianceRef = 1 / xRef - 1 / Comparison.Census[Comparison.Reference];
        for (int t = 0; t < targets; t++)
        {
            int g = Comparison.Groups[t];
            double xg = x[g];
            if (xg == 0)
            {
                outcomes[t] = DetectorOutcome.NotEstimable(NotEstimableReason.ZeroCount);
                continue;
            }
            double se = Math.Sqrt(1 / xg - 1 / Comparison.Census[g] + varianceRef);
            outcomes[t] = Outcome(Comparison.LogRateRatio(t, xg, xRef), se, Comparison.Z);
        }
    }

    /// <summary>The tipping-point outcome for a complete-case log rate ratio <paramref name="logRateRatio"/> with SE
    /// <paramref name="se"/> and critical value <paramref name="critical"/>.</summary>
    public static DetectorOutcome Outcome(double logRateRatio, double se, double critical)
    {
        DetectorOutcome katz = DetectorOutcome.LogInterval(logRateRatio, se, critical);
        double logTip = katz.Flag > 0 ? logRateRatio - critical * se : katz.Flag < 0 ? logRateRatio + critical * se : 0;
        katz.LogEstimate = logTip;
        katz.Estimate = katz.Flag > 0 ? katz.Lower : katz.Flag < 0 ? katz.Upper : 1;
        return katz;
    }
}
