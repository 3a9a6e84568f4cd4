using BiasSim.Core.Design;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli.Sweeps;

/// <summary>One parameter of a <c>sweep:</c> section: its dot path, its values as YAML text, and where it was written.</summary>
internal sealed record SweepEntry(string Path, IReadOnlyList<string> Values, int Line, int Column);

/// <summary>
/// The optional top-level <c>sweep:</c> section of a scenario file, a mapping from dot paths to values:
/// <code>
/// sweep:
///   recording.missing.share: 0:0.9:0.05          # a range start:stop:step
///   referrals.rate_ratios.Black: [1.0, 1.1, 1.2]  # a list (items may be ranges, or YAML values such as {a: 1})
///   referrals.total: 20000, 51204                 # a comma list, as on the command line
/// </code>
/// The scenario loader reads the section as data (so it passes the same guards as the rest of the file, and every
/// command can read a sweep file as its base scenario); this expands its ranges and comma lists into values.
/// </summary>
internal static class SweepSection
{
    public const string Key = ScenarioLoader.SweepKey;

    /// <summary>The section's parameters, in file order, with every error in it (in file order); empty when the file has no section.</summary>
    public static IReadOnlyList<SweepEntry> Read(string text, string fileName, List<ScenarioError> errors)
    {
        var found = new List<ScenarioError>();
        var entries = new List<SweepEntry>();
        foreach (SweepSpec spec in ScenarioLoader.ReadSweep(text, fileName, found))
        {
            List<string>? values = Values(spec, out string? error);
            if (values is null)
            {
                found.Add(new ScenarioError(fileName, spec.Line, spec.Column, $"{Key}.{spec.Path}", error!));
                continue;
            }
            entries.Add(new SweepEntry(spec.Path, values, spec.Line, spec.Column));
        }
        errors.AddRange(found.OrderBy(e => e.Line).ThenBy(e => e.Column));
        return entries;
    }

    private static List<string>? Values(SweepSpec spec, out string? error)
    {
        error = null;
        if (!spec.IsList) return spec.Items[0].Plain ? SweepValues.Expand(spec.Items[0].Text, out error) : [spec.Items[0].Text];
        var values = new List<string>();
        foreach (SweepItem item in spec.Items)
        {
            if (item.Plain && SweepValues.IsRange(item.Text))
            {
                List<string>? range = SweepValues.ExpandRange(item.Text, out error);
                if (range is null) return null;
                values.AddRange(range);
            }
            else
            {
                values.Add(item.Text);
            }
        }
        return values;
    }
}
