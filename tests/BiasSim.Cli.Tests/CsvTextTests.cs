using BiasSim.Cli.Output;

namespace BiasSim.Cli.Tests;

/// <summary>
/// Two paths write CSV cells: CsvHelper (<see cref="CsvText"/>) for every table, and the hand-escaped
/// <see cref="Csv.Cell"/> for the measured hot paths (generate's records, replicates.csv). They must write every cell
/// the same way, or the same group name would look different in two files.
/// </summary>
public sealed class CsvTextTests
{
    private static string ViaCsvHelper(params string[] cells)
    {
        using var csv = new CsvText();
        csv.Row(cells);
        return csv.ToString();
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("-0.5", "-0.5")] // a number stays a number
    [InlineData("=1+1", "'=1+1")] // a formula is neutralised
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("x;=1+1", "\"x;=1+1\"")] // quoted for spreadsheets that split on semicolons
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("", "")]
    public void A_cell_is_written_as_RFC_4180_with_formulas_neutralised(string value, string written)
    {
        Assert.Equal(written + ",x\n", ViaCsvHelper(value, "x"));
        Assert.Equal(written, Csv.Cell(value));
    }

    [Fact]
    public void CsvHelper_and_the_hand_escaped_hot_path_agree_on_random_cells()
    {
        // Strings over an alphabet rich in the characters that matter (separators, quotes, line ends, formula starters).
        const string alphabet = "ab1.-+=@;,\"\n\r\t ";
        var random = new Random(20261207);
        for (int i = 0; i < 2000; i++)
        {
            string cell = new([.. Enumerable.Range(0, random.Next(0, 8)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            Assert.Equal(Csv.Cell(cell) + ",end\n", ViaCsvHelper(cell, "end"));
        }
    }
}
