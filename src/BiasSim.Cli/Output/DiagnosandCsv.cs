using BiasSim.Core.Diagnosands;

namespace BiasSim.Cli.Output;

/// <summary>diagnosands.csv: one row per detector and group, columns as in <see cref="DiagnosandColumns"/>.</summary>
internal static class DiagnosandCsv
{
    public static string Render(IEnumerable<DiagnosandRow> rows)
    {
        using var csv = new CsvText();
        csv.Row(DiagnosandColumns.Names);
        foreach (DiagnosandRow row in rows)
        {
            csv.Row(DiagnosandColumns.Cells(row));
        }
        return csv.ToString();
    }
}
