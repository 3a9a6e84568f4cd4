using System.Text;
using BiasSim.Cli.Report;
using BiasSim.Core.Diagnosands;
using ScottPlot;
using static BiasSim.Cli.Plots.PlotTheme;
using McInterval = BiasSim.Core.Diagnosands.McInterval;

namespace BiasSim.Cli.Plots;

/// <summary>The plots of one run: detection rate per group and detector, average interval against the truth, and the
/// spread of estimates per group.</summary>
internal static class RunPlots
{
    /// <summary>95% Monte Carlo band: +-1.96 standard errors.</summary>
    public const double Z95 = 1.96;

    public static IEnumerable<RenderedPlot> Build(ResultsFolder f)
    {
        // One set of plots per protected attribute (ethnicity, religion): each has its own groups and reference.
        var attributes = f.Rows.GroupBy(r => r.Attribute).ToList();
        foreach (var attribute in attributes)
        {
            string suffix = IsPrimary(attribute.Key) ? "" : "-" + Slug(attribute.Key);
            string by = IsPrimary(attribute.Key) ? "" : $" (by {attribute.Key})";
            var rows = attribute.ToList();
            var judged = rows.Where(r => Output.Verdicts.IsJudged(r.Row)).ToList();
            if (judged.Count > 0)
            {
                var bars = judged.Select(r => ($"{Labels.Detector(r.Row.Detector, f.ReferenceFor(r.Attribute))}:\n{Labels.Group(r.Row.Group)}", r.Row))
                    .ToList();
                yield return OutcomePlots.Draw("outcomes" + suffix, $"{f.ScenarioName}: what 100 audits would conclude{by}", "Detector and group", bars,
                    $"Stacked bar chart for scenario {f.ScenarioName}{by}: for each detector and group, how many of 100 simulated audits are correct, " +
                    "misestimated, wrong in direction, missed, false alarms or cannot be measured.");
            }
            var between = judged.Where(r => Labels.EstimatesRateRatios(r.Row.Detector)).ToList();
            if (between.Count > 0) yield return Power(f, between, "power" + suffix, by);
            foreach (var other in judged.Where(r => !Labels.EstimatesRateRatios(r.Row.Detector)).GroupBy(r => r.Row.Detector))
            {
                yield return Power(f, [.. other], $"power-{Slug(other.Key)}{suffix}", $"{by}: {Labels.Detector(other.Key, "").ToLowerInvariant()}");
            }
            var withIntervals = rows.Where(r => r.Row.MeanLower is not null && r.Row.MeanUpper is not null && r.Row.MeanEstimate is not null
                && Labels.EstimatesRateRatios(r.Row.Detector)).ToList();
            if (withIntervals.Count > 0) yield return Intervals(f, withIntervals, "interval" + suffix, by);
            var withEstimates = rows.Where(r => r.Histogram is { } h && h.Counts.Sum() > 0 && Labels.EstimatesRateRatios(r.Row.Detector));
            foreach (var set in withEstimates.GroupBy(r => r.Row.Detector))
            {
                string stem = (set.Key == Core.Detectors.RateRatioDetector.DetectorName ? "estimates" : "estimates-" + Slug(set.Key)) + suffix;
                yield return Estimates(f, set.Key, attribute.Key, stem, by, [.. set]);
            }
        }
    }

    private static bool IsPrimary(string attribute) => attribute.Length == 0 || attribute == Core.Scenarios.Population.Ethnicity;

    /// <summary>A group the audit could not measure in most replicates (no recorded referral carries it): its flag rate of
    /// 0 means "never seen", not "no difference", so it gets its own mark.</summary>
    private static bool Unmeasurable(ResultRow r) => r.Row.NotEstimableRate >= 0.5;

    private static string GroupTick(ResultRow r, bool crowded)
    {
        string group = Labels.GroupTick(r.Row.Group, crowded);
        return r.Row.TrueRateRatio is double rr ? $"{group}\n{(Labels.EstimatesRateRatios(r.Row.Detector) ? "true RR" : "true")} {Num(rr)}" : group;
    }

    private static RenderedPlot Power(ResultsFolder f, List<ResultRow> all, string stem, string by)
    {
        string title = $"{f.ScenarioName}: how often an audit gets the answer right{by}";
        bool rateRatios = all.All(r => Labels.EstimatesRateRatios(r.Row.Detector));
        Plot plot = NewPlot(title, rateRatios ? "Group (and its true rate ratio)" : "Stratum (and its true ratio)", "Audits that are correct (%)");
        var categories = all.Select(r => r.Row.Group).Distinct().ToList();
        var detectors = all.Select(r => r.Row.Detector).Distinct().ToList();
        string reference = f.ReferenceFor(all[0].Attribute);
        var alt = new StringBuilder("Dot chart with 95% Monte Carlo intervals of the share of simulated audits that get the answer right (right direction " +
            $"and an interval holding the truth, or no flag where there is no difference), for scenario {f.ScenarioName}{by}, by group and detector.");
        var unmeasurable = new List<double>();
        for (int d = 0; d < detectors.Count; d++)
        {
            var rows = all.Where(r => r.Row.Detector == detectors[d]).ToList();
            double offset = detectors.Count == 1 ? 0 : (d - (detectors.Count - 1) / 2.0) * 0.12;
            double X(ResultRow r) => categories.IndexOf(r.Row.Group) + offset;
            var measured = rows.Where(r => !Unmeasurable(r)).ToList();
            unmeasurable.AddRange(rows.Where(Unmeasurable).Select(X));
            string label = Labels.Detector(detectors[d], reference);
            if (measured.Count > 0)
            {
                double[] xs = [.. measured.Select(X)];
                double[] ys = [.. measured.Select(r => 100 * r.Row.CorrectRate!.Value)];
                var wilson = measured.Select(r => McInterval.WilsonOfShare(r.Row.CorrectRate!.Value, r.Row.Replicates)).ToList();
                var bars = plot.Add.ErrorBar(xs, ys, [.. wilson.Select(_ => 0.0)]);
                bars.YErrorNegative = [.. measured.Select((r, i) => 100 * (r.Row.CorrectRate!.Value - wilson[i].Lower))];
                bars.YErrorPositive = [.. measured.Select((r, i) => 100 * (wilson[i].Upper - r.Row.CorrectRate!.Value))];
                bars.Color = SeriesColor(d);
                bars.LineWidth = 1.5f;
                var markers = plot.Add.Markers(xs, ys, SeriesMarker(d), 11, SeriesColor(d));
                markers.LegendText = label;
            }
            alt.Append(' ').Append(label).Append(": ")
               .AppendJoin("; ", rows.Select(r => $"{Labels.Group(r.Row.Group)}{(r.Row.TrueRateRatio is double rr ? $" (true RR {Num(rr)})" : "")} " +
                                                  (Unmeasurable(r) ? $"cannot be measured in {Pct(r.Row.NotEstimableRate)} of audits"
                                                      : $"correct in {Pct(r.Row.CorrectRate!.Value)}")))
               .Append('.');
        }
        // A group that cannot be measured has no share correct to plot: it is named as such, never drawn at 0%.
        foreach (double x in unmeasurable)
        {
            var text = plot.Add.Text("cannot be\nmeasured", x, 50);
            text.LabelFontColor = Grey;
            text.LabelFontSize = 12;
            text.LabelAlignment = Alignment.MiddleCenter;
        }
        if (f.Alpha is double alpha)
        {
            var line = plot.Add.HorizontalLine(100 * (1 - alpha), 1.5f, Grey, LinePattern.Dotted);
            line.LegendText = $"1 - alpha: the share correct expected where there is no difference ({Num(100 * (1 - alpha), "0.#")}%)";
        }
        bool crowded = categories.Count > 6;
        CategoryTicks(plot.Axes.Bottom, [.. categories.Select(g => GroupTick(all.First(r => r.Row.Group == g), crowded))]);
        plot.Axes.SetLimits(-0.6, categories.Count - 0.4, -3, 103);
        LegendBelow(plot);
        string caption = "Each mark is the share of simulated audits that got the answer right for that group, with a 95% Monte Carlo interval (Wilson). " +
                         "Where the true rate ratio is not 1, right means flagged in the true direction with an interval that holds the true rate ratio; " +
                         "where it is 1, right means nothing flagged, and the dotted line marks the share alpha leaves. A flag in the wrong direction or of " +
                         "the wrong size is not counted." +
                         (unmeasurable.Count > 0 ? " Groups marked \"cannot be measured\" have no recorded referral to compare in most audits." : "");
        return Render(plot, stem, title, alt.ToString(), caption);
    }

    /// <summary>log10 of a rate ratio, for the log-scale axes (a non-positive bound is drawn at 0.001).</summary>
    private static double Log(double rr) => Math.Log10(Math.Max(rr, 1e-3));

    private static RenderedPlot Intervals(ResultsFolder f, List<ResultRow> rows, string stem, string by)
    {
        string title = $"{f.ScenarioName}: average estimate and interval against the truth{by}";
        string reference = f.ReferenceFor(rows[0].Attribute) is { Length: > 0 } r0 ? r0 : "the reference group";
        // Rate ratios on a log scale: 0.5 and 2 are equally far from 1, and wide bounds do not flatten the rest.
        Plot plot = NewPlot(title, "Group", $"Rate ratio vs {reference} (log scale; 1 = no difference)");
        var categories = rows.Select(r => r.Row.Group).Distinct().ToList();
        var detectors = rows.Select(r => r.Row.Detector).Distinct().ToList();
        var alt = new StringBuilder($"Chart for scenario {f.ScenarioName}{by}: for each group and detector, the average estimated rate ratio with its " +
            "average interval, beside the true rate ratio.");

        var one = plot.Add.HorizontalLine(0, 1.5f, Grey, LinePattern.Dotted);
        one.LegendText = "No difference (rate ratio 1)";
        double step = detectors.Count == 1 ? 0 : Math.Min(0.16, 0.6 / detectors.Count);
        for (int d = 0; d < detectors.Count; d++)
        {
            var dr = rows.Where(r => r.Row.Detector == detectors[d]).ToList();
            double offset = (d - (detectors.Count - 1) / 2.0) * step - 0.08;
            double[] xs = [.. dr.Select(r => categories.IndexOf(r.Row.Group) + offset)];
            double[] ys = [.. dr.Select(r => Log(r.Row.MeanEstimate!.Value))];
            var bars = plot.Add.ErrorBar(xs, ys, [.. dr.Select(_ => 0.0)]);
            bars.YErrorNegative = [.. dr.Select(r => Math.Max(0, Log(r.Row.MeanEstimate!.Value) - Log(r.Row.MeanLower!.Value)))];
            bars.YErrorPositive = [.. dr.Select(r => Math.Max(0, Log(r.Row.MeanUpper!.Value) - Log(r.Row.MeanEstimate!.Value)))];
            bars.Color = SeriesColor(d);
            bars.LineWidth = 2f;
            bars.CapSize = 8;
            var m = plot.Add.Markers(xs, ys, SeriesMarker(d), 10, SeriesColor(d));
            m.LegendText = detectors.Count == 1 ? "Average estimate and interval" : $"{Labels.Detector(detectors[d], reference)}: average and interval";
            alt.Append(' ').Append(Labels.Detector(detectors[d], reference)).Append(':')
               .AppendJoin("",
                   dr.Select(r => $" {Labels.Group(r.Row.Group)}: true {Num(r.Row.TrueRateRatio ?? double.NaN)}, average estimate " +
                       $"{Num(r.Row.MeanEstimate!.Value, "0.00")}, interval {Num(r.Row.MeanLower!.Value, "0.00")} to {Num(r.Row.MeanUpper!.Value, "0.00")}."));
        }
        var truths = rows.Where(r => r.Row.TrueRateRatio is not null).GroupBy(r => r.Row.Group).Select(g => g.First()).ToList();
        if (truths.Count > 0)
        {
            double[] tx = [.. truths.Select(r => categories.IndexOf(r.Row.Group) + 0.38)], ty = [.. truths.Select(r => Log(r.Row.TrueRateRatio!.Value))];
            var t = plot.Add.Markers(tx, ty, TruthMarker, 13, OkabeIto[2]);
            t.MarkerLineWidth = 2.5f;
            t.LegendText = "True rate ratio";
        }
        CategoryTicks(plot.Axes.Bottom, [.. categories.Select(g => Labels.GroupTick(g, categories.Count > 6))]);
        double lo = Math.Min(0, rows.Min(r => Math.Min(Log(r.Row.MeanLower!.Value), Log(r.Row.TrueRateRatio ?? 1))));
        double hi = Math.Max(0, rows.Max(r => Math.Max(Log(r.Row.MeanUpper!.Value), Log(r.Row.TrueRateRatio ?? 1))));
        double pad = (hi - lo) * 0.08 + 0.01;
        RateRatioTicks(plot.Axes.Left, lo - pad, hi + pad);
        plot.Axes.SetLimits(-0.6, categories.Count - 0.4, lo - pad, hi + pad);
        LegendBelow(plot);
        string confidence = f.Alpha is double a ? Num(100 * (1 - a), "0.##") + "%" : "the detector's confidence level";
        string caption = $"Marks show the average estimated rate ratio over the simulated audits, bars the average interval ({confidence}; for bounds, the " +
                         "range the data allow), " +
                         "diamonds the true rate ratio the audits should find. An average far from its diamond is bias: missing or officer-assigned data " +
                         "moving the answer, not just blurring it.";
        return Render(plot, stem, title, alt.ToString(), caption);
    }

    private static RenderedPlot Estimates(ResultsFolder f, string detector, string attribute, string stem, string by, IReadOnlyList<ResultRow> rows)
    {
        string title = $"{f.ScenarioName}: spread of the estimates over the audits{by}";
        Plot plot = NewPlot(title, "Estimated rate ratio (log scale; 1 = no difference)", "Group");
        var alt = new StringBuilder($"Histograms, one per group, of the rate ratio estimated in each simulated audit for scenario {f.ScenarioName} " +
            $"({Labels.Detector(detector, f.ReferenceFor(attribute))}), with the true rate ratio marked.");

        // Show the bins that hold estimates, the truths and 1, on a log10 axis.
        double minLog = 0, maxLog = 0;
        foreach (ResultRow r in rows)
        {
            EstimateDistribution h = r.Histogram!;
            int first = h.Counts.ToList().FindIndex(c => c > 0), last = h.Counts.ToList().FindLastIndex(c => c > 0);
            minLog = Math.Min(minLog, Math.Log10(h.Edges[first]));
            maxLog = Math.Max(maxLog, Math.Log10(h.Edges[last + 1]));
            if (r.Row.TrueRateRatio is double rr) { minLog = Math.Min(minLog, Math.Log10(rr)); maxLog = Math.Max(maxLog, Math.Log10(rr)); }
        }
        double padLog = (maxLog - minLog) * 0.04 + 0.005;

        var legendBars = new List<Bar>();
        for (int k = 0; k < rows.Count; k++)
        {
            ResultRow r = rows[k];
            EstimateDistribution h = r.Histogram!;
            double baseline = rows.Count - 1 - k;
            long peak = h.Counts.Max();
            var bars = new List<Bar>();
            for (int b = 0; b < h.Counts.Length; b++)
            {
                if (h.Counts[b] == 0) continue;
                double left = Math.Log10(h.Edges[b]), right = Math.Log10(h.Edges[b + 1]);
                bars.Add(new Bar
                {
                    Position = (left + right) / 2, Size = right - left, ValueBase = baseline, Value = baseline + 0.8 * h.Counts[b] / peak,
                    FillColor = LightGrey, LineColor = Grey, LineWidth = 0.5f,
                });
            }
            plot.Add.Bars(bars);
            if (r.Row.TrueRateRatio is double rr)
            {
                var truth = plot.Add.Line(Math.Log10(rr), baseline, Math.Log10(rr), baseline + 0.92);
                truth.LineWidth = 2.5f;
                truth.LineColor = OkabeIto[0];
                truth.MarkerShape = MarkerShape.None;
            }
            var (p5, p50, p95) = Quantiles(h);
            alt.Append(' ').Append(r.Row.Group).Append(r.Row.TrueRateRatio is double t ? $" (true {Num(t)})" : "")
               .Append($": median {Num(p50, "0.00")}, 90% of audits between {Num(p5, "0.00")} and {Num(p95, "0.00")}.");
        }
        plot.Add.VerticalLine(0, 1.5f, Grey, LinePattern.Dotted);
        plot.Legend.ManualItems.Add(new LegendItem
        {
            LabelText = "Audits per estimate (scaled to each group's peak)", FillColor = LightGrey,
            OutlineColor = Grey, OutlineWidth = 0.5f
        });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "True rate ratio", LineColor = OkabeIto[0], LineWidth = 2.5f });
        plot.Legend.ManualItems.Add(new LegendItem
        {
            LabelText = "No difference (rate ratio 1)", LineColor = Grey, LineWidth = 1.5f,
            LinePattern = LinePattern.Dotted
        });

        var groupTicks = new ScottPlot.TickGenerators.NumericManual();
        for (int k = 0; k < rows.Count; k++) groupTicks.AddMajor(rows.Count - 1 - k + 0.35, rows[k].Row.Group);
        plot.Axes.Left.TickGenerator = groupTicks;
        plot.Grid.YAxisStyle.IsVisible = false; // group rows, not values: horizontal lines would cut the histograms
        RateRatioTicks(plot.Axes.Bottom, minLog - padLog, maxLog + padLog);
        plot.Axes.SetLimits(minLog - padLog, maxLog + padLog, -0.1, rows.Count);
        LegendBelow(plot);
        string caption = "Each row is one group's histogram of the rate ratio estimated in each simulated audit (bars scaled to the group's tallest); the " +
                         "solid line marks the true rate ratio. " +
                         "A wide spread means one real audit could land far from the truth; a peak away from the line means the data are biased.";
        return Render(plot, stem, title, alt.ToString(), caption);
    }

    /// <summary>5th, 50th and 95th percentiles, interpolated on the log scale within the bin.</summary>
    public static (double P5, double P50, double P95) Quantiles(EstimateDistribution h)
    {
        double total = h.Counts.Sum();
        double At(double q)
        {
            double target = q * total, cumulative = 0;
            for (int b = 0; b < h.Counts.Length; b++)
            {
                if (h.Counts[b] > 0 && cumulative + h.Counts[b] >= target)
                {
                    double frac = (target - cumulative) / h.Counts[b];
                    return Math.Exp(Math.Log(h.Edges[b]) + frac * (Math.Log(h.Edges[b + 1]) - Math.Log(h.Edges[b])));
                }
                cumulative += h.Counts[b];
            }
            return h.Edges[^1];
        }
        return (At(0.05), At(0.5), At(0.95));
    }
}
