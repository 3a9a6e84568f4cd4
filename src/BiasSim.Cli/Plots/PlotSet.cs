using BiasSim.Cli.Report;

namespace BiasSim.Cli.Plots;

/// <summary>Draws every plot a results folder supports and writes them as PNG and SVG.</summary>
internal static class PlotSet
{
    public const string FolderName = "plots";

    /// <summary>The plots of a run or sweep folder, in reading order: run plots, sweep plots, MDRR.</summary>
    public static IReadOnlyList<RenderedPlot> Draw(ResultsFolder folder)
    {
        var plots = new List<RenderedPlot>();
        plots.AddRange(RunPlots.Build(folder));
        plots.AddRange(SweepPlots.Build(folder));
        // Stems are file names: keep them unique even if two groups slug alike.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < plots.Count; i++)
        {
            string stem = plots[i].FileStem;
            for (int n = 2; !seen.Add(stem); n++) stem = $"{plots[i].FileStem}-{n}";
            if (stem != plots[i].FileStem) plots[i] = plots[i] with { FileStem = stem };
        }
        return plots;
    }

    /// <summary>Writes <c>STEM.png</c> and <c>STEM.svg</c> for each plot into <paramref name="plotsFolder"/>, each file
    /// whole or not at all; returns the paths written.</summary>
    public static IReadOnlyList<string> Write(IReadOnlyList<RenderedPlot> plots, string plotsFolder)
    {
        var written = new List<string>();
        try
        {
            Directory.CreateDirectory(plotsFolder);
            foreach (RenderedPlot plot in plots)
            {
                string png = Path.Combine(plotsFolder, plot.FileStem + ".png"), svg = Path.Combine(plotsFolder, plot.FileStem + ".svg");
                AtomicFile.WriteAllBytes(png, plot.Png);
                AtomicFile.WriteAllText(svg, plot.Svg);
                written.Add(png);
                written.Add(svg);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{plotsFolder}: cannot write the plots there ({e.Message})");
        }
        return written;
    }
}
