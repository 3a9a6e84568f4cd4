using System.Collections.Immutable;
using System.Globalization;
using BiasSim.Core.Design;
using BiasSim.Core.Detectors;
using BiasSim.Core.Engine;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;

namespace BiasSim.Cli.Detection;

/// <summary>What <c>detect</c> was asked to do.</summary>
internal sealed record DetectRequest(string Data, string? Census, string Reference, IReadOnlyList<string>? Detectors, string? Matrix, double Alpha,
    DataReadOptions Options);

/// <summary>One row of detection.csv. Empty (null) cells are quantities the detector does not report, or could not estimate.</summary>
internal sealed record DetectionRow(string Detector, string Group, double? Estimate, double? Lower, double? Upper, double? Statistic, double? Df,
    double? PValue, string Flagged, string Note)
{
    public bool Estimable { get; init; } = true;
}

/// <summary>The single analysis: the data as counted, the census, and every detector's answer.</summary>
internal sealed record DetectionResult(
    DetectRequest Request,
    ObservedData Data,
    Population Population,
    ImmutableArray<long> Recorded,
    ImmutableArray<string> Detectors,
    ImmutableArray<DetectionRow> Rows,
    ImmutableArray<string> Notes)
{
    public long Unknown => Data.Unknown;
    public long Referrals => Data.Referrals;
    public double MissingShare => Referrals == 0 ? 0 : (double)Unknown / Referrals;
    public string Reference => Population.Reference;
}

/// <summary>
/// Runs BiasSim's own detectors once on observed counts: the same <see cref="CountDetector"/> classes the Monte Carlo
/// engine runs thousands of times, here with unknown truths (NaN), so the statistics have one implementation.
/// </summary>
internal static class DetectionAnalysis
{
    /// <summary>The detectors that can run on real counts: those whose descriptor builds them from observed data.</summary>
    public static readonly ImmutableArray<string> Supported = [.. DetectorCatalog.Descriptors.Where(d => d.ForData is not null).Select(d => d.Name)];

    public static readonly ImmutableArray<string> Default = [.. DetectorCatalog.Descriptors.Where(d => d.DetectDefault).Select(d => d.Name)];

    /// <summary>Reads and checks every input, then runs the detectors; any mistake is a <see cref="UserInputException"/> listing all found.</summary>
    public static DetectionResult Run(DetectRequest request)
    {
        var errors = new List<string>();
        ImmutableArray<string> detectors = ParseDetectors(request, errors);
        bool needStrata = detectors.Contains(IpwDetector.DetectorName) || detectors.Contains(MissingShareDetector.DetectorName);
        if (!(request.Alpha >= ScenarioLoader.MinAlpha && request.Alpha < 1))
        {
            errors.Add(request.Alpha > 0 && request.Alpha < ScenarioLoader.MinAlpha
                ? $"--alpha: found {request.Alpha.ToString(CultureInfo.InvariantCulture)}, expected a significance level of at least " +
                  $"{ScenarioLoader.MinAlpha.ToString(CultureInfo.InvariantCulture)}: the critical values of smaller levels are beyond double precision"
                : $"--alpha: found {request.Alpha.ToString(CultureInfo.InvariantCulture)}, expected a significance level between 0 and 1 such as 0.05");
        }

        // Every input is read and cross-checked even when an earlier one has mistakes, so all are reported at once.
        ObservedData? data = DataReader.Read(request.Data, request.Options with { NeedStrata = needStrata }, errors, out ObservedData? partial);
        List<CensusGroup>? census = request.Census is null ? null : CensusReader.Read(request.Census, request.Options, errors);
        data ??= partial;
        if (data is null) throw new UserInputException(errors);
        if (request.Census is null) census = CensusFromData(data, errors);
        if (census is null) throw new UserInputException(errors);
        string[] names = [.. census.Select(c => c.Name)];
        CheckGroups(request, data, census, names, errors);
        CheckTotal(data, errors);
        if (needStrata && data.Stratifier is null)
        {
            errors.Add($"--detectors: {string.Join(" and ", detectors.Where(d => d is IpwDetector.DetectorName or MissingShareDetector.DetectorName))} " +
                $"need(s) a stratifier column, expected --by COLUMN naming one in {request.Data} (such as region or sector)");
        }
        double[,]? matrix = null;
        if (request.Matrix is not null) matrix = MatrixReader.Read(request.Matrix, names, errors);
        if (errors.Count > 0) throw new UserInputException(errors);

        var population = new Population(request.Reference, [.. census.Select(c => new PopulationGroup(c.Name, c.Population))]);
        long[] recorded = [.. names.Select(n => data.Groups.GetValueOrDefault(n))];
        StratifiedCounts strata = Strata(data, names);
        double[] truths = [.. names.Select(_ => double.NaN)];
        var comparison = new GroupComparison(population, truths, request.Alpha);

        var inputs = new ObservedInputs(comparison, strata, [.. data.Levels], matrix, request.Alpha);
        var rows = ImmutableArray.CreateBuilder<DetectionRow>();
        foreach (string name in detectors)
        {
            CountDetector detector = DetectorCatalog.Describe(name).ForData!(inputs);
            var outcomes = new DetectorOutcome[detector.Targets.Length];
            var counts = new RecordedCounts(recorded, data.Unknown, 0) { Strata = strata };
            detector.Evaluate(counts, outcomes);
            for (int t = 0; t < outcomes.Length; t++) rows.Add(Row(detector, t, outcomes[t], data, population, recorded, request));
        }
        return new DetectionResult(request, data, population, [.. recorded], detectors, rows.ToImmutable(),
            [.. Notes(data, population, recorded, request, detectors)]);
    }

    private static ImmutableArray<string> ParseDetectors(DetectRequest request, List<string> errors)
    {
        if (request.Detectors is null || request.Detectors.Count == 0)
        {
            return request.Matrix is null ? Default : [.. Default, MisclassificationCorrectedDetector.DetectorName];
        }
        var names = new List<string>();
        foreach (string raw in request.Detectors.SelectMany(d => d.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            if (Supported.Contains(raw))
            {
                if (!names.Contains(raw)) names.Add(raw);
            }
            else if (DetectorCatalog.Names.Contains(raw))
            {
                errors.Add($"--detectors: '{raw}' runs only in simulations (it draws random numbers), expected one of: {string.Join(", ", Supported)}");
            }
            else
            {
                errors.Add($"--detectors: unknown detector '{CsvInput.Shorten(raw)}'{DidYouMean.Hint(raw, Supported)}, expected one of: " +
                    $"{string.Join(", ", Supported)}");
            }
        }
        if (names.Contains(MisclassificationCorrectedDetector.DetectorName) && request.Matrix is null)
        {
            errors.Add($"--detectors: {MisclassificationCorrectedDetector.DetectorName} needs the misclassification matrix, expected --misclassification " +
                "M.csv (self-defined group in the first column, recorded categories as the header)");
        }
        return [.. names];
    }

    /// <summary>Census populations from a counts file's population column, in the file's group order.</summary>
    private static List<CensusGroup>? CensusFromData(ObservedData data, List<string> errors)
    {
        if (data.Populations is null)
        {
            errors.Add($"{data.Path}:1:1: no census: rates need each group's population, expected --census CENSUS.csv (columns group,population; " +
                "scenarios/data/census-2021-ethnicity.csv holds England and Wales 2021) or a population column in a counts file");
            return null;
        }
        var groups = new List<CensusGroup>();
        foreach (string name in data.GroupOrder)
        {
            if (data.Populations.TryGetValue(name, out long people)) groups.Add(new CensusGroup(name, people, data.FirstSeen[name]));
            else
                errors.Add($"{data.Path}:{data.FirstSeen[name].Line}:{data.PopulationHeader.Column}: {DataReader.PopulationHeader}: empty for group " +
                    $"'{name}', expected its census population (or pass --census CENSUS.csv)");
        }
        if (errors.Count == 0 && groups.Count < 2)
        {
            errors.Add($"{data.Path}:{data.PopulationHeader.Line}:{data.PopulationHeader.Column}: {DataReader.PopulationHeader}: found {groups.Count} " +
                "group(s) with a population, expected at least two");
        }
        return errors.Count > 0 ? null : groups;
    }

    private static void CheckGroups(DetectRequest request, ObservedData data, List<CensusGroup> census, string[] names, List<string> errors)
    {
        if (!names.Contains(request.Reference))
        {
            errors.Add($"--reference: '{CsvInput.Shorten(request.Reference)}' is not a census group{DidYouMean.Hint(request.Reference, names)}, expected one " +
                $"of: {string.Join(", ", names)}");
        }
        foreach (CensusGroup g in census.Where(g => g.Name is ChiSquareDetector.AllTarget or MonteCarloRunner.FamilyWiseTarget))
        {
            errors.Add($"{request.Census ?? data.Path}:{g.At.Line}:{g.At.Column}: {DataReader.GroupHeader}: '{g.Name}' is reserved (output rows use it), " +
                "expected another group name");
        }
        foreach (CensusGroup g in census)
        {
            // Each referral is a person: more referrals than people means the counts or the census are wrong (or swapped).
            long referred = data.Groups.GetValueOrDefault(g.Name);
            if (referred > g.Population)
            {
                CsvLocation at = data.FirstSeen.TryGetValue(g.Name, out CsvLocation seen) ? seen : g.At;
                errors.Add($"{data.Path}:{at.Line}:{at.Column}: {data.GroupColumn}: {referred:N0} referrals recorded as '{CsvInput.Shorten(g.Name)}', " +
                    $"more than its census population of {g.Population:N0}, expected at most one referral per person (is the census right?)");
            }
        }
        string censusName = request.Census ?? data.Path;
        foreach (string group in data.GroupOrder.Where(g => !names.Contains(g)))
        {
            CsvLocation at = data.FirstSeen[group];
            errors.Add($"{data.Path}:{at.Line}:{at.Column}: {data.GroupColumn}: '{CsvInput.Shorten(group)}' is not a group of the census ({censusName}: " +
                $"{string.Join(", ", names)}){DidYouMean.Hint(group, names)}, " +
                "expected a census group, or list it in --unknown-values to count it as unrecorded");
            if (errors.Count >= CsvInput.MaxErrors) break;
        }
    }

    private static void CheckTotal(ObservedData data, List<string> errors)
    {
        long recorded = data.Groups.Values.Sum();
        if (data.Total is not long total) return;
        long listed = recorded + data.Unknown;
        CsvLocation at = data.TotalLocation;
        if (total > listed)
        {
            string none = recorded == 0
                ? $"the file gives no referral count for any group (only {data.Unknown:N0} without a recorded group)"
                : $"its group and unknown rows add up to only {listed:N0}";
            errors.Add($"{data.Path}:{at.Line}:{at.Column}: {DataReader.ReferralsHeader}: the Total row says {total:N0} referrals, but {none}: " +
                $"{total - listed:N0} referrals have a recorded group that the file does not split by group. Every detector compares groups, so it needs " +
                "recorded referrals per group: add a row per group (group,referrals), or use data that publish the split");
        }
        else if (total < listed)
        {
            errors.Add($"{data.Path}:{at.Line}:{at.Column}: {DataReader.ReferralsHeader}: the Total row says {total:N0} referrals, but the group and unknown " +
                $"rows add up to {listed:N0}, expected the total to be at least their sum");
        }
    }

    private static StratifiedCounts Strata(ObservedData data, string[] names)
    {
        int levels = Math.Max(1, data.Levels.Count);
        var strata = new StratifiedCounts(levels, names.Length);
        if (data.Stratifier is null || data.Levels.Count == 0)
        {
            for (int g = 0; g < names.Length; g++) strata.Recorded[g] = data.Groups.GetValueOrDefault(names[g]);
            strata.Unknown[0] = data.Unknown;
            return strata;
        }
        foreach (var ((group, level), count) in data.ByLevel)
        {
            if (group is null) strata.Unknown[level] += count;
            else strata.Recorded[level * names.Length + Array.IndexOf(names, group)] += count;
        }
        return strata;
    }


    private static DetectionRow Row(CountDetector detector, int t, in DetectorOutcome o, ObservedData data, Population population, long[] recorded,
        DetectRequest request)
    {
        string target = detector.Targets[t];
        string name = detector.Name;
        if (!o.Estimable)
        {
            return new DetectionRow(name, target, null, null, null, null, null, null, "",
                $"not estimable: {Reason(o.Reason, name, target, population, recorded, data.Stratifier)}")
            { Estimable = false };
        }
        // The omnibus rows: chi-square's only row, and missing-share's last ("all"; a stratum could be called "all" too).
        bool omnibus = name == ChiSquareDetector.DetectorName || (name == MissingShareDetector.DetectorName && t == detector.Targets.Length - 1);
        if (omnibus)
        {
            double statistic = o.Estimate;
            int df = name == ChiSquareDetector.DetectorName ? ((ChiSquareDetector)detector).DegreesOfFreedom : detector.Targets.Length - 2;
            double? p = name == ChiSquareDetector.DetectorName
                ? ((ChiSquareDetector)detector).PValue(statistic)
                : df > 0 ? ((MissingShareDetector)detector).PValue(statistic) : null;
            string note = name == ChiSquareDetector.DetectorName
                ? "Pearson goodness-of-fit of the recorded referrals against census shares"
                : $"Pearson test of independence of recorded/unrecorded and {data.Stratifier}";
            return new DetectionRow(name, target, null, null, null, statistic, df, p, o.Flag != 0 ? "yes" : "no", note);
        }
        string flagged = o.Flag > 0 ? "up" : o.Flag < 0 ? "down" : "no";
        if (name == BoundsDetector.DetectorName)
        {
            int g = population.IndexOf(target), r = population.ReferenceIndex;
            var (lower, upper) = BoundsDetector.Bounds(recorded[g], population.Groups[g].Census, recorded[r], population.Groups[r].Census, data.Unknown);
            string level = ((1 - request.Alpha) * 100).ToString("0.##", CultureInfo.InvariantCulture);
            return new DetectionRow(name, target, o.Estimate, o.Lower, o.Upper, null, null, null, flagged,
                FormattableString.Invariant($"Imbens-Manski {level}% interval around the identification bounds {lower:0.####} to {upper:0.####} ") +
                $"(the {data.Unknown:N0} unrecorded referrals all counted as {population.Reference}, then all as {target}); " +
                "the estimate is the bounds' geometric midpoint");
        }
        double pValue = MultipleComparisons.PValue(o);
        string detail = name switch
        {
            RateRatioDetector.DetectorName => $"complete-case rate ratio vs {population.Reference}, Katz interval",
            MisclassificationCorrectedDetector.DetectorName => $"rate ratio of counts corrected by (M^T)^-1 with M from {Path.GetFileName(request.Matrix)}",
            IpwDetector.DetectorName => $"rate ratio with recorded referrals weighted up to all referrals within each {data.Stratifier}",
            MissingShareDetector.DetectorName => $"missing share in this {data.Stratifier} over the overall missing share",
            DetectorCatalog.TippingPoint => o.Flag == 0
                ? "no tipping point: the complete-case rate ratio is not significant as it stands (estimate 1); " +
                  $"the interval holds every recording ratio r_{target}/r_{population.Reference} that leaves it so"
                : $"tipping point: the recording ratio r_{target}/r_{population.Reference} at which the complete-case finding would stop being significant; " +
                  "the interval holds every recording ratio that would explain it away",
            _ => "",
        };
        return new DetectionRow(name, target, o.Estimate, o.Lower, o.Upper, o.Z, double.IsFinite(o.Df) ? o.Df : null, double.IsNaN(pValue) ? null : pValue,
            flagged, detail);
    }

    private static string Reason(NotEstimableReason reason, string detector, string target, Population population, long[] recorded, string? by)
    {
        if (reason == NotEstimableReason.ZeroCount && detector != MissingShareDetector.DetectorName)
        {
            int g = population.IndexOf(target), r = population.ReferenceIndex;
            var zero = new List<string>();
            if (g >= 0 && recorded[g] == 0) zero.Add(target);
            if (recorded[r] == 0) zero.Add(population.Reference);
            if (zero.Count > 0)
            {
                string what = $"no referral is recorded as {string.Join(" or as ", zero)}";
                return detector == BoundsDetector.DetectorName ? $"{what}, so a bound is 0 or infinite" : what;
            }
            if (detector == IpwDetector.DetectorName) return $"some {by} has referrals but none with a recorded group, so they cannot be weighted";
        }
        return reason switch
        {
            NotEstimableReason.ZeroCount => detector == MissingShareDetector.DetectorName ? "no referral here lacks a recorded group"
                : "a count it needs is zero",
            NotEstimableReason.SingularMatrix => "the misclassification matrix cannot be inverted (singular)",
            NotEstimableReason.NegativeCorrection => "a corrected count is zero or negative (the correction over-shoots)",
            NotEstimableReason.NoData => detector == MissingShareDetector.DetectorName ? "every referral, or none, lacks a recorded group"
                : "no referral has a recorded group",
            _ => "the data cannot support an estimate",
        };
    }

    private static IEnumerable<string> Notes(ObservedData data, Population population, long[] recorded, DetectRequest request, ImmutableArray<string> detectors)
    {
        foreach (string note in data.Notes) yield return note;
        string[] absent = [.. population.Groups.Where((g, i) => recorded[i] == 0).Select(g => g.Name)];
        if (absent.Length > 0)
        {
            yield return $"No referral is recorded as {string.Join(" or ", absent)}: if the categories are assigned by officers, they may never use " +
                $"{(absent.Length == 1 ? "it" : "them")} (officers record White, Black, Asian or Other, never Mixed).";
        }
        if (request.Census is not null && data.Populations is not null)
            yield return $"The census populations come from {request.Census}; the data file's population column was not used.";
        if (!detectors.Contains(MisclassificationCorrectedDetector.DetectorName))
        {
            yield return "If the recorded categories are an officer's judgement rather than self-defined, the rate ratios compare officer categories with " +
                "self-defined census groups; --misclassification M.csv corrects for a known matrix.";
        }
    }
}
