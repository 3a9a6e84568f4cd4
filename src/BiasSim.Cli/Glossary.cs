using BiasSim.Core.Scenarios;

namespace BiasSim.Cli;

/// <summary>
/// What every word a person meets in BiasSim's output and scenario files means: each diagnosands.csv column (the
/// verdict outcomes included), each detector, each missingness mechanism and each recording key. <c>biassim explain</c>
/// prints these; a test fails when a diagnosands.csv column has no entry, so the glossary cannot fall behind.
/// </summary>
internal static class Glossary
{
    public enum Kind { Column, Detector, Mechanism, ScenarioKey, Concept, OutputColumn }

    public sealed record Entry(string Term, Kind Kind, string Text, IReadOnlyList<string> SeeAlso);

    /// <summary>The verdict outcomes each replicate is classified into (the verdicts issue), appended to diagnosands.csv.</summary>
    public static readonly IReadOnlyList<string> Outcomes = ["correct_rate", "misestimated_rate", "wrong_direction_rate", "missed_rate", "false_alarm_rate"];

    public static string KindHeading(Kind kind) => kind switch
    {
        Kind.Column => "Columns of diagnosands.csv and sweep.csv",
        Kind.Detector => "Detectors",
        Kind.Mechanism => "Missingness mechanisms (recording.missing.mechanism)",
        Kind.ScenarioKey => "Scenario keys and detector options",
        Kind.OutputColumn => "Columns of replicates.csv (run --save-replicates) and bias_analysis.csv (detect --bias-analysis)",
        _ => "Concepts",
    };

    public static string KindLabel(Kind kind) => kind switch
    {
        Kind.Column => "diagnosands.csv and sweep.csv column",
        Kind.Detector => "detector (scenario key detectors:, or detect --detectors)",
        Kind.Mechanism => "missingness mechanism (recording.missing.mechanism)",
        Kind.ScenarioKey => "scenario key",
        Kind.OutputColumn => "replicates.csv or bias_analysis.csv column",
        _ => "concept",
    };

    public static readonly IReadOnlyList<Entry> All = Build();

    private static List<Entry> Build()
    {
        var e = new List<Entry>();
        void Add(string term, Kind kind, string text, params string[] see) => e.Add(new Entry(term, kind, text, see));
        void Se(string column, string how) => Add(column + "_se", Kind.Column,
            $"The Monte Carlo standard error of {column}: {how} A 95% Monte Carlo interval is {column} ± 1.96 x {column}_se.", column);

        // diagnosands.csv, in column order.
        Add("detector", Kind.Column, "Which detector (answer strategy) the row is about: rate-ratio, chi-square, bounds, ... (see biassim explain "
            + "rate-ratio).");
        Add("group", Kind.Column, "The group the row is about, compared with the reference group. Test rows have group 'all' (chi-square, "
            + "missing-share: one test of all groups at once) or 'family-wise' (any group with a true rate ratio of 1 flagged).", "family-wise");
        Add("true_rate_ratio", Kind.Column, "The truth the scenario built in: the group's referral rate per census head over the reference group's. "
            + "Declared in referrals.rate_ratios (unlisted groups 1); with regions or a second attribute it is derived from expected referrals. "
            + "A declared 1, or a derived one within 1e-6 of 1 on the log scale, counts as 'no disproportionality'.", "rate_ratios");
        Add("replicates", Kind.Column, "How many simulated audits the row summarises. Each replicate draws referrals, damages the records and runs "
            + "the detector once.");
        Add("flag_rate", Kind.Column, "Share of replicates in which the detector flagged the group (its interval excluded 1, or its test was significant). "
            + "At a true rate ratio other than 1 this is the power; at 1 it is the false-alarm rate, which alpha should cap. A flag is not a finding: "
            + "it may point the wrong way or sit far from the truth (see correct_rate).", "flag_rate_se", "correct_rate", "alpha");
        Se("flag_rate", "sqrt(p(1-p)/R) over all R replicates.");
        Add("flag_up_rate", Kind.Column, "Share of replicates flagged above 1 (the group looks over-referred).", "flag_down_rate");
        Add("flag_down_rate", Kind.Column, "Share of replicates flagged below 1 (the group looks under-referred).", "flag_up_rate");
        Add("mean_estimate", Kind.Column, "The mean estimated rate ratio over the replicates where the detector could estimate one. Compare it with "
            + "true_rate_ratio.", "bias_log");
        Add("mean_log_estimate", Kind.Column, "The mean of the log estimated rate ratio over estimable replicates; exp of it is the geometric mean estimate.");
        Add("bias_log", Kind.Column, "Mean of log(estimate) - log(true rate ratio) over estimable replicates: 0 is unbiased, +0.1 about 10% too high. "
            + "Bias that does not shrink with more referrals is what missing-not-at-random and officer-assigned categories cause.", "rmse_log");
        Add("rmse_log", Kind.Column, "Root-mean-square of log(estimate) - log(true rate ratio): bias and noise together.", "bias_log");
        Add("coverage", Kind.Column, "Share of estimable replicates whose interval holds the true rate ratio. A 95% interval should cover about 95% "
            + "of the time; far less means the intervals are confidently wrong.", "coverage_se", "mean_ci_width");
        Add("mean_lower", Kind.Column, "The average lower end of the detector's interval over estimable replicates.", "mean_upper");
        Add("mean_upper", Kind.Column, "The average upper end of the detector's interval over estimable replicates.", "mean_lower");
        Add("mean_ci_width", Kind.Column, "The average width of the interval (upper - lower): how precise a single audit is.");
        Add("type_s_rate", Kind.Column, "Type S (sign) error, after Gelman and Carlin (2014): the share of flags that point the wrong way. Empty at a "
            + "true rate ratio of 1.", "wrong_direction_rate");
        Add("exaggeration_ratio", Kind.Column, "Type M (magnitude) error, after Gelman and Carlin (2014): mean |log estimate| / |log true rate ratio| "
            + "among flagged "
            + "replicates. 2 means flagged audits report effects twice as large as the truth on the log scale. Empty at a true rate ratio of 1.");
        Add("not_estimable_rate", Kind.Column, "Share of replicates where the detector could not estimate at all (for example no recorded referral of "
            + "the group, "
            + "or a singular misclassification matrix). Counted, never redrawn, never flagged; summary.json gives the reasons.");
        Add("estimable", Kind.Column, "How many replicates the detector could estimate: the n behind every mean and coverage.");
        Se("flag_up_rate", "sqrt(p(1-p)/R).");
        Se("flag_down_rate", "sqrt(p(1-p)/R).");
        Se("mean_estimate", "the standard deviation of the estimates over sqrt(estimable).");
        Se("mean_log_estimate", "the standard deviation of the log estimates over sqrt(estimable).");
        Se("bias_log", "the standard deviation of the log errors over sqrt(estimable).");
        Se("rmse_log", "by the delta method from the squared log errors.");
        Se("coverage", "sqrt(p(1-p)/estimable).");
        Se("mean_ci_width", "the standard deviation of the widths over sqrt(estimable).");
        Se("type_s_rate", "sqrt(p(1-p)/flags).");
        Se("exaggeration_ratio", "the standard deviation of the ratios over sqrt(flags).");
        Se("not_estimable_rate", "sqrt(p(1-p)/R).");
        Add("attribute", Kind.Column, "The protected characteristic the row is about: ethnicity, or a further attribute such as religion "
            + "(population.attributes).");

        // The verdict outcomes: each replicate of a per-group row falls into exactly one; with not_estimable_rate they sum to 1.
        const string sum = " A share of all replicates; on every per-group row correct_rate + misestimated_rate + wrong_direction_rate + missed_rate "
            + "+ false_alarm_rate + not_estimable_rate = 1. Test rows (chi-square's 'all', 'family-wise') get correct, missed and false alarm only.";
        Add("correct_rate", Kind.Column, "The audit got it right: the true rate ratio differs from 1, the group is flagged in its direction and the interval "
            + "holds the true rate ratio; or the true rate ratio is 1 and nothing is flagged." + sum, "misestimated_rate", "missed_rate");
        Add("misestimated_rate", Kind.Column, "Flagged in the true direction, but the interval excludes the true rate ratio: right direction, wrong "
            + "size." + sum, "correct_rate");
        Add("wrong_direction_rate", Kind.Column, "Flagged in the opposite direction to the truth: the audit would mislead." + sum, "type_s_rate");
        Add("missed_rate", Kind.Column, "The true rate ratio differs from 1 but nothing is flagged: the audit lacks the power to see it." + sum, "mdrr");
        Add("false_alarm_rate", Kind.Column, "The true rate ratio is 1 but the group is flagged: a difference reported where there is none." + sum, "alpha");
        foreach (string outcome in Outcomes) Se(outcome, "sqrt(p(1-p)/R) over all R replicates.");
        Add("true_difference", Kind.Column,
            "Whether the truth holds the difference the row looks for: true where the true rate ratio is not 1 (for the chi-square "
            + "row, where any group's is not 1), false where it is 1, empty where replicates are not judged (tipping-point). A derived rate ratio within 1e-6 "
            + "of 1 on the log scale counts as 1.", "correct_rate");
        Add("dropped_draw_share", Kind.Column, "misclassification-corrected with validation_share only: the share of the m matrix draws, over estimable "
            + "replicates, left out of Rubin's-rules pooling because they gave a negative corrected count. Dropping them leans a small group's estimate "
            + "away from 0.", "dropped_draw_replicate_rate", "validation_share");
        Add("dropped_draw_replicate_rate", Kind.Column, "misclassification-corrected with validation_share only: the share of replicates in which at least "
            + "one matrix draw was left out of pooling.", "dropped_draw_share");

        // Detectors (docs/detectors.md has what each assumes and where it fails).
        foreach (var d in Core.Detectors.DetectorCatalog.Descriptors) Add(d.Name, Kind.Detector, d.Explanation, [.. d.SeeAlso]);

        // Missingness mechanisms (docs/recording.md).
        Add("none", Kind.Mechanism, "Every referral's group is recorded.");
        Add("mcar", Kind.Mechanism, "Missing completely at random (key share): every referral loses its group with the same probability. The recorded share "
            + "cancels from every rate ratio, so only precision is lost. The kindest case.", "share");
        Add("mnar", Kind.Mechanism, "Missing not at random: the chance of being unrecorded depends on the person's own (unrecorded) group. Either "
            + "share_by_group "
            + "(each group's missing share, whose log-odds target_share shifts) or recording_ratio (each group's recording probability relative to the "
            + "reference, kept exactly while target_share sets the overall level). The complete-case rate ratio converges to RR x r_g / r_ref: more "
                + "data do not help.",
            "share_by_group", "recording_ratio", "target_share");
        Add("mar", Kind.Mechanism, "Missing at random given a force, sector or year (keys by and share): recording depends on where or how the person was "
            + "referred, not on who they are. Nationally it still biases the rate ratio when groups are spread unevenly across forces; ipw can undo "
                + "it.", "by", "ipw");
        Add("logistic", Kind.Mechanism, "The log-odds of missingness = intercept + the coefficients of terms such as sector.Education, region.London, "
            + "group.Black (MNAR) or year (a trend). target_share can replace the intercept.", "coefficients", "intercept", "target_share");
        Add("never", Kind.Mechanism, "Nothing is ever recorded: how Prevent's religion data stand (none has been published).");

        // Recording keys and detector options.
        Add("missing", Kind.ScenarioKey, "recording.missing: whether the group is recorded at all, as {mechanism: ..., ...}. Mechanisms: none, mcar, "
            + "mnar, mar, logistic, never.", "mcar");
        Add("share", Kind.ScenarioKey, "With mcar: the share of referrals whose group is unrecorded (0 to below 1). With mar: a mapping of every level of "
            + "'by' to its missing share.", "mcar", "mar");
        Add("share_by_group", Kind.ScenarioKey, "With mnar: every group's missing share, such as {White: 0.6, Black: 0.75}. With target_share, all are shifted "
            + "by one constant on the log-odds scale, so the pattern but not the exact ratios is kept (use recording_ratio to keep ratios).",
            "recording_ratio");
        Add("recording_ratio", Kind.ScenarioKey, "With mnar: each group's probability of being recorded relative to the reference group's, such as "
            + "{Black: 0.5} for 'recorded half as often as White'; unlisted groups 1. Needs target_share: one common scale s is solved in closed form so the "
            + "expected overall missing share equals it, and group g is recorded with probability s x ratio_g exactly. A target that would need a probability "
            + "above 1 is rejected with the reachable range.", "target_share", "mnar");
        Add("target_share", Kind.ScenarioKey, "With mnar, mar or logistic: the expected overall missing share to calibrate to exactly. It shifts every "
            + "cell's log-odds by one constant (or, with recording_ratio, scales recording probabilities); shares of exactly 0 or 1 stay fixed.");
        Add("trend", Kind.ScenarioKey, "The change in the log-odds of missingness per level of the 'year' covariate (recording practice changing over time).");
        Add("by", Kind.ScenarioKey, "With mar: the force ('region') or covariate recording depends on. As a detector option (ipw, multiple-imputation, "
            + "missing-share): the stratifier, default region when the population has regions.", "mar", "ipw");
        Add("intercept", Kind.ScenarioKey, "With logistic: the log-odds of missingness at the baseline (all terms 0).", "logistic");
        Add("coefficients", Kind.ScenarioKey, "With logistic: a mapping of terms (group.NAME, region.NAME, COVARIATE.LEVEL, or a covariate name for its level "
            + "position) to their change in log-odds.", "logistic");
        Add("misclassification", Kind.ScenarioKey, "recording.misclassification: who assigns the recorded category, as {matrix: ..., assigned_by: ...}. "
            + "Officers' categories inflate small groups rather than attenuating them (docs/recording.md).", "matrix", "assigned_by");
        Add("matrix", Kind.ScenarioKey, "P(recorded category | self-defined group): officer-stop-search-2021 (derived from Lambeth and Haringey "
            + "stop-and-search "
            + "records) or a mapping of every group to its row; each row sums to 1.", "misclassification");
        Add("assigned_by", Kind.ScenarioKey, "{officer: p, self: 1-p}: the share of recorded categories that are an officer's judgement (through the "
            + "matrix); the rest are self-defined.");
        Add("attributes", Kind.ScenarioKey, "A second protected characteristic (religion): population.attributes gives its census shares within each group, "
            + "referrals.attributes its rate ratios, recording.attributes how it is recorded (any mechanism; 'group' means its level).");
        Add("rate_ratios", Kind.ScenarioKey, "referrals.rate_ratios: the true rate ratio of each group against the reference; unlisted groups 1. "
            + "HYPOTHETICAL in "
            + "every bundled scenario: nobody knows the real ones.", "true_rate_ratio");
        Add("adjust", Kind.ScenarioKey, "Detector option: none, bonferroni or holm adjusts flags across groups for multiple comparisons; intervals "
            + "stay unadjusted.", "family-wise");
        Add("m", Kind.ScenarioKey, "Detector option: the number of imputations (multiple-imputation) or matrix draws (misclassification-corrected "
            + "with validation_share); default 20.");
        Add("validation_share", Kind.ScenarioKey, "Detector option of misclassification-corrected: the share of recorded referrals that also carry the "
            + "self-defined group, from which the matrix is estimated.", "misclassification-corrected");

        // Concepts the console and reports use.
        Add("family-wise", Kind.Concept, "A row with group 'family-wise': the share of replicates in which any group whose true rate ratio is 1 was flagged "
            + "(the family-wise false-alarm rate). Present when a detector has two or more such groups.", "adjust");
        Add("alpha", Kind.Concept, "simulation.alpha (default 0.05): the significance level of every test and the interval level (1 - alpha). At a true rate "
            + "ratio of 1 a valid detector flags in about alpha of audits.");
        Add("mdrr", Kind.Concept, "The minimum detectable rate ratio (biassim mdrr): the smallest true rate ratio a detector flags in the target share "
            + "(--power, default 0.8) of audits.", "missed_rate");
        Add("power", Kind.Concept, "The share of audits that flag a real disproportionality: flag_rate at a true rate ratio other than 1.",
            "flag_rate", "mdrr");

        // replicates.csv (run --save-replicates): one row per replicate and diagnosands.csv row, family-wise rows left out.
        Add("replicate", Kind.OutputColumn, "replicates.csv: the replicate's index, from 0. Replicate r draws from streams seeded by (seed, r), so "
            + "it is the same audit on any thread count.", "save-replicates");
        Add("estimate", Kind.OutputColumn, "replicates.csv: the detector's estimate in this replicate (a rate ratio; for a test such as chi-square, its "
            + "statistic); empty when not estimable.", "lower", "upper");
        Add("lower", Kind.OutputColumn, "replicates.csv: the lower end of the replicate's interval (1 - alpha). bias_analysis.csv: the alpha/2 "
            + "quantile of the bias-adjusted draws (with median and upper, the simulation interval).", "upper", "alpha");
        Add("upper", Kind.OutputColumn, "replicates.csv: the upper end of the replicate's interval. bias_analysis.csv: the 1 - alpha/2 quantile of "
            + "the bias-adjusted draws.", "lower");
        Add("flag", Kind.OutputColumn, "replicates.csv: up or down (flagged above or below 1), flagged (a test with no direction, such as "
            + "chi-square), none, or not_estimable. Counting them per detector and group gives diagnosands.csv's flag_rate, flag_up_rate and "
            + "flag_down_rate exactly.", "flag_rate");
        Add("outcome", Kind.OutputColumn, "replicates.csv: how the replicate was judged against the truth: correct, misestimated, wrong_direction, "
            + "missed, false_alarm or not_estimable; empty where replicates are not judged (tipping-point). Counting them gives the outcome rates "
            + "exactly. A family-wise row is any null group's false_alarm in the same replicate.", "correct_rate", "family-wise");
        Add("save-replicates", Kind.Concept, "run --save-replicates writes replicates.csv, streamed in replicate order (identical on any thread "
            + "count). Its size is printed before the run; above --max-replicates-bytes (default 1 GB) the run is refused. Not with --resume or "
            + "--shard: the file must hold every replicate.", "replicate", "flag", "outcome");

        // bias_analysis.csv (detect --bias-analysis).
        Add("bias-analysis", Kind.Concept, "detect --bias-analysis PRIORS.yaml: probabilistic bias analysis of observed counts (Fox, MacLehose and "
            + "Lash, ch. 8; episensr probsens). Each draw takes each group's recording ratio from its prior (point, uniform, triangular, "
            + "trapezoidal, log-normal), optionally corrects the counts by a misclassification matrix drawn row by row from Dirichlet priors, "
            + "draws the log rate ratio from its Katz sampling distribution, and divides. The draws' quantiles are a "
            + "simulation interval: it holds the stated assumptions, not just chance.", "observed_rr", "share_above_1", "recording_ratio");
        Add("observed_rr", Kind.OutputColumn, "bias_analysis.csv: the complete-case rate ratio of the recorded referrals (census denominators), "
            + "the rate-ratio detector's estimate; it assumes every group is recorded as often as the reference.", "bias-analysis");
        Add("median", Kind.OutputColumn, "bias_analysis.csv: the median of the bias-adjusted rate ratios.", "lower", "upper");
        Add("share_above_1", Kind.OutputColumn, "bias_analysis.csv: the share of bias-adjusted draws above 1 (the group referred more often than "
            + "the reference, under the priors).", "bias-analysis");
        Add("draws", Kind.OutputColumn, "bias_analysis.csv: how many draws (default 10,000; the priors file's draws: or --draws), less those "
            + "a drawn misclassification matrix corrected to no referrals. The quantiles' Monte Carlo error shrinks as 1 / sqrt(draws).", "bias-analysis");
        return e;
    }

    private static string Key(string term) => term.Trim().ToLowerInvariant().Replace('_', '-');

    /// <summary>The entry for <paramref name="term"/>, ignoring case and treating '-' and '_' alike; null when there is none.</summary>
    public static Entry? Find(string term) => All.FirstOrDefault(e => Key(e.Term) == Key(term));

    /// <summary>The nearest known term, for "did you mean".</summary>
    public static string? Suggest(string term) =>
        DidYouMean.Suggest(Key(term), All.Select(e => Key(e.Term))) is string key ? All.First(e => Key(e.Term) == key).Term : null;
}
