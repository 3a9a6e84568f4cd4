using BiasSim.Core.Scenarios;
using YamlDotNet.RepresentationModel;

namespace BiasSim.Core.Calibration;

/// <summary>
/// The stage between reading a scenario and compiling it: every missingness mechanism declared with a <c>target_share</c>
/// gets the log-odds shift (for recording ratios, the recording scale) that makes its expected missing share equal the
/// target. It needs the whole scenario (population and referrals weight the cells), which is why it runs after the
/// parser's validation and not inside it. A target nothing can reach is an error like any validation error: at the file,
/// line and column of its <c>target_share</c>.
/// </summary>
internal static class TargetShareCalibration
{
    /// <summary>The calibrated scenario, or null with the errors added to <paramref name="r"/>.</summary>
    public static Scenario? Calibrate(Scenario scenario, YamlMappingNode root, YamlNodeReader r)
    {
        // The cell table is only needed to calibrate a target share: built once, on first use.
        var table = new Lazy<CellTable>(() => new CellTable(scenario.Population, scenario.Referrals));
        YamlMappingNode? recordingNode = YamlNodeReader.Child(root, "recording") as YamlMappingNode;
        MissingnessMechanism? missing = Resolve(scenario, scenario.Recording.Missing, table, 0,
            YamlNodeReader.Child(recordingNode, "missing") as YamlMappingNode, "recording.missing", r);
        var attributes = scenario.Recording.Attributes;
        for (int k = 0; k < scenario.Population.Attributes.Length; k++)
        {
            string name = scenario.Population.Attributes[k].Name;
            AttributeRecording recording = attributes[name];
            YamlMappingNode? node = YamlNodeReader.Child(
                YamlNodeReader.Child(YamlNodeReader.Child(recordingNode, "attributes") as YamlMappingNode, name) as YamlMappingNode,
                "missing") as YamlMappingNode;
            MissingnessMechanism? resolved = Resolve(scenario, recording.Missing, table, k + 1, node, $"recording.attributes.{name}.missing", r);
            if (resolved is null) return null;
            attributes = attributes.SetItem(name, recording with { Missing = resolved });
        }
        if (missing is null) return null;
        return scenario with { Recording = scenario.Recording with { Missing = missing, Attributes = attributes } };
    }

    private static MissingnessMechanism? Resolve(Scenario scenario, MissingnessMechanism missing, Lazy<CellTable> cells, int attribute,
        YamlMappingNode? node, string path, YamlNodeReader r)
    {
        if (missing.TargetShare is not double target) return missing;
        CellTable table = cells.Value;
        Population population = scenario.Population;
        double? shift = MissingnessCalibration.Solve(table, population, scenario.Referrals, missing, target, attribute);
        if (shift is not null) return missing.WithCalibration(shift.Value);
        if (missing is MnarRatioMissingness ratios)
        {
            var scale = MissingnessCalibration.RecordingScale(table, population, scenario.Referrals, ratios, target, attribute);
            string group = scale.CappedGroup < 0 ? "every group" : $"'{GroupNames(population, attribute)[scale.CappedGroup]}'";
            r.Error(YamlNodeReader.Child(node, "target_share")!, $"{path}.target_share", scale.CappedGroup < 0 || double.IsNaN(scale.Scale)
                ? $"found {YamlNodeReader.Format(target)}, which recording_ratio cannot reach: no group that is referred is ever recorded"
                : $"found {YamlNodeReader.Format(target)}, which would need {group} recorded with probability above 1; with these recording ratios " +
                  $"the missing share can only lie between {scale.LowestShare:0.####} and 1, expected a target_share of at least {scale.LowestShare:0.####}");
            return null;
        }
        double low = MissingnessCalibration.ExpectedMissingShare(table, population, scenario.Referrals, missing, -60, attribute);
        double high = MissingnessCalibration.ExpectedMissingShare(table, population, scenario.Referrals, missing, 60, attribute);
        r.Error(YamlNodeReader.Child(node, "target_share")!, $"{path}.target_share",
            $"found {YamlNodeReader.Format(target)}, which no shift can reach: with shares of exactly 0 or 1 fixed, the overall missing share can only lie " +
            $"between {low:0.####} and {high:0.####}");
        return null;
    }

    private static IReadOnlyList<string> GroupNames(Population population, int attribute) =>
        attribute == 0 ? [.. population.Groups.Select(g => g.Name)] : population.Attributes[attribute - 1].Levels;
}
