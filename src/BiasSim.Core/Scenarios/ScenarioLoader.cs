using System.Collections.Immutable;
using System.Globalization;
using BiasSim.Core.Detectors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BiasSim.Core.Scenarios;

/// <summary>
/// Parses and validates scenario text (version 1 keys). Pure: the caller reads the file, so the core
/// library does no I/O. Returns every error at once, each naming the line, column and key path.
/// </summary>
public static class ScenarioLoader
{
    private static readonly string[] TopKeys = ["name", "description", "seed", "population", "referrals", "recording", "detectors", "simulation"];
    private static readonly string[] PopulationKeys = ["reference", "groups"];
    private static readonly string[] ReferralKeys = ["base_rate", "total", "rate_ratios"];
    private static readonly string[] RecordingKeys = ["missing"];
    private static readonly string[] MissingKeys = ["mechanism", "share"];
    private static readonly string[] Mechanisms = ["none", "mcar"];
    private static readonly string[] SimulationKeys = ["replicates", "alpha"];

    public static ScenarioLoadResult Load(string text, string fileName)
    {
        var reader = new YamlNodeReader(fileName);
        YamlNode? root;
        var scanner = new Scanner(new StringReader(text));
        try
        {
            var stream = new YamlStream();
            stream.Load(new Parser(scanner));
            if (stream.Documents.Count == 0)
            {
                reader.Error(1, 1, "", "the file is empty, expected a scenario (a mapping with name, population, referrals, ...)");
                return new ScenarioLoadResult(null, reader.Errors);
            }
            if (stream.Documents.Count > 1)
            {
                reader.Error(stream.Documents[1].RootNode, "", "the file holds more than one YAML document, expected exactly one scenario");
            }
            root = stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            reader.Error((int)e.Start.Line, (int)e.Start.Column, "", $"YAML syntax error: {CleanYamlMessage(e)}");
            return new ScenarioLoadResult(null, reader.Errors);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet (16 to 18) throws this instead of a YamlException when the text ends inside a
            // flow collection; the scanner's position still says where it gave up.
            Mark at = scanner.CurrentPosition;
            reader.Error((int)at.Line, (int)at.Column, "", "YAML syntax error: the text ends inside an unfinished structure, expected a closing } or ] or quote");
            return new ScenarioLoadResult(null, reader.Errors);
        }

        Scenario? scenario = Read(root, reader);
        return reader.Errors.Count == 0 && scenario is not null
            ? new ScenarioLoadResult(scenario, [])
            : new ScenarioLoadResult(null, reader.Errors);
    }

    private static string CleanYamlMessage(YamlException e)
    {
        // YamlDotNet prefixes its own "(Line: 3, Col: 5, Idx: ...) - (...): " location; ours is already in front.
        string message = e.InnerException?.Message ?? e.Message;
        int cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 && message.StartsWith('(') ? message[(cut + 3)..] : message;
    }

    private static Scenario? Read(YamlNode rootNode, YamlNodeReader r)
    {
        YamlMappingNode? root = r.Mapping(rootNode, "", TopKeys);
        if (root is null) return null;

        string? name = r.String(r.Required(root, rootNode, "", "name", "a short name such as prevent-2015-2023"), "name");
        if (name is not null && !IsSafeName(name))
        {
            r.Error(YamlNodeReader.Child(root, "name")!, "name",
                $"'{name}' cannot be used as a folder name, expected letters, digits, '-', '_' or '.' only");
        }
        string description = r.String(YamlNodeReader.Child(root, "description"), "description") ?? "";

        ulong seed = 0;
        YamlNode? seedNode = r.Required(root, rootNode, "", "seed", "a whole number such as 20151");
        if (seedNode is not null)
        {
            if (seedNode is YamlScalarNode { Value: { } seedText } && ulong.TryParse(seedText.Replace("_", ""), NumberStyles.None, CultureInfo.InvariantCulture, out ulong parsed))
            {
                seed = parsed;
            }
            else
            {
                r.Error(seedNode, "seed", $"expected a whole number from 0 to {ulong.MaxValue}, found {YamlNodeReader.Describe(seedNode)}");
            }
        }

        Population? population = ReadPopulation(r.Required(root, rootNode, "", "population", "a mapping with reference and groups"), r);
        ReferralProcess? referrals = ReadReferrals(r.Required(root, rootNode, "", "referrals", "a mapping with base_rate or total, and rate_ratios"), population, r);
        RecordingProcess? recording = ReadRecording(r.Required(root, rootNode, "", "recording", "a mapping with missing"), r);
        ImmutableArray<string>? detectors = ReadDetectors(r.Required(root, rootNode, "", "detectors", $"a list of detectors from: {string.Join(", ", DetectorCatalog.Names)}"), r);
        SimulationSettings? simulation = ReadSimulation(r.Required(root, rootNode, "", "simulation", "a mapping with replicates and alpha"), r);

        if (name is null || population is null || referrals is null || recording is null || detectors is null || simulation is null)
        {
            return null;
        }
        return new Scenario(name, description, seed, population, referrals, recording, detectors.Value, simulation);
    }

    private static bool IsSafeName(string name) =>
        name.Length is > 0 and <= 100 && name is not "." and not ".." &&
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static Population? ReadPopulation(YamlNode? node, YamlNodeReader r)
    {
        YamlMappingNode? map = r.Mapping(node, "population", PopulationKeys);
        if (map is null) return null;

        YamlNode? groupsNode = r.Required(map, node, "population", "groups", "a mapping of group name to census population");
        YamlMappingNode? groupsMap = r.Mapping(groupsNode, "population.groups", allowedKeys: null);
        var groups = ImmutableArray.CreateBuilder<PopulationGroup>();
        bool groupsValid = groupsMap is not null;
        if (groupsMap is not null)
        {
            foreach (var (keyNode, valueNode) in groupsMap.Children)
            {
                if (keyNode is not YamlScalarNode { Value: { Length: > 0 } group }) continue;
                string path = $"population.groups.{group}";
                long? census = r.Integer(valueNode, path, "a positive whole number of people");
                if (census is null) { groupsValid = false; continue; }
                if (census <= 0)
                {
                    r.Error(valueNode, path, $"found {census}, expected a positive whole number of people");
                    groupsValid = false;
                    continue;
                }
                groups.Add(new PopulationGroup(group, census.Value));
            }
            if (groupsMap.Children.Count < 2)
            {
                r.Error(groupsNode!, "population.groups", $"found {groupsMap.Children.Count} group(s), expected at least two (a reference and one to compare)");
                groupsValid = false;
            }
        }

        YamlNode? referenceNode = r.Required(map, node, "population", "reference", "the name of one of the groups, such as White");
        string? reference = r.String(referenceNode, "population.reference");
        if (reference is not null && groupsMap is not null)
        {
            var names = groupsMap.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "").ToList();
            if (!names.Contains(reference))
            {
                r.Error(referenceNode!, "population.reference",
                    $"'{reference}' is not a group in population.groups{DidYouMean.Hint(reference, names)}, expected one of: {string.Join(", ", names)}");
                reference = null;
            }
        }
        return reference is not null && groupsValid ? new Population(reference, groups.ToImmutable()) : null;
    }

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
            baseRate = r.Number(baseRateNode, "referrals.base_rate", "a probability greater than 0 and at most 1");
            if (baseRate is not null && baseRate is not (> 0 and <= 1))
            {
                r.Error(baseRateNode, "referrals.base_rate", $"found {YamlNodeReader.Format(baseRate.Value)}, expected a probability greater than 0 and at most 1");
                baseRate = null;
            }
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
            valid &= total is not null;
        }

        var ratios = ImmutableDictionary.CreateBuilder<string, double>(StringComparer.Ordinal);
        YamlNode? ratiosNode = YamlNodeReader.Child(map, "rate_ratios");
        YamlMappingNode? ratiosMap = r.Mapping(ratiosNode, "referrals.rate_ratios", allowedKeys: null);
        if (ratiosNode is not null && ratiosMap is null) valid = false;
        if (ratiosMap is not null)
        {
            foreach (var (keyNode, valueNode) in ratiosMap.Children)
            {
                if (keyNode is not YamlScalarNode { Value: { Length: > 0 } group }) continue;
                string path = $"referrals.rate_ratios.{group}";
                if (population is not null && population.IndexOf(group) < 0)
                {
                    var names = population.Groups.Select(g => g.Name).ToList();
                    r.Error(keyNode, path, $"'{group}' is not a group in population.groups{DidYouMean.Hint(group, names)}, expected one of: {string.Join(", ", names)}");
                    valid = false;
                }
                double? rr = r.Number(valueNode, path, "a positive rate ratio such as 1.5");
                if (rr is not null && rr <= 0)
                {
                    r.Error(valueNode, path, $"found {YamlNodeReader.Format(rr.Value)}, expected a positive rate ratio such as 1.5");
                    rr = null;
                }
                if (rr is null) { valid = false; continue; }
                if (population is not null && group == population.Reference && rr != 1.0)
                {
                    r.Error(valueNode, path, $"found {YamlNodeReader.Format(rr.Value)} for the reference group, expected 1 (rate ratios are relative to the reference)");
                    valid = false;
                }
                if (baseRate is not null && baseRate * rr > 1)
                {
                    r.Error(valueNode, path,
                        $"base_rate x rate ratio = {YamlNodeReader.Format(baseRate.Value)} x {YamlNodeReader.Format(rr.Value)} = {YamlNodeReader.Format(baseRate.Value * rr.Value)}, expected a referral probability of at most 1");
                    valid = false;
                }
                ratios[group] = rr.Value;
            }
        }
        return valid ? new ReferralProcess(baseRate, total, ratios.ToImmutable()) : null;
    }

    private static RecordingProcess? ReadRecording(YamlNode? node, YamlNodeReader r)
    {
        YamlMappingNode? map = r.Mapping(node, "recording", RecordingKeys);
        if (map is null) return null;
        YamlNode? missingNode = r.Required(map, node, "recording", "missing", "a mapping such as {mechanism: mcar, share: 0.647}");
        YamlMappingNode? missing = r.Mapping(missingNode, "recording.missing", MissingKeys);
        if (missing is null) return null;

        YamlNode? mechanismNode = r.Required(missing, missingNode, "recording.missing", "mechanism", $"one of: {string.Join(", ", Mechanisms)}");
        string? mechanism = r.String(mechanismNode, "recording.missing.mechanism");
        YamlNode? shareNode = YamlNodeReader.Child(missing, "share");
        switch (mechanism)
        {
            case null:
                return null;
            case "none":
                if (shareNode is not null)
                {
                    r.Error(shareNode, "recording.missing.share", "is set, but mechanism 'none' records every referral; expected no share (or mechanism: mcar)");
                    return null;
                }
                return new RecordingProcess(new NoMissingness());
            case "mcar":
                YamlNode? required = r.Required(missing, missingNode, "recording.missing", "share", "the share of referrals whose group is unrecorded, from 0 up to (not including) 1");
                double? share = r.Number(required, "recording.missing.share", "a share from 0 up to (not including) 1");
                if (share is null) return null;
                if (share is not (>= 0 and < 1))
                {
                    r.Error(required!, "recording.missing.share", $"found {YamlNodeReader.Format(share.Value)}, expected a share from 0 up to (not including) 1");
                    return null;
                }
                return new RecordingProcess(new McarMissingness(share.Value));
            default:
                r.Error(mechanismNode!, "recording.missing.mechanism",
                    $"unknown mechanism '{mechanism}'{DidYouMean.Hint(mechanism, Mechanisms)}, expected one of: {string.Join(", ", Mechanisms)}");
                return null;
        }
    }

    private static ImmutableArray<string>? ReadDetectors(YamlNode? node, YamlNodeReader r)
    {
        if (node is null) return null;
        if (node is not YamlSequenceNode list)
        {
            r.Error(node, "detectors", $"expected a list such as [{string.Join(", ", DetectorCatalog.Names)}], found {YamlNodeReader.Describe(node)}");
            return null;
        }
        if (list.Children.Count == 0)
        {
            r.Error(node, "detectors", $"the list is empty, expected at least one of: {string.Join(", ", DetectorCatalog.Names)}");
            return null;
        }
        var names = ImmutableArray.CreateBuilder<string>();
        bool valid = true;
        for (int i = 0; i < list.Children.Count; i++)
        {
            string path = $"detectors[{i}]";
            string? name = r.String(list.Children[i], path);
            if (name is null) { valid = false; continue; }
            if (!DetectorCatalog.Names.Contains(name))
            {
                r.Error(list.Children[i], path, $"unknown detector '{name}'{DidYouMean.Hint(name, DetectorCatalog.Names)}, expected one of: {string.Join(", ", DetectorCatalog.Names)}");
                valid = false;
                continue;
            }
            if (names.Contains(name))
            {
                r.Error(list.Children[i], path, $"detector '{name}' is listed twice, expected each detector once");
                valid = false;
                continue;
            }
            names.Add(name);
        }
        return valid ? names.ToImmutable() : null;
    }

    private static SimulationSettings? ReadSimulation(YamlNode? node, YamlNodeReader r)
    {
        YamlMappingNode? map = r.Mapping(node, "simulation", SimulationKeys);
        if (map is null) return null;
        YamlNode? replicatesNode = r.Required(map, node, "simulation", "replicates", "a whole number of at least 1");
        long? replicates = r.Integer(replicatesNode, "simulation.replicates", "a whole number of at least 1");
        if (replicates is not null && replicates is < 1 or > int.MaxValue)
        {
            r.Error(replicatesNode!, "simulation.replicates", $"found {replicates}, expected a whole number from 1 to {int.MaxValue}");
            replicates = null;
        }
        YamlNode? alphaNode = YamlNodeReader.Child(map, "alpha");
        double? alpha = alphaNode is null ? 0.05 : r.Number(alphaNode, "simulation.alpha", "a significance level between 0 and 1, such as 0.05");
        if (alphaNode is not null && alpha is not null && alpha is not (> 0 and < 1))
        {
            r.Error(alphaNode, "simulation.alpha", $"found {YamlNodeReader.Format(alpha.Value)}, expected a significance level between 0 and 1, such as 0.05");
            alpha = null;
        }
        return replicates is null || alpha is null ? null : new SimulationSettings((int)replicates.Value, alpha.Value);
    }
}
