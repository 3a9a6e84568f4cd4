using System.Text;
using BiasSim.Cli.Detection;
using BiasSim.Core.BiasAnalysis;
using ScottPlot;
using static BiasSim.Cli.Plots.PlotTheme;

namespace BiasSim.Cli.Plots;

/// <summary>detect --bias-analysis: one histogram per group of the bias-adjusted rate ratios, on a log scale, with the
/// observed (complete-case) rate ratio, the simulation interval and rate ratio 1 marked.</summary>
internal static class BiasAnalysisPlot
{
    public const string Stem = "bias-analysis";
    private const int Bins = 60;

    public static RenderedPlot? Draw(BiasAnalysisResult result, string dataName)
    {
        var rows = result.Rows.Where(r => r.Sorted.Length > 0).ToList();
        if (rows.Count == 0) return null;
        string title = $"{dataName}: rate ratios adjusted for differential recording";
        Plot plot = NewPlot(title, $"Rate ratio against {result.Reference} (log scale; 1 = no difference)", "Group");
        string level = Num(100 * (1 - result.Alpha), "0.##") + "%";
        var alt = new StringBuilder($"Histograms, one per group, of {result.Draws:N0} bias-adjusted rate ratios against {result.Reference}, "
            + $"with the observed rate ratio and the {level} simulation interval marked.");

        // Show the central 99.8% of every group's draws, the observed ratios and 1.
        double minLog = 0, maxLog = 0;
        foreach (BiasAdjustedRow r in rows)
        {
            minLog = Math.Min(minLog, Math.Min(Math.Log10(Quantile(r.Sorted, 0.001)), Math.Log10(r.ObservedRateRatio!.Value)));
            maxLog = Math.Max(maxLog, Math.Max(Math.Log10(Quantile(r.Sorted, 0.999)), Math.Log10(r.ObservedRateRatio!.Value)));
        }
        double padLog = (maxLog - minLog) * 0.04 + 0.005;
        double width = (maxLog - minLog) / Bins;
        for (int k = 0; k < rows.Count; k++)
        {
            BiasAdjustedRow r = rows[k];
            double baseline = rows.Count - 1 - k;
            var counts = new long[Bins];
            foreach (double v in r.Sorted)
            {
                int b = (int)Math.Floor((Math.Log10(v) - minLog) / width);
                if (b >= 0 && b < Bins) counts[b]++;
            }
            long peak = Math.Max(1, counts.Max());
            var bars = new List<Bar>();
            for (int b = 0; b < Bins; b++)
            {
                if (counts[b] == 0) continue;
                bars.Add(new Bar
                {
                    Position = minLog + (b + 0.5) * width, Size = width, ValueBase = baseline, Value = baseline + 0.8 * counts[b] / peak,
                    FillColor = LightGrey, LineColor = Grey, LineWidth = 0.5f,
                });
            }
            plot.Add.Bars(bars);
            var interval = plot.Add.Line(Math.Log10(r.Lower!.Value), baseline + 0.88, Math.Log10(r.Upper!.Value), baseline + 0.88);
            interval.LineWidth = 2.5f;
            interval.LineColor = OkabeIto[1];
            interval.MarkerShape = MarkerShape.None;
            plot.Add.Markers(new[] { Math.Log10(r.Median!.Value) }, new[] { baseline + 0.88 }, MarkerShape.FilledCircle, 9, OkabeIto[1]);
            plot.Add.Markers(new[] { Math.Log10(r.ObservedRateRatio!.Value) }, new[] { baseline + 0.88 }, TruthMarker, 12, OkabeIto[2]);
            alt.Append(' ').Append(r.Group).Append($": observed {Num(r.ObservedRateRatio.Value, "0.00")}, adjusted median {Num(r.Median.Value, "0.00")}, ")
               .Append($"{level} between {Num(r.Lower.Value, "0.00")} and {Num(r.Upper.Value, "0.00")}, {Pct(r.ShareAbove1!.Value)} above 1.");
        }
        plot.Add.VerticalLine(0, 1.5f, Grey, LinePattern.Dotted);
        plot.Legend.ManualItems.Add(new LegendItem
        {
            LabelText = "Bias-adjusted draws (scaled to each group's peak)", FillColor = LightGrey, OutlineColor = Grey, OutlineWidth = 0.5f,
        });
        plot.Legend.ManualItems.Add(new LegendItem
        {
            LabelText = $"Median and {level} simulation interval", LineColor = OkabeIto[1], LineWidth = 2.5f,
            MarkerShape = MarkerShape.FilledCircle, MarkerColor = OkabeIto[1],
        });
        plot.Legend.ManualItems.Add(new LegendItem
        {
            LabelText = "Observed (recorded referrals only)", MarkerShape = TruthMarker, MarkerColor = OkabeIto[2], MarkerSize = 12,
        });
        plot.Legend.ManualItems.Add(new LegendItem
        {
            LabelText = "No difference (rate ratio 1)", LineColor = Grey, LineWidth = 1.5f, LinePattern = LinePattern.Dotted,
        });
        var groupTicks = new ScottPlot.TickGenerators.NumericManual();
        for (int k = 0; k < rows.Count; k++) groupTicks.AddMajor(rows.Count - 1 - k + 0.35, rows[k].Group);
        plot.Axes.Left.TickGenerator = groupTicks;
        plot.Grid.YAxisStyle.IsVisible = false;
        RateRatioTicks(plot.Axes.Bottom, minLog - padLog, maxLog + padLog);
        plot.Axes.SetLimits(minLog - padLog, maxLog + padLog, -0.1, rows.Count);
        LegendBelow(plot);
        string caption = "Each row is one group's histogram of bias-adjusted rate ratios: recording ratios drawn from the priors, "
                         + "with the sampling error of the "
                         + "observed counts added. The diamond is what the recorded referrals alone say; the blue line holds the middle of the draws. "
                         + "The spread shows what the counts allow one to say once the assumptions about recording are stated.";
        return Render(plot, Stem, title, alt.ToString(), caption);
    }

    private static double Quantile(IReadOnlyList<double> sorted, double q) => sorted[(int)Math.Clamp(Math.Round(q * (sorted.Count - 1)), 0, sorted.Count - 1)];
}
