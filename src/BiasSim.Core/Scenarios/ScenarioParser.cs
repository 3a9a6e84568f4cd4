using System.Collections.Immutable;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BiasSim.Core.Scenarios;

/// <summary>
/// Parses and validates scenario text (version 1 keys). Pure: the caller reads the file, so the core
/// library does no I/O. Collects every error at once, each naming the line, column and key path. It knows detectors
/// only as a <see cref="DetectorVocabulary"/> handed in, and leaves <c>target_share</c> to the calibration stage:
/// users load scenarios through the Design folder's ScenarioLoader, which runs both.
/// </summary>
internal static partial class ScenarioParser
{
    private static readonly string[] TopKeys = ["name", "description", "seed", "population", "referrals", "recording", "detectors", "simulation", SweepKey];
    private static readonly string[] SimulationKeys = ["replicates", "alpha"];

    /// <summary>The smallest significance level: 1 - alpha/2 must differ from 1 by enough digits that the critical value
    /// (a quantile at 1 - alpha/2) is finite and accurate; at 1e-16 it is infinite and nothing is ever flagged.</summary>
    public const double MinAlpha = 1e-10;

    /// <summary>Reads the scenario with <paramref name="overrides"/> (from <c>--set path=value</c>) applied to the YAML tree
    /// before validation, so an override is validated exactly like the key it replaces. The scenario is null when there
    /// were errors; its <c>target_share</c>s are not yet calibrated.</summary>
    internal static ParsedScenario Read(string text, string fileName, IReadOnlyList<ScenarioOverride> overrides, DetectorVocabulary detectors)
    {
        var reader = new YamlNodeReader(fileName);
        YamlNode? root = Parse(text, reader);
        if (root is null) return new ParsedScenario(null, null, reader);

        if (overrides.Count > 0)
        {
            root = ScenarioOverride.ApplyAll(root, overrides, reader);
            if (root is null) return new ParsedScenario(null, null, reader);
        }
        Scenario? scenario = Read(root, reader, detectors);
        return new ParsedScenario(reader.Errors.Count == 0 ? scenario : null, root as YamlMappingNode, reader);
    }

    /// <summary>The guarded parse every reading of scenario text goes through: the text is checked before YamlDotNet
    /// sees it, and the tree before anything walks it. Null (errors reported) when the text is unusable.</summary>
    internal static YamlNode? Parse(string text, YamlNodeReader reader)
    {
        if (YamlGuard.Check(text) is var (line, column, problem))
        {
            reader.Error(line, column, "", problem);
            return null;
        }
        YamlNode root;
        var scanner = new Scanner(new StringReader(text));
        try
        {
            var stream = new YamlStream();
            stream.Load(new Parser(scanner));
            if (stream.Documents.Count == 0)
            {
                reader.Error(1, 1, "", "the file is empty, expected a scenario (a mapping with name, population, referrals, ...)");
                return null;
            }
            if (stream.Documents.Count > 1)
            {
                reader.Error(stream.Documents[1].RootNode, "", "the file holds more than one YAML document, expected exactly one scenario");
            }
            root = stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            if (YamlIndentation.Explain(text, (int)e.Start.Line, CleanYamlMessage(e)) is { } hint)
            {
                reader.Error(hint.Line, hint.Column, "", $"YAML syntax error: {hint.Message} (the parser said: {CleanYamlMessage(e)})");
            }
            else reader.Error((int)e.Start.Line, (int)e.Start.Column, "", $"YAML syntax error: {CleanYamlMessage(e)}");
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet (16 to 18) throws these instead of a YamlException when the text ends inside a flow
            // collection, or for some malformed event sequences (found by LoaderFuzzTests); the scanner's
            // position still says where it gave up.
            Mark at = scanner.CurrentPosition;
            reader.Error((int)at.Line, (int)at.Column, "",
                "YAML syntax error: the text ends inside an unfinished structure, expected a closing } or ] or quote");
            return null;
        }
        if (YamlGuard.CheckExpansion(root) is { } expansion)
        {
            reader.Error(root, "", expansion);
            return null;
        }
        return root;
    }

    private static string CleanYamlMessage(YamlException e)
    {
        // YamlDotNet prefixes its own "(Line: 3, Col: 5, Idx: ...) - (...): " location; ours is already in front.
        string message = e.InnerException?.Message ?? e.Message;
        int cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 && message.StartsWith('(') ? message[(cut + 3)..] : message;
    }

    private static Scenario? Read(YamlNode rootNode, YamlNodeReader r, DetectorVocabulary vocabulary)
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

        var defaulted = ImmutableArray.CreateBuilder<string>();
        ulong seed = ScenarioDefaults.Seed;
        YamlNode? seedNode = YamlNodeReader.Child(root, "seed");
        if (seedNode is null) defaulted.Add(ScenarioDefaults.SeedKey);
        else
        {
            if (seedNode is YamlScalarNode { Value: { } seedText }
                && ulong.TryParse(seedText.Replace("_", ""), NumberStyles.None, CultureInfo.InvariantCulture, out ulong parsed))
            {
                seed = parsed;
            }
            else
            {
                r.Error(seedNode, "seed", $"expected a whole number from 0 to {ulong.MaxValue}, found {YamlNodeReader.Describe(seedNode)}");
            }
        }

        Population? population = ReadPopulation(r.Required(root, rootNode, "", "population", "a mapping with reference and groups"), r);
        ReferralProcess? referrals = ReadReferrals(r.Required(root, rootNode, "", "referrals", "a mapping with base_rate or total, and rate_ratios"),
            population, r);
        RecordingProcess? recording = ReadRecording(r.Required(root, rootNode, "", "recording", "a mapping with missing"), population, referrals, r);
        YamlNode? detectorsNode = YamlNodeReader.Child(root, "detectors");
        if (detectorsNode is null) defaulted.Add(ScenarioDefaults.DetectorsKey);
        ImmutableArray<DetectorSpec>? detectors = detectorsNode is null
            ? [.. ScenarioDefaults.Detectors.Select(d => new DetectorSpec(d))]
            : ReadDetectors(detectorsNode, population, referrals, vocabulary, r);
        SimulationSettings? simulation = ReadSimulation(YamlNodeReader.Child(root, "simulation"), r, defaulted);
        // The sweep: section is data for the sweep command; checked here so every command guards and rejects it alike.
        bool sweepValid = ReadSweep(YamlNodeReader.Child(root, SweepKey), r, []);

        if (name is null || population is null || referrals is null || recording is null || detectors is null || simulation is null || !sweepValid ||
            r.Errors.Count > 0)
        {
            return null;
        }
        var scenario = new Scenario(name, description, seed, population, referrals, recording, [.. detectors.Value.Select(d => d.Name)], simulation)
        {
            DetectorOptions = detectors.Value.ToImmutableDictionary(d => d.Name),
            Defaulted = defaulted.ToImmutable(),
        };
        scenario = ResolveValidationShare(scenario, root, r);
        return scenario is null ? null : ResolveTrendCovariates(DegenerateDetectorWarnings(scenario, vocabulary, root, r));
    }

    /// <summary>A trend needs the index of the <c>year</c> covariate, which is known once the referrals are read.</summary>
    private static Scenario ResolveTrendCovariates(Scenario scenario)
    {
        MissingnessMechanism WithYear(MissingnessMechanism m) =>
            m.Trend != 0 ? m with { TrendCovariate = scenario.Referrals.CovariateIndex(YearCovariate) } : m;
        var attributes = scenario.Recording.Attributes;
        foreach (var (name, recording) in attributes) attributes = attributes.SetItem(name, recording with { Missing = WithYear(recording.Missing) });
        return scenario with { Recording = scenario.Recording with { Missing = WithYear(scenario.Recording.Missing), Attributes = attributes } };
    }

    private static bool IsSafeName(string name) =>
        name.Length is > 0 and <= 100 && name is not "." and not ".." &&
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static readonly string[] Adjustments = ["none", "bonferroni", "holm"];

    private static ImmutableArray<DetectorSpec>? ReadDetectors(YamlNode? node, Population? population, ReferralProcess? referrals,
        DetectorVocabulary vocabulary, YamlNodeReader r)
    {
        if (node is null) return null;
        if (node is not YamlSequenceNode list)
        {
            r.Error(node, "detectors", $"expected a list such as [{string.Join(", ", vocabulary.Names.Take(2))}], found {YamlNodeReader.Describe(node)}");
            return null;
        }
        if (list.Children.Count == 0)
        {
            r.Error(node, "detectors", $"the list is empty, expected at least one of: {string.Join(", ", vocabulary.Names)}");
            return null;
        }
        var specs = ImmutableArray.CreateBuilder<DetectorSpec>();
        bool valid = true;
        for (int i = 0; i < list.Children.Count; i++)
        {
            string path = $"detectors[{i}]";
            YamlNode item = list.Children[i];
            YamlNode nameNode = item;
            YamlMappingNode? options = null;
            if (item is YamlMappingNode one)
            {
                if (one.Children.Count != 1)
                {
                    r.Error(item, path, "expected a detector name, or one name with its options such as {ipw: {by: region}}");
                    valid = false;
                    continue;
                }
                nameNode = one.Children.Keys.Single();
                options = r.Mapping(one.Children.Values.Single(), path, vocabulary.OptionNames);
                if (options is null) { valid = false; continue; }
            }
            string? name = r.String(nameNode, path);
            if (name is null) { valid = false; continue; }
            if (!vocabulary.Names.Contains(name))
            {
                r.Error(nameNode, path,
                    $"unknown detector '{name}'{DidYouMean.Hint(name, vocabulary.Names)}, expected one of: {string.Join(", ", vocabulary.Names)}");
                valid = false;
                continue;
            }
            if (specs.Any(s => s.Name == name))
            {
                r.Error(nameNode, path, $"detector '{name}' is listed twice, expected each detector once");
                valid = false;
                continue;
            }
            DetectorSpec? spec = ReadDetectorOptions(name, vocabulary.OptionsOf(name), options, path, population, referrals, r);
            if (spec is null) { valid = false; continue; }
            specs.Add(spec);
        }
        return valid ? specs.ToImmutable() : null;
    }

    private static DetectorSpec? ReadDetectorOptions(string name, IReadOnlyCollection<string> allowed, YamlMappingNode? options, string path,
        Population? population, ReferralProcess? referrals, YamlNodeReader r)
    {
        var spec = new DetectorSpec(name);
        bool valid = true;
        foreach (var (key, keyNode, _) in YamlNodeReader.Entries(options))
        {
            if (allowed.Contains(key)) continue;
            r.Error(keyNode, $"{path}.{key}", allowed.Count == 0
                ? $"detector '{name}' takes no options"
                : $"does not apply to detector '{name}', expected only: {string.Join(", ", allowed)}");
            valid = false;
        }

        if (allowed.Contains("by"))
        {
            YamlNode? byNode = YamlNodeReader.Child(options, "by");
            string? by = byNode is null ? null : r.String(byNode, $"{path}.by");
            if (by is null && byNode is null)
            {
                // Without a stratifier, stratify by region where there are regions; else there is one stratum.
                by = population?.HasRegions == true ? "region" : null;
            }
            else if (by is not null && population is not null && referrals is not null)
            {
                List<string> choices = ["region", .. referrals.Covariates.Select(c => c.Name)];
                if (!r.Known(by, byNode!, $"{path}.by", "'region' or a covariate in referrals.covariates", choices)) valid = false;
            }
            else valid = false;
            spec = spec with { By = by };
        }
        if (allowed.Contains("m") && YamlNodeReader.Child(options, "m") is YamlNode mNode)
        {
            long? m = r.Integer(mNode, $"{path}.m", "a whole number of imputations from 1 to 1000");
            if (m is null || m is < 1 or > 1000)
            {
                if (m is not null) r.Error(mNode, $"{path}.m", $"found {m}, expected a whole number of imputations from 1 to 1000");
                valid = false;
            }
            else spec = spec with { Imputations = (int)m.Value };
        }
        if (allowed.Contains("validation_share") && YamlNodeReader.Child(options, "validation_share") is YamlNode validationNode)
        {
            double? v = r.Ranged(validationNode, $"{path}.validation_share",
                "a share greater than 0 and at most 1 of recorded referrals that also carry the self-defined group", x => x is > 0 and <= 1);
            if (v is null) valid = false; else spec = spec with { ValidationShare = v };
        }
        if (allowed.Contains("adjust") && YamlNodeReader.Child(options, "adjust") is YamlNode adjustNode)
        {
            string? adjust = r.String(adjustNode, $"{path}.adjust");
            if (adjust is null || !r.Known(adjust, adjustNode, $"{path}.adjust", "an adjustment", Adjustments)) valid = false;
            else spec = spec with { Adjust = Enum.Parse<Adjustment>(adjust, ignoreCase: true) };
        }
        return valid ? spec : null;
    }

    /// <summary>Without the section, or without <c>replicates</c>, <see cref="ScenarioDefaults"/> apply (recorded in <paramref name="defaulted"/>).</summary>
    private static SimulationSettings? ReadSimulation(YamlNode? node, YamlNodeReader r, ImmutableArray<string>.Builder defaulted)
    {
        if (node is null)
        {
            defaulted.Add(ScenarioDefaults.ReplicatesKey);
            return new SimulationSettings(ScenarioDefaults.Replicates, ScenarioDefaults.Alpha);
        }
        YamlMappingNode? map = r.Mapping(node, "simulation", SimulationKeys);
        if (map is null) return null;
        YamlNode? replicatesNode = YamlNodeReader.Child(map, "replicates");
        if (replicatesNode is null) defaulted.Add(ScenarioDefaults.ReplicatesKey);
        long? replicates = replicatesNode is null
            ? ScenarioDefaults.Replicates
            : r.Integer(replicatesNode, "simulation.replicates", "a whole number of at least 1");
        if (replicates is not null && replicates is < 1 or > int.MaxValue)
        {
            r.Error(replicatesNode!, "simulation.replicates", $"found {replicates}, expected a whole number from 1 to {int.MaxValue}");
            replicates = null;
        }
        YamlNode? alphaNode = YamlNodeReader.Child(map, "alpha");
        double? alpha = alphaNode is null
            ? ScenarioDefaults.Alpha
            : r.Number(alphaNode, "simulation.alpha", "a significance level between 0 and 1, such as 0.05");
        if (alphaNode is not null && alpha is not null && alpha is not (>= MinAlpha and < 1))
        {
            r.Error(alphaNode, "simulation.alpha", alpha is > 0 and < MinAlpha
                ? $"found {YamlNodeReader.Format(alpha.Value)}, expected a significance level of at least {YamlNodeReader.Format(MinAlpha)}: the critical " +
                    "values of smaller levels are beyond double precision"
                : $"found {YamlNodeReader.Format(alpha.Value)}, expected a significance level between 0 and 1, such as 0.05");
            alpha = null;
        }
        return replicates is null || alpha is null ? null : new SimulationSettings((int)replicates.Value, alpha.Value);
    }
}
