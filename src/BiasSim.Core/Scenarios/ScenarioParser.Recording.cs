using System.Collections.Immutable;
using YamlDotNet.RepresentationModel;

namespace BiasSim.Core.Scenarios;

internal static partial class ScenarioParser
{
    private static readonly string[] RecordingKeys = ["missing", "misclassification", "attributes"];
    private static readonly string[] AttributeRecordingKeys = ["missing", "misclassification"];
    private static readonly string[] Mechanisms = ["none", "mcar", "mnar", "mar", "logistic", "never"];
    private static readonly string[] MissingKeys =
        ["mechanism", "share", "share_by_group", "by", "intercept", "coefficients", "target_share", "trend", "recording_ratio"];
    private static readonly string[] MisclassificationKeys = ["matrix", "assigned_by"];
    /// <summary>Ethnicity's misclassification also takes a validation subsample (further attributes have none).</summary>
    private static readonly string[] EthnicityMisclassificationKeys = [.. MisclassificationKeys, ValidationShareKey];
    private const string ValidationShareKey = "validation_share";
    private const string ValidationShareExpected = "a share greater than 0 and at most 1 of recorded referrals that also carry the self-defined group";
    private static readonly string[] AssignedByKeys = ["officer", "self"];
    private const string YearCovariate = "year";
    private const double RowSumTolerance = 1e-9;

    /// <summary>Keys each mechanism takes besides <c>mechanism</c>; any other is an error naming the mechanism.</summary>
    private static readonly Dictionary<string, string[]> MechanismKeys = new()
    {
        ["none"] = [],
        ["never"] = [],
        ["mcar"] = ["share", "trend"],
        ["mnar"] = ["share_by_group", "recording_ratio", "target_share", "trend"],
        ["mar"] = ["by", "share", "target_share", "trend"],
        ["logistic"] = ["intercept", "coefficients", "target_share", "trend"],
    };

    private static RecordingProcess? ReadRecording(YamlNode? node, Population? population, ReferralProcess? referrals, YamlNodeReader r)
    {
        YamlMappingNode? map = r.Mapping(node, "recording", RecordingKeys);
        if (map is null) return null;
        YamlNode? missingNode = r.Required(map, node, "recording", "missing", "a mapping such as {mechanism: mcar, share: 0.647}");
        MissingnessMechanism? missing = ReadMissing(missingNode, "recording.missing", population, referrals, r);

        Misclassification? misclassification = null;
        YamlNode? misNode = YamlNodeReader.Child(map, "misclassification");
        bool valid = true;
        double? validationShare = null;
        if (misNode is not null)
        {
            misclassification = ReadMisclassification(misNode, "recording.misclassification", population, r, EthnicityMisclassificationKeys);
            valid = misclassification is not null;
            if (YamlNodeReader.Child(misNode as YamlMappingNode, ValidationShareKey) is YamlNode validationNode)
            {
                validationShare = r.Ranged(validationNode, $"recording.misclassification.{ValidationShareKey}", ValidationShareExpected,
                    x => x is > 0 and <= 1);
                valid &= validationShare is not null;
            }
        }

        var attributes = ImmutableDictionary.CreateBuilder<string, AttributeRecording>();
        YamlNode? attributesNode = YamlNodeReader.Child(map, "attributes");
        if (attributesNode is not null)
        {
            var names = population?.Attributes.Select(a => a.Name).ToList() ?? [];
            YamlMappingNode? attributesMap = r.Mapping(attributesNode, "recording.attributes", allowedKeys: null);
            valid &= attributesMap is not null;
            foreach (var (name, keyNode, value) in YamlNodeReader.Entries(attributesMap))
            {
                string path = $"recording.attributes.{name}";
                if (!r.Known(name, keyNode, path, "an attribute in population.attributes", names)) { valid = false; continue; }
                Population view = population!.Attributes.Single(a => a.Name == name).AsPopulation(population);
                YamlMappingNode? attributeMap = r.Mapping(value, path, AttributeRecordingKeys);
                if (attributeMap is null) { valid = false; continue; }
                MissingnessMechanism? attributeMissing = ReadMissing(
                    r.Required(attributeMap, value, path, "missing", "a mapping such as {mechanism: never}"), $"{path}.missing", view, referrals, r);
                YamlNode? attributeMisNode = YamlNodeReader.Child(attributeMap, "misclassification");
                Misclassification? attributeMis = attributeMisNode is null ? null
                    : ReadMisclassification(attributeMisNode, $"{path}.misclassification", view, r);
                if (attributeMissing is null || (attributeMisNode is not null && attributeMis is null)) { valid = false; continue; }
                attributes[name] = new AttributeRecording(attributeMissing, attributeMis);
            }
        }
        foreach (ProtectedAttribute a in population?.Attributes ?? [])
        {
            if (attributesNode is null || !attributes.ContainsKey(a.Name))
            {
                if (attributesNode is not null && YamlNodeReader.Entries(attributesNode as YamlMappingNode).Any(e => e.Key == a.Name)) continue;
                r.Error(node!, $"recording.attributes.{a.Name}", $"missing, expected how {a.Name} is recorded, such as {{missing: {{mechanism: never}}}}");
                valid = false;
            }
        }
        return missing is null || !valid ? null : new RecordingProcess(missing)
        {
            Misclassification = misclassification, Attributes = attributes.ToImmutable(), ValidationShare = validationShare,
        };
    }

    private static MissingnessMechanism? ReadMissing(YamlNode? node, string path, Population? population, ReferralProcess? referrals, YamlNodeReader r)
    {
        YamlMappingNode? missing = r.Mapping(node, path, MissingKeys);
        if (missing is null) return null;

        YamlNode? mechanismNode = r.Required(missing, node, path, "mechanism", $"one of: {string.Join(", ", Mechanisms)}");
        string? mechanism = r.String(mechanismNode, $"{path}.mechanism");
        if (mechanism is null) return null;
        if (!MechanismKeys.TryGetValue(mechanism, out string[]? allowed))
        {
            r.Error(mechanismNode!, $"{path}.mechanism",
                $"unknown mechanism '{mechanism}'{DidYouMean.Hint(mechanism, Mechanisms)}, expected one of: {string.Join(", ", Mechanisms)}");
            return null;
        }
        bool valid = true;
        foreach (var (key, keyNode, _) in YamlNodeReader.Entries(missing))
        {
            if (key == "mechanism" || allowed.Contains(key) || !MissingKeys.Contains(key)) continue;
            r.Error(keyNode, $"{path}.{key}", mechanism == "none"
                ? $"is set, but mechanism 'none' records every referral; expected no {key} (or another mechanism)"
                : $"does not apply to mechanism '{mechanism}', expected only: mechanism, {string.Join(", ", allowed)}");
            valid = false;
        }

        double trend = 0;
        YamlNode? trendNode = YamlNodeReader.Child(missing, "trend");
        if (trendNode is not null)
        {
            double? t = r.Number(trendNode, $"{path}.trend", "a change in the log-odds of missingness per year, such as -0.1");
            if (t is null) valid = false;
            else if (referrals is not null && referrals.CovariateIndex(YearCovariate) < 0)
            {
                r.Error(trendNode, $"{path}.trend", $"needs a covariate named '{YearCovariate}' in referrals.covariates, expected one (its levels in "
                    + $"time order)");
                valid = false;
            }
            else trend = t.Value;
        }

        double? target = null;
        YamlNode? targetNode = YamlNodeReader.Child(missing, "target_share");
        if (targetNode is not null && allowed.Contains("target_share"))
        {
            target = r.Ranged(targetNode, $"{path}.target_share", "an overall missing share greater than 0 and less than 1", v => v is > 0 and < 1);
            valid &= target is not null;
        }

        MissingnessMechanism? result = mechanism switch
        {
            "none" => new NoMissingness(),
            "never" => new NeverRecorded(),
            "mcar" => ReadMcar(missing, node!, path, r),
            "mnar" => ReadMnar(missing, node!, path, population, r),
            "mar" => ReadMar(missing, node!, path, population, referrals, r),
            _ => ReadLogistic(missing, node!, path, population, referrals, r),
        };
        if (result is null || !valid) return null;
        return result with { Trend = trend, TargetShare = target };
    }

    private static McarMissingness? ReadMcar(YamlMappingNode missing, YamlNode node, string basePath, YamlNodeReader r)
    {
        YamlNode? shareNode = r.Required(missing, node, basePath, "share", "the share of referrals whose group is unrecorded, from 0 up to (not including) 1");
        double? share = r.Ranged(shareNode, $"{basePath}.share", "a share from 0 up to (not including) 1", v => v is >= 0 and < 1);
        return share is null ? null : new McarMissingness(share.Value);
    }

    private static MnarMissingness? ReadMnar(YamlMappingNode missing, YamlNode node, string basePath, Population? population, YamlNodeReader r)
    {
        if (YamlNodeReader.Child(missing, "recording_ratio") is YamlNode ratioNode)
        {
            return ReadRecordingRatio(missing, ratioNode, node, basePath, population, r);
        }
        string path = $"{basePath}.share_by_group";
        YamlNode? sharesNode = r.Required(missing, node, basePath, "share_by_group", "a mapping of every group to its missing share, such as {White: "
            + "0.6, Black: 0.75}");
        var shares = ReadMissingShares(sharesNode, path, population?.Groups.Select(g => g.Name).ToList(), "a group in the population", r);
        if (shares is null || population is null) return null;
        return new MnarMissingness([.. population.Groups.Select(g => shares[g.Name])]);
    }

    /// <summary><c>recording_ratio: {Black: 0.5}</c>: recording probabilities relative to the reference, unlisted groups 1;
    /// calibrated to target_share in closed form, so target_share is required and a log-odds trend is refused.</summary>
    private static MnarRatioMissingness? ReadRecordingRatio(
        YamlMappingNode missing, YamlNode ratioNode, YamlNode node, string basePath, Population? population, YamlNodeReader r)
    {
        string path = $"{basePath}.recording_ratio";
        bool valid = true;
        if (YamlNodeReader.Child(missing, "share_by_group") is YamlNode both)
        {
            r.Error(both, $"{basePath}.share_by_group", "is set together with recording_ratio, expected one of them: missing shares by group, or "
                + "recording ratios to the reference");
            valid = false;
        }
        if (YamlNodeReader.Child(missing, "target_share") is null)
        {
            r.Error(node, $"{basePath}.target_share", "missing, expected the overall missing share that recording_ratio is calibrated to, such as 0.647");
            valid = false;
        }
        if (YamlNodeReader.Child(missing, "trend") is YamlNode trendNode)
        {
            r.Error(trendNode, $"{basePath}.trend", "cannot be combined with recording_ratio (a log-odds drift would change the ratios), expected no "
                + "trend or share_by_group instead");
            valid = false;
        }
        YamlMappingNode? map = r.Mapping(ratioNode, path, allowedKeys: null);
        if (map is null || population is null) return null;
        var ratios = population.Groups.Select(_ => 1.0).ToArray();
        var names = population.Groups.Select(g => g.Name).ToList();
        foreach (var (key, keyNode, value) in YamlNodeReader.Entries(map))
        {
            if (!r.Known(key, keyNode, $"{path}.{key}", "a group in the population", names)) { valid = false; continue; }
            double? ratio = r.Ranged(value, $"{path}.{key}", "a recording ratio of at least 0 (1 = recorded as often as the reference)", v => v >= 0);
            if (ratio is null) { valid = false; continue; }
            if (key == population.Reference && ratio != 1)
            {
                r.Error(value, $"{path}.{key}", $"found {YamlNodeReader.Format(ratio.Value)} for the reference group, expected 1 (ratios are relative "
                    + $"to {key}) or leave it out");
                valid = false;
                continue;
            }
            ratios[population.IndexOf(key)] = ratio.Value;
        }
        return valid ? new MnarRatioMissingness([.. ratios]) : null;
    }

    private static MarMissingness? ReadMar(YamlMappingNode missing, YamlNode node, string basePath, Population? population, ReferralProcess? referrals,
        YamlNodeReader r)
    {
        YamlNode? byNode = r.Required(missing, node, basePath, "by", "'region' or the name of a covariate in referrals.covariates");
        string? by = r.String(byNode, $"{basePath}.by");
        if (by is null || population is null || referrals is null) return null;

        List<string> choices = ["region", .. referrals.Covariates.Select(c => c.Name)];
        if (!r.Known(by, byNode!, $"{basePath}.by", "'region' or a covariate in referrals.covariates", choices)) return null;
        int covariate = by == "region" ? MarMissingness.RegionIndex : referrals.CovariateIndex(by);
        List<string> levels = covariate == MarMissingness.RegionIndex
            ? [.. population.Regions.Select(x => x.Name)]
            : [.. referrals.Covariates[covariate].Levels];

        YamlNode? shareNode = r.Required(missing, node, basePath, "share", $"a mapping of every level of '{by}' to its missing share");
        var shares = ReadMissingShares(shareNode, $"{basePath}.share", levels, $"a level of '{by}'", r);
        return shares is null ? null : new MarMissingness(by, covariate, [.. levels.Select(l => shares[l])]);
    }

    /// <summary>A share in [0, 1] for every listed key (a whole stratum may go unrecorded), reporting missing and unknown keys.</summary>
    private static Dictionary<string, double>? ReadMissingShares(YamlNode? node, string path, List<string>? keys, string what, YamlNodeReader r)
    {
        YamlMappingNode? map = r.Mapping(node, path, allowedKeys: null);
        if (map is null) return null;
        var shares = new Dictionary<string, double>();
        bool valid = true;
        foreach (var (key, keyNode, value) in YamlNodeReader.Entries(map))
        {
            if (keys is not null && !r.Known(key, keyNode, $"{path}.{key}", what, keys)) { valid = false; continue; }
            double? s = r.Ranged(value, $"{path}.{key}", "a missing share from 0 to 1", v => v is >= 0 and <= 1);
            if (s is null) { valid = false; continue; }
            shares[key] = s.Value;
        }
        foreach (string missingKey in keys?.Except(shares.Keys) ?? [])
        {
            if (map.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value == missingKey)) continue;
            r.Error(node!, path, $"has no share for '{missingKey}', expected one for each of: {string.Join(", ", keys!)}");
            valid = false;
        }
        return valid && keys is not null ? shares : null;
    }

    private static LogisticMissingness? ReadLogistic(YamlMappingNode missing, YamlNode node, string path, Population? population, ReferralProcess? referrals,
        YamlNodeReader r)
    {
        bool hasTarget = YamlNodeReader.Child(missing, "target_share") is not null;
        YamlNode? interceptNode = YamlNodeReader.Child(missing, "intercept");
        double intercept = 0;
        bool valid = true;
        if (interceptNode is null && !hasTarget)
        {
            r.Error(node, $"{path}.intercept", "missing, expected the log-odds of missingness at the baseline (or target_share to calibrate it)");
            valid = false;
        }
        else if (interceptNode is not null)
        {
            double? a = r.Number(interceptNode, $"{path}.intercept", "a number (log-odds)");
            if (a is null) valid = false; else intercept = a.Value;
        }

        var terms = ImmutableArray.CreateBuilder<LogisticTerm>();
        YamlNode? coefficientsNode = YamlNodeReader.Child(missing, "coefficients");
        YamlMappingNode? coefficients = r.Mapping(coefficientsNode, $"{path}.coefficients", allowedKeys: null);
        if (coefficientsNode is not null && coefficients is null) valid = false;
        if (population is null || referrals is null) return null;
        var termNames = TermNames(population, referrals);
        foreach (var (key, keyNode, value) in YamlNodeReader.Entries(coefficients))
        {
            string termPath = $"{path}.coefficients.{key}";
            double? b = r.Number(value, termPath, "a number (change in log-odds)");
            if (b is null) { valid = false; continue; }
            LogisticTerm? term = ParseTerm(key, b.Value, population, referrals);
            if (term is null)
            {
                r.Error(keyNode, termPath,
                    $"'{key}' is not a term of the model{DidYouMean.Hint(key, termNames)}, expected group.NAME, region.NAME, COVARIATE.LEVEL or a "
                        + $"covariate name (its level position) such as {string.Join(", ", termNames.Take(4))}");
                valid = false;
                continue;
            }
            terms.Add(term);
        }
        return valid ? new LogisticMissingness(intercept, terms.ToImmutable()) : null;
    }

    private static List<string> TermNames(Population population, ReferralProcess referrals) =>
    [
        .. population.Groups.Select(g => $"group.{g.Name}"),
        .. population.HasRegions ? population.Regions.Select(x => $"region.{x.Name}") : [],
        .. referrals.Covariates.SelectMany(c => c.Levels.Select(l => $"{c.Name}.{l}").Prepend(c.Name)),
    ];

    private static LogisticTerm? ParseTerm(string key, double b, Population population, ReferralProcess referrals)
    {
        int covariate = referrals.CovariateIndex(key);
        if (covariate >= 0) return new OrdinalTerm(key, b, covariate);
        int dot = key.IndexOf('.');
        if (dot <= 0) return null;
        string head = key[..dot], tail = key[(dot + 1)..];
        if (head == "group" && population.IndexOf(tail) is int g and >= 0) return new GroupTerm(key, b, g);
        if (head == "region" && population.HasRegions && population.RegionIndex(tail) is int j and >= 0) return new RegionTerm(key, b, j);
        covariate = referrals.CovariateIndex(head);
        if (covariate >= 0 && referrals.Covariates[covariate].LevelIndex(tail) is int l and >= 0) return new LevelTerm(key, b, covariate, l);
        return null;
    }

    private static Misclassification? ReadMisclassification(YamlNode node, string path, Population? population, YamlNodeReader r,
        IReadOnlyCollection<string>? keys = null)
    {
        YamlMappingNode? map = r.Mapping(node, path, keys ?? MisclassificationKeys);
        if (map is null || population is null) return null;
        bool valid = true;

        double officer = 1.0;
        YamlNode? assignedNode = YamlNodeReader.Child(map, "assigned_by");
        if (assignedNode is not null)
        {
            YamlMappingNode? assigned = r.Mapping(assignedNode, $"{path}.assigned_by", AssignedByKeys);
            double? o = r.Ranged(YamlNodeReader.Child(assigned, "officer"), $"{path}.assigned_by.officer", "a share from 0 to 1", v => v is >= 0 and <= 1);
            double? s = r.Ranged(YamlNodeReader.Child(assigned, "self"), $"{path}.assigned_by.self", "a share from 0 to 1", v => v is >= 0 and <= 1);
            if (assigned is null) valid = false;
            else if (o is null && s is null)
            {
                r.Error(assignedNode, $"{path}.assigned_by", "expected officer and/or self shares adding up to 1, such as {officer: 0.8, self: 0.2}");
                valid = false;
            }
            else if (o is not null && s is not null && Math.Abs(o.Value + s.Value - 1) > RowSumTolerance)
            {
                r.Error(assignedNode, $"{path}.assigned_by", $"officer + self = {YamlNodeReader.FormatComputed(o.Value + s.Value)}, expected them to "
                    + $"add up to 1");
                valid = false;
            }
            else officer = o ?? 1 - s!.Value;
        }

        YamlNode? matrixNode = r.Required(map, node, path, "matrix", $"a named matrix ({string.Join(", ", NamedMatrices.Names)}) or a mapping of each "
            + $"group to its recorded-category probabilities");
        if (matrixNode is null) return null;
        string? named = null;
        ImmutableArray<string> columns;
        var rows = new Dictionary<string, ImmutableArray<double>>();
        if (matrixNode is YamlScalarNode)
        {
            named = r.String(matrixNode, $"{path}.matrix");
            if (named is null) return null;
            var found = NamedMatrices.Find(named);
            if (found is null)
            {
                r.Error(matrixNode, $"{path}.matrix", $"unknown matrix '{named}'{DidYouMean.Hint(named, NamedMatrices.Names)}, expected one of: "
                    + $"{string.Join(", ", NamedMatrices.Names)} (or a mapping of rows)");
                return null;
            }
            columns = found.Value.Columns;
            foreach (var (k, v) in found.Value.Rows) rows[k] = v;
            foreach (PopulationGroup g in population.Groups.Where(g => !rows.ContainsKey(g.Name)))
            {
                r.Error(matrixNode, $"{path}.matrix", $"'{named}' has no row for group '{g.Name}', expected rows only for: "
                    + $"{string.Join(", ", rows.Keys)} (write the matrix out to add one)");
                valid = false;
            }
        }
        else
        {
            YamlMappingNode? matrix = r.Mapping(matrixNode, $"{path}.matrix", allowedKeys: null);
            if (matrix is null) return null;
            var columnList = new List<string>();
            var raw = new Dictionary<string, Dictionary<string, double>>();
            var groupNames = population.Groups.Select(g => g.Name).ToList();
            foreach (var (group, keyNode, rowNode) in YamlNodeReader.Entries(matrix))
            {
                string rowPath = $"{path}.matrix.{group}";
                if (!r.Known(group, keyNode, rowPath, "a self-defined group in the population", groupNames)) { valid = false; continue; }
                YamlMappingNode? row = r.Mapping(rowNode, rowPath, allowedKeys: null);
                if (row is null) { valid = false; continue; }
                var probabilities = new Dictionary<string, double>();
                foreach (var (category, _, pNode) in YamlNodeReader.Entries(row))
                {
                    double? p = r.Ranged(pNode, $"{rowPath}.{category}", "a probability from 0 to 1", v => v is >= 0 and <= 1);
                    if (p is null) { valid = false; continue; }
                    probabilities[category] = p.Value;
                    if (!columnList.Contains(category)) columnList.Add(category);
                }
                double sum = probabilities.Values.Sum();
                if (Math.Abs(sum - 1) > RowSumTolerance)
                {
                    r.Error(rowNode, rowPath, $"the row adds up to {YamlNodeReader.FormatComputed(sum)}, expected 1 (within {RowSumTolerance:0e0}): "
                        + $"each row is P(recorded category | self-defined {group})");
                    valid = false;
                }
                raw[group] = probabilities;
            }
            foreach (string missingRow in groupNames.Except(raw.Keys))
            {
                if (matrix.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value == missingRow)) continue;
                r.Error(matrixNode, $"{path}.matrix", $"has no row for group '{missingRow}', expected a row for every group: {string.Join(", ", groupNames)}");
                valid = false;
            }
            columns = [.. columnList];
            foreach (var (group, probabilities) in raw)
            {
                rows[group] = [.. columns.Select(c => probabilities.GetValueOrDefault(c))];
            }
        }
        if (!valid) return null;
        return new Misclassification(named, columns, [.. population.Groups.Select(g => rows[g.Name])], officer);
    }

    /// <summary>
    /// validation_share used to be an option of misclassification-corrected, but it describes how data are recorded (a
    /// share of records also carries the self-defined group), so it belongs under recording.misclassification. The old
    /// spelling still works: its value moves to the recording process, with a deprecation warning. Given in both places
    /// with different values it is an error, since the engine can draw only one subsample.
    /// </summary>
    private static Scenario? ResolveValidationShare(Scenario scenario, YamlMappingNode root, YamlNodeReader r)
    {
        // Only the detector whose options include validation_share (misclassification-corrected) can hold one.
        if (scenario.Detectors.Select(scenario.DetectorSpec).FirstOrDefault(s => s.ValidationShare is not null) is not { ValidationShare: double old } holder)
        {
            return scenario;
        }
        string detector = holder.Name;
        // The option's own node, for the line and column of the warning: detectors[index] is {misclassification-corrected: {...}}.
        var items = (YamlNodeReader.Child(root, "detectors") as YamlSequenceNode)?.Children.ToList() ?? [];
        int index = items.FindIndex(i => i is YamlMappingNode m && m.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value == detector));
        YamlMappingNode? options = index < 0 ? null : ((YamlMappingNode)items[index]).Children.Values.Single() as YamlMappingNode;
        YamlNode? node = YamlNodeReader.Child(options, ValidationShareKey);
        string path = $"detectors[{index}].{ValidationShareKey}";
        if (scenario.Recording.ValidationShare is double current && current != old)
        {
            r.Error(node ?? root, path, $"found {YamlNodeReader.Format(old)}, but recording.misclassification.{ValidationShareKey} says " +
                $"{YamlNodeReader.Format(current)}; expected it once, under recording.misclassification (one subsample is drawn)");
            return null;
        }
        ScenarioError warning = r.At(node ?? root, path,
            "is deprecated: the validation subsample is part of how referrals are recorded, so write it as " +
            $"recording.misclassification.{ValidationShareKey}: {YamlNodeReader.Format(old)} (this spelling still works)");
        return scenario with
        {
            Recording = scenario.Recording with { ValidationShare = old },
            Warnings = scenario.Warnings.Add(warning.ToString()),
        };
    }
}
