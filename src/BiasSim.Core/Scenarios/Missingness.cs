using System.Collections.Immutable;

namespace BiasSim.Core.Scenarios;

/// <summary>Where a referral sits: its region, self-defined group and covariate levels (indices), and its level of
/// each further protected attribute.</summary>
public readonly record struct CellKey(int Region, int Group, ImmutableArray<int> Levels)
{
    public ImmutableArray<int> AttributeLevels { get; init; } = [];

    /// <summary>The same cell seen from attribute <paramref name="attribute"/> (0 = ethnicity): "group" becomes that attribute's level.</summary>
    public CellKey ForAttribute(int attribute) => attribute == 0 ? this : this with { Group = AttributeLevels[attribute - 1] };
}

/// <summary>Why a referral's group goes unrecorded.</summary>
public abstract record MissingnessMechanism
{
    /// <summary>Change in the log-odds of missingness per level of the <c>year</c> covariate (0 = no drift).</summary>
    public double Trend { get; init; }

    /// <summary>When set, the log-odds of every cell's missingness is shifted by one constant so the expected
    /// overall missing share equals this exactly.</summary>
    public double? TargetShare { get; init; }

    /// <summary>Index of the <c>year</c> covariate that <see cref="Trend"/> counts in (-1: none).</summary>
    public int TrendCovariate { get; init; } = -1;

    /// <summary>The log-odds shift solved for <see cref="TargetShare"/> (0 without a target).</summary>
    public double CalibrationShift { get; init; }

    /// <summary>The mechanism's name as written in a scenario file.</summary>
    public abstract string Name { get; }

    /// <summary>The probability that a referral in <paramref name="cell"/> has no recorded group, before trend and calibration.</summary>
    public abstract double BaseMissingProbability(in CellKey cell);

    /// <summary>The probability that a referral in <paramref name="cell"/> has no recorded group.</summary>
    public double MissingProbability(in CellKey cell) => MissingProbability(cell, CalibrationShift);

    /// <summary>This mechanism calibrated by <paramref name="shift"/> (what the calibration stage, MissingnessCalibration.Solve, found).</summary>
    public virtual MissingnessMechanism WithCalibration(double shift) => this with { CalibrationShift = shift };

    /// <summary>Missingness with the log-odds shifted by the year trend and <paramref name="shift"/>; 0 and 1 stay fixed.</summary>
    public virtual double MissingProbability(in CellKey cell, double shift)
    {
        double m = BaseMissingProbability(cell);
        double offset = shift + (TrendCovariate >= 0 ? Trend * cell.Levels[TrendCovariate] : 0);
        if (offset == 0 || m <= 0 || m >= 1) return m;
        return 1.0 / (1.0 + (1 - m) / m * Math.Exp(-offset));
    }
}

/// <summary>Every referral's group is recorded.</summary>
public sealed record NoMissingness : MissingnessMechanism
{
    public override string Name => "none";
    public override double BaseMissingProbability(in CellKey cell) => 0.0;
}

/// <summary>Nothing is ever recorded: how Prevent's religion data stand (none has been published).</summary>
public sealed record NeverRecorded : MissingnessMechanism
{
    public override string Name => "never";
    public override double BaseMissingProbability(in CellKey cell) => 1.0;
}

/// <summary>Missing completely at random: each referral's group is lost with the same probability.</summary>
public sealed record McarMissingness(double Share) : MissingnessMechanism
{
    public override string Name => "mcar";
    public override double BaseMissingProbability(in CellKey cell) => Share;
}

/// <summary>Missing not at random: the chance of being unrecorded depends on the (unrecorded) group itself.</summary>
public record MnarMissingness(ImmutableArray<double> ShareByGroup) : MissingnessMechanism
{
    public override string Name => "mnar";
    public override double BaseMissingProbability(in CellKey cell) => ShareByGroup[cell.Group];
}

/// <summary>
/// Missing not at random, declared by recording ratio (<c>recording_ratio: {Black: 0.5}</c>): group g is recorded with
/// probability s x ratio_g, the reference with s, so "recorded half as often" stays exactly half whatever the overall
/// level. The common scale s = exp(-CalibrationShift) is solved in closed form for the target share
/// (by the calibration stage, MissingnessCalibration.RecordingScale); a shift on the log-odds, as share_by_group gets, would
/// turn a ratio of 0.5 into about 0.48. <see cref="MnarMissingness.ShareByGroup"/> holds the calibrated missing shares,
/// for display. No trend: a log-odds drift would break the ratio, so validation refuses one.
/// </summary>
public sealed record MnarRatioMissingness : MnarMissingness
{
    public MnarRatioMissingness(ImmutableArray<double> recordingRatioByGroup) : base(Shares(recordingRatioByGroup, 1.0))
    {
        RecordingRatioByGroup = recordingRatioByGroup;
    }

    /// <summary>Each group's recording probability over the reference group's (the reference's is 1).</summary>
    public ImmutableArray<double> RecordingRatioByGroup { get; }

    /// <summary>The common scale s: the reference group's recording probability.</summary>
    public double Scale => Math.Exp(-CalibrationShift);

    public override double BaseMissingProbability(in CellKey cell) => MissingProbability(cell, 0);

    /// <summary>1 - s x ratio_g with s = exp(-shift): increasing in the shift, as calibration by bisection expects.</summary>
    public override double MissingProbability(in CellKey cell, double shift) => 1 - Math.Min(1, Math.Exp(-shift) * RecordingRatioByGroup[cell.Group]);

    public override MissingnessMechanism WithCalibration(double shift) =>
        this with { CalibrationShift = shift, ShareByGroup = Shares(RecordingRatioByGroup, Math.Exp(-shift)) };

    private static ImmutableArray<double> Shares(ImmutableArray<double> ratios, double scale) => [.. ratios.Select(r => 1 - Math.Min(1, scale * r))];
}

/// <summary>Missing at random given a covariate or the region: recording practice differs by force, sector or year.</summary>
public sealed record MarMissingness(string By, int CovariateIndex, ImmutableArray<double> ShareByLevel) : MissingnessMechanism
{
    /// <summary>Marks <see cref="CovariateIndex"/> as meaning the region rather than a covariate.</summary>
    public const int RegionIndex = -1;

    public override string Name => "mar";
    public override double BaseMissingProbability(in CellKey cell) =>
        ShareByLevel[CovariateIndex == RegionIndex ? cell.Region : cell.Levels[CovariateIndex]];
}

/// <summary>One term of a logistic missingness model.</summary>
public abstract record LogisticTerm(string Key, double Coefficient)
{
    public abstract double Value(in CellKey cell);
}

/// <summary>Indicator of a covariate level, e.g. <c>sector.Education</c>.</summary>
public sealed record LevelTerm(string Key, double Coefficient, int Covariate, int Level) : LogisticTerm(Key, Coefficient)
{
    public override double Value(in CellKey cell) => cell.Levels[Covariate] == Level ? 1 : 0;
}

/// <summary>A covariate taken as a number: its level's position (0, 1, 2, ...), e.g. <c>year</c>.</summary>
public sealed record OrdinalTerm(string Key, double Coefficient, int Covariate) : LogisticTerm(Key, Coefficient)
{
    public override double Value(in CellKey cell) => cell.Levels[Covariate];
}

/// <summary>Indicator of a group (<c>group.Black</c>: missing not at random) or region (<c>region.London</c>).</summary>
public sealed record GroupTerm(string Key, double Coefficient, int Group) : LogisticTerm(Key, Coefficient)
{
    public override double Value(in CellKey cell) => cell.Group == Group ? 1 : 0;
}

public sealed record RegionTerm(string Key, double Coefficient, int Region) : LogisticTerm(Key, Coefficient)
{
    public override double Value(in CellKey cell) => cell.Region == Region ? 1 : 0;
}

/// <summary>P(missing) = logistic(intercept + sum of coefficient x term).</summary>
public sealed record LogisticMissingness(double Intercept, ImmutableArray<LogisticTerm> Terms) : MissingnessMechanism
{
    public override string Name => "logistic";

    public override double BaseMissingProbability(in CellKey cell)
    {
        double eta = Intercept;
        foreach (LogisticTerm term in Terms) eta += term.Coefficient * term.Value(cell);
        return 1.0 / (1.0 + Math.Exp(-eta));
    }
}
