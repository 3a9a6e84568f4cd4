namespace BiasSim.Core.Diagnosands;

/// <summary>
/// What one simulated audit concluded about one target, judged against the truth. A flag is not a finding: only
/// <see cref="Correct"/> is an audit that got the answer right.
/// </summary>
public enum AuditOutcome : byte
{
    /// <summary>The detector could not estimate from these data.</summary>
    NotEstimable,
    /// <summary>True RR differs from 1, flagged in its direction and the interval holds it; or the true RR is 1 and nothing was flagged.</summary>
    Correct,
    /// <summary>Flagged in the true direction, but the interval excludes the true RR: right direction, wrong size.</summary>
    Misestimated,
    /// <summary>Flagged in the direction opposite to the truth.</summary>
    WrongDirection,
    /// <summary>True RR differs from 1, nothing flagged.</summary>
    Missed,
    /// <summary>True RR is 1, something flagged.</summary>
    FalseAlarm,
}

/// <summary>The rule that turns a replicate's flag and interval into an <see cref="AuditOutcome"/>.</summary>
public static class AuditJudgement
{
    /// <summary>
    /// Judges one estimable replicate. <paramref name="effect"/>: whether the truth differs from "no difference";
    /// <paramref name="truthSign"/>: its direction (+1 or -1) when it does; <paramref name="covered"/>: whether the
    /// interval holds the truth, or null for a test with no interval (whose flag, when there is an effect, is correct).
    /// </summary>
    public static AuditOutcome Judge(bool effect, int truthSign, sbyte flag, bool? covered)
    {
        if (!effect) return flag == 0 ? AuditOutcome.Correct : AuditOutcome.FalseAlarm;
        if (flag == 0) return AuditOutcome.Missed;
        if (covered is not bool holds) return AuditOutcome.Correct;
        if (flag != truthSign) return AuditOutcome.WrongDirection;
        return holds ? AuditOutcome.Correct : AuditOutcome.Misestimated;
    }
}
