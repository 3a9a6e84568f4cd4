using System.Globalization;
using ScottPlot;

namespace BiasSim.Cli.Plots;

/// <summary>A finished plot: the file name stem (no extension), its title, the alt text a screen reader reads
/// (what it shows, with the key numbers), a caption for readers, and the PNG and SVG renderings.</summary>
/// <remarks>The PNG is encoded on the thread pool while the next plots are drawn (compressing 1600 x 1000 pixels costs
/// about as much as drawing them): <see cref="Png"/> waits for it.</remarks>
internal sealed record RenderedPlot(string FileStem, string Title, string AltText, string Caption, Task<byte[]> PngEncoding, string Svg)
{
    public RenderedPlot(string fileStem, string title, string altText, string caption, byte[] png, string svg)
        : this(fileStem, title, altText, caption, Task.FromResult(png), svg)
    {
    }

    public byte[] Png => PngEncoding.GetAwaiter().GetResult();
}

/// <summary>
/// One look for every BiasSim plot: readable in greyscale (series differ by marker shape and line pattern,
/// the colours are the Okabe-Ito set, which also differ in lightness), labelled axes with units, and a title that
/// names the scenario. Plots are drawn at 800 x 500 logical pixels: SVG at that size, PNG at twice it for print.
/// </summary>
internal static class PlotTheme
{
    public const int Width = 800;
    public const int Height = 500;
    public const float PngScale = 2;
    public static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Okabe-Ito: black, blue, vermillion, bluish green, reddish purple, orange, sky blue.</summary>
    public static readonly Color[] OkabeIto =
    [
        Color.FromHex("#000000"), Color.FromHex("#0072B2"), Color.FromHex("#D55E00"), Color.FromHex("#009E73"),
        Color.FromHex("#CC79A7"), Color.FromHex("#E69F00"), Color.FromHex("#56B4E9"),
    ];

    public static readonly MarkerShape[] Markers =
    [
        MarkerShape.FilledCircle, MarkerShape.OpenSquare, MarkerShape.FilledTriangleUp, MarkerShape.OpenTriangleDown,
        MarkerShape.FilledSquare, MarkerShape.OpenCircle, MarkerShape.FilledTriangleDown, MarkerShape.Cross, MarkerShape.Asterisk, MarkerShape.OpenTriangleUp,
    ];

    /// <summary>The true rate ratio's mark: a shape no series uses (and <see cref="MarkerShape.Eks"/> is kept for "cannot be measured").</summary>
    public const MarkerShape TruthMarker = MarkerShape.OpenDiamond;

    public static readonly LinePattern[] Patterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];

    public static readonly Color Grey = Color.FromHex("#6E6E6E");
    public static readonly Color LightGrey = Color.FromHex("#BDBDBD");

    /// <summary>A sans-serif face that exists here (Skia's default on Linux is a serif), chosen once.</summary>
    private static readonly Lazy<string> FontName = new(() =>
        new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Segoe UI" }.FirstOrDefault(SkiaSharp.SKFontManager.Default.FontFamilies.Contains)
            ?? Fonts.Sans);

    public static Color SeriesColor(int i) => OkabeIto[i % OkabeIto.Length];
    public static MarkerShape SeriesMarker(int i) => Markers[i % Markers.Length];
    public static LinePattern SeriesPattern(int i) => Patterns[i % Patterns.Length];

    public static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(FontName.Value);
        plot.Title(title, 17);
        plot.XLabel(xLabel, 14);
        plot.YLabel(yLabel, 14);
        foreach (IAxis axis in plot.Axes.GetAxes())
        {
            axis.TickLabelStyle.FontSize = 12;
            axis.TickLabelStyle.ForeColor = OkabeIto[0];
        }
        plot.Legend.FontSize = 12;
        plot.Grid.MajorLineColor = Color.FromHex("#E4E4E4");
        return plot;
    }

    /// <summary>Legend under the data area, so it never hides a point.</summary>
    public static void LegendBelow(Plot plot)
    {
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Horizontal;
    }

    /// <summary>Renders the plot as PNG (at <see cref="PngScale"/>) and SVG, then disposes it. The pixels are drawn here
    /// (the plot is not thread-safe); their PNG encoding, which touches only the finished raster, runs on the thread pool.</summary>
    public static RenderedPlot Render(Plot plot, string stem, string title, string alt, string caption)
    {
        using (plot)
        {
            plot.ScaleFactor = PngScale;
            Image raster = plot.GetImage((int)(Width * PngScale), (int)(Height * PngScale));
            Task<byte[]> png = Task.Run(() =>
            {
                using (raster) return raster.GetImageBytes(ImageFormat.Png);
            });
            plot.ScaleFactor = 1;
            string svg = plot.GetSvgXml(Width, Height);
            return new RenderedPlot(stem, title, alt, caption, png, svg);
        }
    }

    /// <summary>Category ticks: one label (possibly two lines) per integer position.</summary>
    public static void CategoryTicks(IAxis axis, IReadOnlyList<string> labels)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int i = 0; i < labels.Count; i++) ticks.AddMajor(i, labels[i]);
        axis.TickGenerator = ticks;
    }

    /// <summary>Ticks on a log10 axis labelled with the rate ratio itself.</summary>
    public static void RateRatioTicks(IAxis axis, double minLog10, double maxLog10)
    {
        // Over more than a decade, the 1-2-5 series; over less, finer steps that people read as rate ratios.
        double span = maxLog10 - minLog10;
        double[] candidates = span > 1.2 ? [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
            : span > 0.35 ? [0.1, 0.2, 0.25, 0.33, 0.5, 0.67, 0.75, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 7.5, 10]
            : [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1, 1.05, 1.1, 1.2, 1.3, 1.4, 1.5, 1.75, 2];
        var inRange = candidates.Where(c => Math.Log10(c) >= minLog10 && Math.Log10(c) <= maxLog10).ToList();
        // Thin out to at most 9 labels, always keeping 1 (no difference) when it is in range.
        while (inRange.Count > 9)
        {
            inRange = [.. inRange.Where((c, i) => c == 1 || i % 2 == 0)];
        }
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (double c in inRange) ticks.AddMajor(Math.Log10(c), c.ToString("0.##", Inv));
        axis.TickGenerator = ticks;
    }

    public static string Pct(double fraction) => (100 * fraction).ToString("0.0", Inv) + "%";
    public static string Num(double value, string format = "0.##") => value.ToString(format, Inv);

    /// <summary>A file-name-safe stem: lower-case letters, digits and '-'.</summary>
    public static string Slug(string text)
    {
        var chars = text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        string slug = string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
        return slug.Length == 0 ? "x" : slug.Length > 40 ? slug[..40].TrimEnd('-') : slug;
    }
}
