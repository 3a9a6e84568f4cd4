using System.Globalization;
using BiasSim.Core.Calibration;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli;

/// <summary>The expected missing share per group that a scenario's recording produces, whatever the mechanism, so a
/// student sees what "mnar with target_share 0.647" or a logistic model actually does to each group before running it.</summary>
internal static class MissingShares
{
    /// <summary>One line per protected attribute, such as "ethnicity missing (expected): White 59.1%, Black 79.5%; overall 64.7%".</summary>
    public static IReadOnlyList<string> Describe(Scenario s)
    {
        var table = new CellTable(s.Population, s.Referrals);
        var lines = new List<string> { Line(Population.Ethnicity, [.. s.Population.Groups.Select(g => g.Name)], s.Recording.Missing, table, s, 0) };
        for (int k = 0; k < s.Population.Attributes.Length; k++)
        {
            ProtectedAttribute a = s.Population.Attributes[k];
            lines.Add(Line(a.Name, a.Levels, s.Recording.Attributes[a.Name].Missing, table, s, k + 1));
        }
        return lines;
    }

    private static string Line(string attribute, IReadOnlyList<string> groups, MissingnessMechanism missing, CellTable table, Scenario s, int index)
    {
        double[] shares = MissingnessCalibration.ExpectedMissingShareByGroup(table, s.Population, s.Referrals, missing, groups.Count, index);
        double overall = MissingnessCalibration.ExpectedMissingShare(table, s.Population, s.Referrals, missing, missing.CalibrationShift, index);
        IEnumerable<string> parts = groups.Select((g, i) => double.IsNaN(shares[i]) ? $"{g} -" : $"{g} {Percent(shares[i])}");
        return $"{attribute} missing by self-defined group (expected, {missing.Name}): {string.Join(", ", parts)}; overall {Percent(overall)}";
    }

    private static string Percent(double share) => (100 * share).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
