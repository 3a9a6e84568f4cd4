using System.Text;

namespace BiasSim.Cli.Output;

/// <summary>A plain fixed-width table: the first column left-aligned, the rest right-aligned (numbers).</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells) => _rows.Add(cells);

    public void Render(StringBuilder sb, string indent = "  ")
    {
        int[] widths = headers.Select(h => h.Length).ToArray();
        foreach (string[] row in _rows)
        {
            for (int i = 0; i < row.Length; i++) widths[i] = Math.Max(widths[i], row[i].Length);
        }
        Line(headers);
        foreach (string[] row in _rows) Line(row);

        void Line(string[] cells)
        {
            sb.Append(indent);
            for (int i = 0; i < cells.Length; i++)
            {
                if (i > 0) sb.Append("  ");
                sb.Append(i == 0 ? cells[i].PadRight(widths[i]) : cells[i].PadLeft(widths[i]));
            }
            sb.Append('\n');
        }
    }
}
