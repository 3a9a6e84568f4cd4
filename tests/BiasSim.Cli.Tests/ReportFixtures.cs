using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml;

namespace BiasSim.Cli.Tests;

/// <summary>Results folders for the plot and report tests, built with the real <c>run</c> command.</summary>
internal static class ReportFixtures
{
    /// <summary>Runs <see cref="Cli.Scenario"/> (or <paramref name="scenario"/>) into <c>tmp/name</c> and returns the folder.</summary>
    public static string Run(TempFolder tmp, string name, string? scenario = null, params string[] extra)
    {
        string file = tmp.File(name + ".yaml", scenario ?? Cli.Scenario);
        string folder = tmp.Combine(name);
        CliResult r = Cli.Run(["run", file, "--out", folder, "--replicates", "600", "--threads", "2", "--quiet", .. extra]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return folder;
    }

    /// <summary>
    /// A sweep folder in the format 'biassim sweep' writes (sweep.csv: the swept parameters' columns, then every diagnosand
    /// column; summary.json with "command": "sweep" and each point's values and rows; scenario.yaml), assembled from one run per design point so these tests
    /// depend only on the file contract. <paramref name="points"/> maps each point's parameter values to its scenario text.
    /// </summary>
    public static string Sweep(TempFolder tmp, string name, IReadOnlyList<string> parameters, IReadOnlyList<(string[] Values, string Scenario)> points)
    {
        string folder = tmp.Combine(name);
        Directory.CreateDirectory(folder);
        var csv = new StringBuilder();
        var pointsJson = new JsonArray();
        for (int i = 0; i < points.Count; i++)
        {
            string run = Run(tmp, $"{name}-point{i}", points[i].Scenario);
            string[] lines = File.ReadAllLines(Path.Combine(run, "diagnosands.csv"));
            if (i == 0) csv.Append(string.Join(',', parameters)).Append(',').Append(lines[0]).Append('\n');
            foreach (string line in lines.Skip(1)) csv.Append(string.Join(',', points[i].Values)).Append(',').Append(line).Append('\n');
            var values = new JsonObject();
            for (int p = 0; p < parameters.Count; p++) values[parameters[p]] = double.Parse(points[i].Values[p], CultureInfo.InvariantCulture);
            JsonNode rows = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "summary.json")))!["rows"]!.DeepClone();
            pointsJson.Add(new JsonObject { ["index"] = i, ["values"] = values, ["rows"] = rows });
        }
        File.WriteAllText(Path.Combine(folder, "sweep.csv"), csv.ToString());
        File.WriteAllText(Path.Combine(folder, "scenario.yaml"), Cli.Scenario);
        var grid = new JsonArray();
        for (int p = 0; p < parameters.Count; p++)
        {
            var values = new JsonArray();
            foreach (string v in points.Select(x => x.Values[p]).Distinct()) values.Add(double.Parse(v, CultureInfo.InvariantCulture));
            grid.Add(new JsonObject { ["path"] = parameters[p], ["values"] = values });
        }
        var summary = new JsonObject
        {
            ["tool"] = "biassim", ["command"] = "sweep", ["version"] = "0.1.0", ["scenario_file"] = "s.yaml",
            ["overrides"] = new JsonArray(), ["parameters"] = grid, ["seed"] = 31, ["replicates"] = 600, ["warnings"] = new JsonArray(),
            ["points"] = pointsJson,
        };
        File.WriteAllText(Path.Combine(folder, "summary.json"), summary.ToJsonString());
        return folder;
    }

    /// <summary>Replaces each point's MDRR and interval in an mdrr grid's summary.json (what <c>report</c> reads) with
    /// <paramref name="made"/>, in point order.</summary>
    public static void EditMdrrGrid(string folder, IReadOnlyList<(double Mdrr, double Lower, double Upper)> made)
    {
        string path = Path.Combine(folder, "summary.json");
        JsonNode summary = JsonNode.Parse(File.ReadAllText(path))!;
        JsonArray points = summary["points"]!.AsArray();
        Assert.Equal(made.Count, points.Count);
        for (int i = 0; i < made.Count; i++)
        {
            JsonNode m = points[i]!["mdrr"]!;
            (m["mdrr"], m["mdrr_lower"], m["mdrr_upper"]) = (made[i].Mdrr, made[i].Lower, made[i].Upper);
        }
        File.WriteAllText(path, summary.ToJsonString());
    }

    public static string ShareScenario(double share) => Cli.Scenario.Replace("share: 0.6", string.Create(CultureInfo.InvariantCulture, $"share: {share}"));

    public static void AssertPng(string path, int width, int height)
    {
        Assert.True(File.Exists(path), $"{path} is missing");
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 5_000, $"{path}: {bytes.Length} bytes is too small for a plot");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.Equal("IHDR", Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal(width, (bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19]);
        Assert.Equal(height, (bytes[20] << 24) | (bytes[21] << 16) | (bytes[22] << 8) | bytes[23]);
    }

    public static void AssertSvg(string path)
    {
        Assert.True(File.Exists(path), $"{path} is missing");
        Assert.True(new FileInfo(path).Length > 2_000, $"{path} is too small for a plot");
        var doc = new XmlDocument { XmlResolver = null };
        using (var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit }))
        {
            doc.Load(reader);
        }
        Assert.Equal("svg", doc.DocumentElement!.LocalName);
        Assert.Equal("http://www.w3.org/2000/svg", doc.DocumentElement.NamespaceURI);
        Assert.Equal("800", doc.DocumentElement.GetAttribute("width"));
        Assert.Equal("500", doc.DocumentElement.GetAttribute("height"));
    }
}
