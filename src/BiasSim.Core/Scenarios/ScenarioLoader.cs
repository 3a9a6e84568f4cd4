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
public static partial class ScenarioLoader
{
    private static readonly string[] TopKeys = ["name", "description", "seed", "population", "referrals", "recording", "detectors", "simulation"];
    private static readonly string[] SimulationKeys = ["replicates", "alpha"];

    public static ScenarioLoadResult Load(string text, string fileName) => Load(text, fileName, []);

    /// <summary>Loads the scenario with <paramref name="overrides"/> (from <c>--set path=value</c>) applied to
    /// the YAML tree before validation, so an override is validated exactly like the key it replaces.</summary>
    public static ScenarioLoadResult Load(string text, string fileName, IReadOnlyList<ScenarioOverride> overrides)
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

        if (overrides.Count > 0)
        {
            root = ScenarioOverride.ApplyAll(root, overrides, reader);
            if (root is null) return new ScenarioLoadResult(null, reader.Errors);
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
        RecordingProcess? recording = ReadRecording(r.Required(root, rootNode, "", "recording", "a mapping with missing"), population, referrals, r);
        ImmutableArray<string>? detectors = ReadDetectors(r.Required(root, rootNode, "", "detectors", $"a list of detectors from: {string.Join(", ", DetectorCatalog.Names)}"), r);
        SimulationSettings? simulation = ReadSimulation(r.Required(root, rootNode, "", "simulation", "a mapping with replicates and alpha"), r);

        if (name is null || population is null || referrals is null || recording is null || detectors is null || simulation is null)
        {
            return null;
        }
        var scenario = new Scenario(name, description, seed, population, referrals, recording, detectors.Value, simulation);
        return Calibrate(scenario, root, r);
    }

    /// <summary>Resolves what depends on the whole scenario: the trend's year covariate and the target-share shifts.</summary>
    private static Scenario? Calibrate(Scenario scenario, YamlMappingNode root, YamlNodeReader r)
    {
        var table = new Engine.CellTable(scenario.Population, scenario.Referrals);
        YamlMappingNode? recordingNode = YamlNodeReader.Child(root, "recording") as YamlMappingNode;
        MissingnessMechanism? missing = Resolve(scenario, scenario.Recording.Missing, table, 0,
            YamlNodeReader.Child(recordingNode, "missing") as YamlMappingNode, "recording.missing", r);
        var attributes = scenario.Recording.Attributes;
        for (int k = 0; k < scenario.Population.Attributes.Length; k++)
        {
            string name = scenario.Population.Attributes[k].Name;
            AttributeRecording recording = attributes[name];
            YamlMappingNode? node = YamlNodeReader.Child(
                YamlNodeReader.Child(YamlNodeReader.Child(recordingNode, "attributes") as YamlMappingNode, name) as YamlMappingNode, "missing") as YamlMappingNode;
            MissingnessMechanism? resolved = Resolve(scenario, recording.Missing, table, k + 1, node, $"recording.attributes.{name}.missing", r);
            if (resolved is null) return null;
            attributes = attributes.SetItem(name, recording with { Missing = resolved });
        }
        if (missing is null) return null;
        return scenario with { Recording = scenario.Recording with { Missing = missing, Attributes = attributes } };
    }

    private static MissingnessMechanism? Resolve(Scenario scenario, MissingnessMechanism missing, Engine.CellTable table, int attribute, YamlMappingNode? node, string path, YamlNodeReader r)
    {
        if (missing.Trend != 0) missing = missing with { TrendCovariate = scenario.Referrals.CovariateIndex(YearCovariate) };
        if (missing.TargetShare is not double target) return missing;
        Population population = scenario.Population;
        double? shift = Engine.MissingnessCalibration.Solve(table, population, scenario.Referrals, missing, target, attribute);
        if (shift is not null) return missing with { CalibrationShift = shift.Value };
        double low = Engine.MissingnessCalibration.ExpectedMissingShare(table, population, scenario.Referrals, missing, -60, attribute);
        double high = Engine.MissingnessCalibration.ExpectedMissingShare(table, population, scenario.Referrals, missing, 60, attribute);
        r.Error(YamlNodeReader.Child(node, "target_share")!, $"{path}.target_share",
            $"found {YamlNodeReader.Format(target)}, which no shift can reach: with shares of exactly 0 or 1 fixed, the overall missing share can only lie between {low:0.####} and {high:0.####}");
        return null;
    }

    private static bool IsSafeName(string name) =>
        name.Length is > 0 and <= 100 && name is not "." and not ".." &&
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

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
