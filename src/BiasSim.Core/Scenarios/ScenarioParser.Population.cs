using System.Collections.Immutable;
using YamlDotNet.RepresentationModel;

namespace BiasSim.Core.Scenarios;

internal static partial class ScenarioParser
{
    private static readonly string[] PopulationKeys = ["reference", "groups", "regions", "attributes"];
    private static readonly string[] AttributeKeys = ["reference", "by_group"];

    /// <summary>Target names of the output's summary rows: a group with one of these names would duplicate a row.</summary>
    private static readonly string[] ReservedGroupNames = [SummaryTargets.All, SummaryTargets.FamilyWise];

    /// <summary>The largest census count accepted: more than the world's population, far below where sums of counts overflow.</summary>
    public const long MaxPeople = 10_000_000_000;

    private static Population? ReadPopulation(YamlNode? node, YamlNodeReader r)
    {
        YamlMappingNode? map = r.Mapping(node, "population", PopulationKeys);
        if (map is null) return null;

        YamlNode? groupsNode = YamlNodeReader.Child(map, "groups");
        YamlNode? regionsNode = YamlNodeReader.Child(map, "regions");
        if ((groupsNode is null) == (regionsNode is null))
        {
            r.Error(regionsNode ?? node!, groupsNode is null ? "population" : "population.regions",
                groupsNode is null
                    ? "neither groups nor regions is set, expected exactly one of them (groups: {White: 48691192, ...} or regions: {London: {White: ..., " +
                        "...}, ...})"
                    : "both groups and regions are set, expected exactly one of them");
            return null;
        }

        ImmutableArray<PopulationGroup>? groups;
        ImmutableArray<Region>? regions = null;
        if (groupsNode is not null)
        {
            groups = ReadGroupCounts(groupsNode, "population.groups", r, allowZero: false);
        }
        else
        {
            regions = ReadRegions(regionsNode!, r, out groups);
        }

        YamlNode? referenceNode = r.Required(map, node, "population", "reference", "the name of one of the groups, such as White");
        string? reference = r.String(referenceNode, "population.reference");
        bool referenceKnown = reference is not null && groups is not null &&
            r.Known(reference, referenceNode!, "population.reference", "a group in population." + (regions is null ? "groups" : "regions"),
                groups.Value.Select(g => g.Name).ToList());
        if (groups is null) return null;
        // A wrong reference still leaves the groups known, so that mistakes in rate ratios and recording are reported
        // now, not after the reference is fixed; the error above makes the load fail. No group is the reference then.
        reference = referenceKnown ? reference! : "";
        Population population = regions is null ? new Population(reference, groups.Value) : new Population(reference, groups.Value, regions.Value);
        if (!referenceKnown) return population;
        YamlNode? attributesNode = YamlNodeReader.Child(map, "attributes");
        if (attributesNode is null) return population;
        ImmutableArray<ProtectedAttribute>? attributes = ReadAttributes(attributesNode, population, r);
        return attributes is null ? null : population with { Attributes = attributes.Value };
    }

    /// <summary>Further protected attributes, each with its distribution within every group (shares or counts, normalised per group).</summary>
    private static ImmutableArray<ProtectedAttribute>? ReadAttributes(YamlNode node, Population population, YamlNodeReader r)
    {
        YamlMappingNode? map = r.Mapping(node, "population.attributes", allowedKeys: null);
        if (map is null) return null;
        var attributes = ImmutableArray.CreateBuilder<ProtectedAttribute>();
        bool valid = true;
        var groupNames = population.Groups.Select(g => g.Name).ToList();
        foreach (var (name, keyNode, value) in YamlNodeReader.Entries(map))
        {
            string path = $"population.attributes.{name}";
            if (name is Population.Ethnicity or "region" or "group")
            {
                r.Error(keyNode, path, $"'{name}' is reserved, expected another attribute name such as religion");
                valid = false;
                continue;
            }
            YamlMappingNode? attribute = r.Mapping(value, path, AttributeKeys);
            if (attribute is null) { valid = false; continue; }
            YamlNode? byGroupNode = r.Required(attribute, value, path, "by_group",
                "a mapping of every group to its shares (or counts) of each level, such as {White: {Christian: 0.5, No religion: 0.4, ...}, ...}");
            YamlMappingNode? byGroup = r.Mapping(byGroupNode, $"{path}.by_group", allowedKeys: null);
            if (byGroup is null) { valid = false; continue; }

            ImmutableArray<string>? levels = null;
            var rows = new Dictionary<string, ImmutableArray<double>>();
            foreach (var (group, groupKey, rowNode) in YamlNodeReader.Entries(byGroup))
            {
                string rowPath = $"{path}.by_group.{group}";
                if (!r.Known(group, groupKey, rowPath, "a group in the population", groupNames)) { valid = false; continue; }
                var shares = ReadShares(rowNode, rowPath, levels, r);
                if (shares is null) { valid = false; continue; }
                levels ??= [.. shares.Value.Select(x => x.Level)];
                rows[group] = [.. shares.Value.Select(x => x.Share)];
            }
            foreach (string missing in groupNames.Where(g => !rows.ContainsKey(g) && !YamlNodeReader.Entries(byGroup).Any(e => e.Key == g)))
            {
                r.Error(byGroupNode!, $"{path}.by_group", $"has no row for group '{missing}', expected one for every group: {string.Join(", ", groupNames)}");
                valid = false;
            }
            YamlNode? referenceNode = r.Required(attribute, value, path, "reference", "the level that rate ratios compare against, such as Christian");
            string? reference = r.String(referenceNode, $"{path}.reference");
            if (!valid || levels is null || reference is null) { valid = false; continue; }
            if (levels.Value.Length < 2)
            {
                r.Error(byGroupNode!, $"{path}.by_group", $"found {levels.Value.Length} level(s), expected at least two");
                valid = false;
                continue;
            }
            if (!r.Known(reference, referenceNode!, $"{path}.reference", $"a level of {name}", levels.Value)) { valid = false; continue; }
            var protectedAttribute = new ProtectedAttribute(name, reference, levels.Value, [.. groupNames.Select(g => rows[g])]);
            foreach (PopulationGroup empty in protectedAttribute.AsPopulation(population).Groups.Where(g => g.Census == 0))
            {
                r.Error(byGroupNode!, $"{path}.by_group", $"level '{empty.Name}' has no people in any group, expected a positive share somewhere");
                valid = false;
            }
            attributes.Add(protectedAttribute);
        }
        return valid ? attributes.ToImmutable() : null;
    }

    /// <summary>A mapping of group name to census count; at least two groups.</summary>
    private static ImmutableArray<PopulationGroup>? ReadGroupCounts(YamlNode node, string path, YamlNodeReader r, bool allowZero)
    {
        YamlMappingNode? map = r.Mapping(node, path, allowedKeys: null);
        if (map is null) return null;
        var groups = ImmutableArray.CreateBuilder<PopulationGroup>();
        bool valid = true;
        string expected = allowZero ? "a whole number of people, 0 or more" : "a positive whole number of people";
        foreach (var (group, _, valueNode) in YamlNodeReader.Entries(map))
        {
            string groupPath = $"{path}.{group}";
            if (ReservedGroupNames.Contains(group))
            {
                string use = group == SummaryTargets.All ? "tests over every group" : "the family-wise error rate";
                r.Error(valueNode, groupPath, $"'{group}' is reserved (output rows use it for {use}), expected another group name");
                valid = false;
                continue;
            }
            long? census = r.Integer(valueNode, groupPath, expected);
            if (census is null) { valid = false; continue; }
            if (census < 0 || (census == 0 && !allowZero) || census > MaxPeople)
            {
                r.Error(valueNode, groupPath,
                    $"found {census}, expected {expected}{(census > MaxPeople ? $" of at most {MaxPeople:N0} (more than the world's population)" : "")}");
                valid = false;
                continue;
            }
            groups.Add(new PopulationGroup(group, census.Value));
        }
        if (map.Children.Count < 2)
        {
            r.Error(node, path, $"found {map.Children.Count} group(s), expected at least two (a reference and one to compare)");
            valid = false;
        }
        return valid ? groups.ToImmutable() : null;
    }

    /// <summary>Regions, each listing the same groups; the groups' census counts are the region sums.</summary>
    private static ImmutableArray<Region>? ReadRegions(YamlNode node, YamlNodeReader r, out ImmutableArray<PopulationGroup>? groups)
    {
        groups = null;
        YamlMappingNode? map = r.Mapping(node, "population.regions", allowedKeys: null);
        if (map is null) return null;
        if (map.Children.Count == 0)
        {
            r.Error(node, "population.regions", "the mapping is empty, expected at least one region with its census counts by group");
            return null;
        }
        var regions = new List<(string Name, YamlNode Node, ImmutableArray<PopulationGroup> Counts)>();
        bool valid = true;
        foreach (var (name, _, value) in YamlNodeReader.Entries(map))
        {
            if (name == Population.AllRegion)
            {
                r.Error(value, $"population.regions.{name}", $"'{Population.AllRegion}' is reserved for the whole population, expected another region name");
                valid = false;
                continue;
            }
            ImmutableArray<PopulationGroup>? counts = ReadGroupCounts(value, $"population.regions.{name}", r, allowZero: true);
            if (counts is null) { valid = false; continue; }
            regions.Add((name, value, counts.Value));
        }
        if (!valid || regions.Count == 0) return null;

        string[] names = regions[0].Counts.Select(g => g.Name).ToArray();
        foreach (var (name, regionNode, counts) in regions.Skip(1))
        {
            string[] these = counts.Select(g => g.Name).ToArray();
            foreach (string missing in names.Except(these))
            {
                r.Error(regionNode, $"population.regions.{name}",
                    $"has no count for group '{missing}', expected the same groups in every region ({string.Join(", ", names)})");
                valid = false;
            }
            foreach (string extra in these.Except(names))
            {
                r.Error(regionNode, $"population.regions.{name}.{extra}",
                    $"'{extra}' is not a group of the first region ({regions[0].Name}){DidYouMean.Hint(extra, names)}, expected the same groups in every " +
                    $"region ({string.Join(", ", names)})");
                valid = false;
            }
        }
        if (!valid) return null;

        var totals = names.Select(g => new PopulationGroup(g, regions.Sum(x => x.Counts.Single(c => c.Name == g).Census))).ToImmutableArray();
        foreach (PopulationGroup zero in totals.Where(t => t.Census == 0))
        {
            r.Error(node, "population.regions", $"group '{zero.Name}' has 0 people in every region, expected a positive census count somewhere");
            valid = false;
        }
        if (!valid) return null;
        groups = totals;
        return [.. regions.Select(x => new Region(x.Name, [.. names.Select(g => x.Counts.Single(c => c.Name == g).Census)]))];
    }
}
