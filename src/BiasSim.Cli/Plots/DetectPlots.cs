using System.Text;
using BiasSim.Cli.Detection;
using BiasSim.Core.Detectors;
using ScottPlot;
using static BiasSim.Cli.Plots.PlotTheme;

namespace BiasSim.Cli.Plots;

/// <summary>
/// The plot of one <c>detect</c> analysis: per group, each rate-ratio detector's estimate with its interval, and the
/// bounds as a shaded range, on a log rate-ratio axis (0.5 and 2 equally far from 1). Tipping-point (a recording ratio),
/// missing-share (strata, not groups) and chi-square (one test) are not rate ratios of a group, so they are not drawn.
/// </summary>
internal static class DetectPlots
{
    public const string Stem = "detect-estimates";

    /// <summary>Detectors whose per-group rows are rate ratios vs the reference, drawn as a mark and an interval.</summary>
    private static readonly string[] PointDetectors =
        [RateRatioDetector.DetectorName, MisclassificationCorrectedDetector.DetectorName, IpwDetector.DetectorName, MultipleImputationDetector.DetectorName];

    /// <summary>The plot, or none when no group has an estimable rate ratio or bound.</summary>
    public static IReadOnlyList<RenderedPlot> Build(DetectionResult r)
    {
        string reference = r.Reference;
        var rows = r.Rows.Where(x => x.Estimable && x.Lower is double && x.Upper is double && x.Group != reference &&
                                     (PointDetectors.Contains(x.Detector) && x.Estimate is double || x.Detector == BoundsDetector.DetectorName)).ToList();
        if (rows.Count == 0) return [];
        var groups = r.Population.Groups.Select(g => g.Name).Where(g => rows.Any(x => x.Group == g)).ToList();
        var detectors = r.Detectors.Where(d => PointDetectors.Contains(d) && rows.Any(x => x.Detector == d)).ToList();
        var bounds = rows.Where(x => x.Detector == BoundsDetector.DetectorName).ToList();
        string level = Num(100 * (1 - r.Request.Alpha), "0.##") + "%";
        string file = Path.GetFileName(r.Request.Data);
        string title = $"{file}: rate ratios vs {reference}";
        Plot plot = NewPlot(title, "Group", $"Rate ratio vs {reference} (log scale; 1 = no difference)");
        var alt = new StringBuilder($"Chart of the rate ratios vs {reference} estimated from {file}, one column per group, on a log scale; " +
                                    $"{Pct(r.MissingShare)} of referrals have no recorded {DetectionOutput.Attribute(r)}.");

        // The axis covers every finite interval end and 1; an infinite upper bound runs to the top edge and says so.
        var finite = rows.SelectMany(x => new[] { x.Lower!.Value, x.Upper!.Value }).Where(double.IsFinite).Where(v => v > 0).ToList();
        double lo = Math.Min(0, finite.Select(Math.Log10).DefaultIfEmpty(0).Min());
        double hi = Math.Max(0, finite.Select(Math.Log10).DefaultIfEmpty(0).Max());
        double pad = (hi - lo) * 0.08 + 0.02;
        double top = hi + pad, bottom = lo - pad;
        double Y(double v) => double.IsPositiveInfinity(v) ? top : Math.Log10(Math.Max(v, Math.Pow(10, bottom)));

        var one = plot.Add.HorizontalLine(0, 1.5f, Grey, LinePattern.Dotted);
        one.LegendText = "No difference (rate ratio 1)";
        if (bounds.Count > 0)
        {
            foreach (DetectionRow b in bounds)
            {
                int x = groups.IndexOf(b.Group);
                var box = plot.Add.Rectangle(x - 0.3, x + 0.3, Y(b.Lower!.Value), Y(b.Upper!.Value));
                box.FillStyle.Color = LightGrey.WithAlpha(0.55);
                box.FillStyle.Hatch = new ScottPlot.Hatches.Striped(ScottPlot.Hatches.StripeDirection.DiagonalUp);
                box.FillStyle.HatchColor = Grey.WithAlpha(0.5);
                box.LineStyle.Color = Grey;
                box.LineStyle.Width = 1;
                if (double.IsPositiveInfinity(b.Upper!.Value))
                {
                    var arrow = plot.Add.Text("no upper\nlimit", x + 0.3, top);
                    arrow.LabelFontColor = Grey;
                    arrow.LabelFontSize = 11;
                    arrow.LabelAlignment = Alignment.UpperRight;
                }
                if (b.Lower!.Value <= 0)
                {
                    var floor = plot.Add.Text("down to 0", x + 0.3, bottom);
                    floor.LabelFontColor = Grey;
                    floor.LabelFontSize = 11;
                    floor.LabelAlignment = Alignment.LowerRight;
                }
                alt.Append($" {b.Group}, bounds assuming nothing about unrecorded referrals: {Num(b.Lower!.Value, "0.00")} to {Bound(b.Upper!.Value)}.");
            }
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = "Bounds: assuming nothing about unrecorded referrals", FillColor = LightGrey.WithAlpha(0.55),
                FillHatch = new ScottPlot.Hatches.Striped(ScottPlot.Hatches.StripeDirection.DiagonalUp), FillHatchColor = Grey.WithAlpha(0.5),
                OutlineColor = Grey, OutlineWidth = 1,
            });
        }
        double step = detectors.Count <= 1 ? 0 : Math.Min(0.16, 0.5 / detectors.Count);
        for (int d = 0; d < detectors.Count; d++)
        {
            var dr = rows.Where(x => x.Detector == detectors[d]).ToList();
            double offset = (d - (detectors.Count - 1) / 2.0) * step;
            double[] xs = [.. dr.Select(x => groups.IndexOf(x.Group) + offset)];
            double[] ys = [.. dr.Select(x => Y(x.Estimate!.Value))];
            var bars = plot.Add.ErrorBar(xs, ys, [.. dr.Select(_ => 0.0)]);
            bars.YErrorNegative = [.. dr.Select(x => Math.Max(0, Y(x.Estimate!.Value) - Y(x.Lower!.Value)))];
            bars.YErrorPositive = [.. dr.Select(x => Math.Max(0, Y(x.Upper!.Value) - Y(x.Estimate!.Value)))];
            bars.Color = SeriesColor(d);
            bars.LineWidth = 2f;
            bars.CapSize = 8;
            string name = Name(detectors[d], r);
            var marks = plot.Add.Markers(xs, ys, SeriesMarker(d), 11, SeriesColor(d));
            marks.LegendText = $"{name}: estimate and {level} interval";
            alt.Append(' ').Append(name).Append(':')
               .AppendJoin("", dr.Select(x => $" {x.Group} {Num(x.Estimate!.Value, "0.00")} ({level} interval {Num(x.Lower!.Value, "0.00")} to " +
                   $"{Bound(x.Upper!.Value)}" +
                                              $"{(x.Flagged is "up" or "down" ? $", flagged {x.Flagged}" : ", not flagged")})."));
        }
        CategoryTicks(plot.Axes.Bottom, [.. groups.Select(g => Labels.GroupTick(g, groups.Count > 6))]);
        RateRatioTicks(plot.Axes.Left, bottom, top);
        plot.Axes.SetLimits(-0.6, groups.Count - 0.4, bottom, top);
        LegendBelow(plot);
        string caption = $"Each mark is a rate ratio vs {reference} estimated once from these data, with its {level} interval; a group is flagged when " +
            $"its interval " +
                         "does not cross the dotted line at 1. " +
                         (detectors.Contains(RateRatioDetector.DetectorName) ? "The rate ratio on recorded referrals alone assumes the unrecorded " +
                             "referrals are like the recorded ones. " : "") +
                         (bounds.Count > 0 ? $"The shaded range is every rate ratio the data allow if nothing is assumed about the " +
                             $"{Pct(r.MissingShare)} unrecorded referrals (with sampling error). " : "") +
                         "The true rate ratios are unknown.";
        return [Render(plot, Stem, title, alt.ToString(), caption)];
    }

    private static string Name(string detector, DetectionResult r) => detector switch
    {
        RateRatioDetector.DetectorName => "Recorded referrals alone",
        IpwDetector.DetectorName => $"Weighted by {r.Data.Stratifier}",
        _ => Labels.Detector(detector, r.Reference),
    };

    private static string Bound(double v) => double.IsPositiveInfinity(v) ? "no upper limit" : Num(v, "0.00");
}
