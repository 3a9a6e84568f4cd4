using System.Collections.Immutable;
using YamlDotNet.RepresentationModel;

namespace BiasSim.Core.Scenarios;

internal static partial class ScenarioParser
{
    private static readonly string[] ReferralKeys = ["base_rate", "total", "rate_ratios", "rate_ratios_by_region", "covariates", "attributes"];
    private static readonly string[] AttributeReferralKeys = ["rate_ratios"];
    private static readonly string[] CovariateKeys = ["levels", "by_group", "by_region"];

    private static ReferralProcess? ReadReferrals(YamlNode? node, Population? population, YamlNodeReader r)
    {
        YamlMappingNode? map = r.Mapping(node, "referrals", ReferralKeys);
        if (map is null) return null;
        bool valid = true;

        YamlNode? baseRateNode = YamlNodeReader.Child(map, "base_rate");
        YamlNode? totalNode = YamlNodeReader.Child(map, "total");
        if ((baseRateNode is null) == (totalNode is null))
        {
            r.Error(baseRateNode ?? node!, baseRateNode is null ? "referrals" : "referrals.base_rate",
                baseRateNode is null
                    ? "neither base_rate nor total is set, expected exactly one of them"
                    : "both base_rate and total are set, expected exactly one of them");
            valid = false;
        }

        double? baseRate = null;
        if (baseRateNode is not null)
        {
            baseRate = r.Ranged(baseRateNode, "referrals.base_rate", "a probability greater than 0 and at most 1", v => v is > 0 and <= 1);
            valid &= baseRate is not null;
        }

        long? total = null;
        if (totalNode is not null)
        {
            total = r.Integer(totalNode, "referrals.total", "a positive whole number of referrals");
            if (total is not null && total <= 0)
            {
                r.Error(totalNode, "referrals.total", $"found {total}, expected a positive whole number of referrals");
                total = null;
            }
            long people = population?.Groups.Sum(g => g.Census) ?? 0;
            if (total is not null && population is not null && total > people)
            {
                r.Error(totalNode, "referrals.total",
                    $"found {total}, more than the {people:N0} people in the population, expected at most one referral per person");
                total = null;
            }
            valid &= total is not null;
        }

        var groupNames = population?.Groups.Select(g => g.Name).ToList();
        ImmutableDictionary<string,
            double>? ratios = ReadRateRatios(YamlNodeReader.Child(map, "rate_ratios"), "referrals.rate_ratios", population, baseRate, r);
        valid &= ratios is not null;

        var byRegion = ImmutableDictionary.CreateBuilder<string, ImmutableDictionary<string, double>>();
        YamlNode? byRegionNode = YamlNodeReader.Child(map, "rate_ratios_by_region");
        if (byRegionNode is not null)
        {
            YamlMappingNode? regionsMap = r.Mapping(byRegionNode, "referrals.rate_ratios_by_region", allowedKeys: null);
            valid &= regionsMap is not null;
            var regionNames = population?.Regions.Select(x => x.Name).ToList();
            foreach (var (region, keyNode, value) in YamlNodeReader.Entries(regionsMap))
            {
                string path = $"referrals.rate_ratios_by_region.{region}";
                if (regionNames is not null && !r.Known(region, keyNode, path, "a region in population.regions", regionNames))
                {
                    valid = false;
                    continue;
                }
                ImmutableDictionary<string, double>? regionRatios = ReadRateRatios(value, path, population, baseRate, r);
                if (regionRatios is null) { valid = false; continue; }
                byRegion[region] = regionRatios;
            }
        }

        ImmutableArray<Covariate>? covariates = ReadCovariates(YamlNodeReader.Child(map, "covariates"), population, r);
        valid &= covariates is not null;

        var attributeRatios = ImmutableDictionary.CreateBuilder<string, ImmutableDictionary<string, double>>();
        YamlNode? attributesNode = YamlNodeReader.Child(map, "attributes");
        if (attributesNode is not null)
        {
            YamlMappingNode? attributesMap = r.Mapping(attributesNode, "referrals.attributes", allowedKeys: null);
            valid &= attributesMap is not null;
            var names = population?.Attributes.Select(a => a.Name).ToList();
            foreach (var (name, keyNode, value) in YamlNodeReader.Entries(attributesMap))
            {
                string path = $"referrals.attributes.{name}";
                if (names is not null && !r.Known(name, keyNode, path, "an attribute in population.attributes", names)) { valid = false; continue; }
                YamlMappingNode? attributeMap = r.Mapping(value, path, AttributeReferralKeys);
                if (attributeMap is null || population is null) { valid = false; continue; }
                Population view = population.Attributes.Single(a => a.Name == name).AsPopulation(population);
                // Attribute rate ratios multiply the group's; the base-rate bound is checked on the product below.
                ImmutableDictionary<string,
                    double>? levelRatios = ReadRateRatios(YamlNodeReader.Child(attributeMap, "rate_ratios"), $"{path}.rate_ratios", view, null, r);
                if (levelRatios is null) { valid = false; continue; }
                attributeRatios[name] = levelRatios;
            }
        }
        if (valid && baseRate is double b && population is not null)
        {
            double groupMax = population.Regions.SelectMany(x => population.Groups.Select(g => ratios!.TryGetValue(g.Name, out double v) ? v : 1.0)
                .Concat(byRegion.TryGetValue(x.Name, out var rr) ? rr.Values : [])).Max();
            double attributeMax = attributeRatios.Values.Select(d => d.Values.DefaultIfEmpty(1.0).Max()).Aggregate(1.0, (acc, v) => acc * Math.Max(1.0, v));
            if (b * groupMax * attributeMax > 1)
            {
                r.Error(baseRateNode!, "referrals.base_rate",
                    $"base_rate x the largest rate ratios = {YamlNodeReader.FormatComputed(b * groupMax * attributeMax)}, expected a referral probability of " +
                    "at most 1 in every cell");
                valid = false;
            }
        }

        return valid
            ? new ReferralProcess(baseRate, total, ratios!)
            {
                RateRatiosByRegion = byRegion.ToImmutable(),
                Covariates = covariates!.Value,
                AttributeRateRatios = attributeRatios.ToImmutable(),
            }
            : null;
    }

    private static ImmutableDictionary<string, double>? ReadRateRatios(YamlNode? node, string path, Population? population, double? baseRate, YamlNodeReader r)
    {
        var ratios = ImmutableDictionary.CreateBuilder<string, double>(StringComparer.Ordinal);
        if (node is null) return ratios.ToImmutable();
        YamlMappingNode? map = r.Mapping(node, path, allowedKeys: null);
        if (map is null) return null;
        bool valid = true;
        var names = population?.Groups.Select(g => g.Name).ToList();
        foreach (var (group, keyNode, valueNode) in YamlNodeReader.Entries(map))
        {
            string groupPath = $"{path}.{group}";
            if (names is not null && !r.Known(group, keyNode, groupPath, "a group in population." + (population!.HasRegions ? "regions" : "groups"), names))
            {
                valid = false;
            }
            double? rr = r.Ranged(valueNode, groupPath, "a positive rate ratio such as 1.5", v => v > 0);
            if (rr is null) { valid = false; continue; }
            if (population is not null && group == population.Reference && rr != 1.0)
            {
                r.Error(valueNode, groupPath,
                    $"found {YamlNodeReader.Format(rr.Value)} for the reference group, expected 1 (rate ratios are relative to the reference)");
                valid = false;
            }
            if (baseRate is not null && baseRate * rr > 1)
            {
                r.Error(valueNode, groupPath,
                    $"base_rate x rate ratio = {YamlNodeReader.Format(baseRate.Value)} x {YamlNodeReader.Format(rr.Value)} = " +
                    $"{YamlNodeReader.FormatComputed(baseRate.Value * rr.Value)}, expected a referral probability of at most 1");
                valid = false;
            }
            ratios[group] = rr.Value;
        }
        return valid ? ratios.ToImmutable() : null;
    }

    private static ImmutableArray<Covariate>? ReadCovariates(YamlNode? node, Population? population, YamlNodeReader r)
    {
        if (node is null) return [];
        YamlMappingNode? map = r.Mapping(node, "referrals.covariates", allowedKeys: null);
        if (map is null) return null;
        var covariates = ImmutableArray.CreateBuilder<Covariate>();
        bool valid = true;
        foreach (var (name, keyNode, value) in YamlNodeReader.Entries(map))
        {
            string path = $"referrals.covariates.{name}";
            if (name is "region" or "group")
            {
                r.Error(keyNode, path, $"'{name}' is reserved (it names the population's {name}s), expected another covariate name");
                valid = false;
                continue;
            }
            YamlMappingNode? cov = r.Mapping(value, path, CovariateKeys);
            if (cov is null) { valid = false; continue; }
            YamlNode? levelsNode = r.Required(cov, value, path, "levels",
                "a mapping of level name to share (or count), such as {Education: 0.36, Police: 0.28, ...}");
            var levels = ReadShares(levelsNode, $"{path}.levels", null, r);
            if (levels is null) { valid = false; continue; }
            ImmutableArray<string> levelNames = [.. levels.Value.Select(l => l.Level)];
            ImmutableArray<double> shares = [.. levels.Value.Select(l => l.Share)];

            var byGroup = ReadSharesBy(YamlNodeReader.Child(cov, "by_group"), $"{path}.by_group", levelNames,
                population?.Groups.Select(g => g.Name).ToList(), "a group in the population", r, ref valid);
            var byRegion = ReadSharesBy(YamlNodeReader.Child(cov, "by_region"), $"{path}.by_region", levelNames,
                population?.Regions.Select(x => x.Name).ToList(), "a region in population.regions", r, ref valid);
            covariates.Add(new Covariate(name, levelNames, shares, byGroup, byRegion));
        }
        return valid ? covariates.ToImmutable() : null;
    }

    /// <summary>Level weights (shares or counts), normalised to sum to 1. With <paramref name="levels"/> set, exactly those levels.</summary>
    private static ImmutableArray<(string Level, double Share)>? ReadShares(YamlNode? node, string path, ImmutableArray<string>? levels, YamlNodeReader r)
    {
        YamlMappingNode? map = r.Mapping(node, path, allowedKeys: null);
        if (map is null) return null;
        var entries = new List<(string Level, double Weight)>();
        bool valid = true;
        foreach (var (level, keyNode, valueNode) in YamlNodeReader.Entries(map))
        {
            string levelPath = $"{path}.{level}";
            if (levels is not null && !r.Known(level, keyNode, levelPath, "a level of this covariate", levels.Value))
            {
                valid = false;
                continue;
            }
            double? w = r.Ranged(valueNode, levelPath, "a share or count of 0 or more", v => v >= 0);
            if (w is null) { valid = false; continue; }
            entries.Add((level, w.Value));
        }
        if (!valid) return null;
        if (levels is not null)
        {
            foreach (string missing in levels.Value.Except(entries.Select(e => e.Level)))
            {
                r.Error(node!, path, $"has no share for level '{missing}', expected every level: {string.Join(", ", levels.Value)}");
                valid = false;
            }
        }
        double sum = entries.Sum(e => e.Weight);
        if (entries.Count == 0 || sum <= 0)
        {
            r.Error(node!, path, "the shares add up to 0, expected at least one level with a positive share");
            valid = false;
        }
        if (!valid) return null;
        // Keep the order of the covariate's levels, so arrays line up whatever order the user wrote.
        IEnumerable<(string Level, double Weight)> ordered = levels is null ? entries : levels.Value.Select(l => entries.Single(e => e.Level == l));
        return [.. ordered.Select(e => (e.Level, e.Weight / sum))];
    }

    private static ImmutableDictionary<string, ImmutableArray<double>> ReadSharesBy(
        YamlNode? node, string path, ImmutableArray<string> levels, List<string>? validKeys, string what, YamlNodeReader r, ref bool valid)
    {
        var result = ImmutableDictionary.CreateBuilder<string, ImmutableArray<double>>();
        if (node is null) return result.ToImmutable();
        YamlMappingNode? map = r.Mapping(node, path, allowedKeys: null);
        if (map is null) { valid = false; return result.ToImmutable(); }
        foreach (var (key, keyNode, value) in YamlNodeReader.Entries(map))
        {
            if (validKeys is not null && !r.Known(key, keyNode, $"{path}.{key}", what, validKeys)) { valid = false; continue; }
            var shares = ReadShares(value, $"{path}.{key}", levels, r);
            if (shares is null) { valid = false; continue; }
            result[key] = [.. shares.Value.Select(s => s.Share)];
        }
        return result.ToImmutable();
    }
}
