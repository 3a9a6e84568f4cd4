using System.Text;
using BiasSim.Cli.Report;
using ScottPlot;
using static BiasSim.Cli.Plots.PlotTheme;

namespace BiasSim.Cli.Plots;

/// <summary>The plots of one run: detection rate per group and detector, average interval against the truth, and the
/// spread of estimates per group.</summary>
internal static class RunPlots
{
    /// <summary>95% Monte Carlo band: +-1.96 standard errors.</summary>
    public const double Z95 = 1.96;

    public static IEnumerable<RenderedPlot> Build(ResultsFolder f)
    {
        if (f.Rows.Length == 0) yield break;
        yield return Power(f);
        if (f.Rows.Any(r => r.Row.MeanLower is not null && r.Row.MeanUpper is not null && r.Row.MeanEstimate is not null)) yield return Intervals(f);
        var histograms = f.Rows.Where(r => r.Histogram is { Total: > 0 }).GroupBy(r => (r.Row.Detector, r.Attribute)).ToList();
        foreach (var set in histograms)
        {
            string stem = set.Key.Detector == Core.Detectors.RateRatioDetector.DetectorName ? "estimates" : "estimates-" + Slug(set.Key.Detector);
            if (histograms.Count > 1 && set.Key.Attribute.Length > 0 && set.Key.Attribute != Core.Scenarios.Population.Ethnicity) stem += "-" + Slug(set.Key.Attribute);
            yield return Estimates(f, set.Key.Detector, set.Key.Attribute, stem, [.. set]);
        }
    }

    /// <summary>Rows are told apart by attribute (ethnicity, religion) and group: two attributes may share a level name.</summary>
    private static (string Attribute, string Group) Key(ResultRow r) => (r.Attribute, r.Row.Group);

    private static bool SeveralAttributes(IEnumerable<ResultRow> rows) => rows.Select(r => r.Attribute).Distinct().Count() > 1;

    private static string GroupName(ResultRow r, bool severalAttributes)
    {
        string group = Labels.Group(r.Row.Group);
        return severalAttributes && r.Attribute.Length > 0 ? $"{group} ({r.Attribute})" : group;
    }

    private static string GroupTick(ResultRow r, bool severalAttributes) =>
        r.Row.TrueRateRatio is double rr ? $"{GroupName(r, severalAttributes)}\ntrue RR {Num(rr)}" : GroupName(r, severalAttributes).Replace(" (", "\n(", StringComparison.Ordinal);

    private static RenderedPlot Power(ResultsFolder f)
    {
        string title = $"{f.ScenarioName}: how often an audit flags a difference";
        Plot plot = NewPlot(title, "Group (and its true rate ratio)", "Audits that flag a difference (%)");
        bool several = SeveralAttributes(f.Rows);
        var categories = f.Rows.Select(Key).Distinct().ToList();
        var detectors = f.Rows.Select(r => r.Row.Detector).Distinct().ToList();
        string legendReference = f.Rows.Select(r => f.ReferenceFor(r.Attribute)).Distinct().Count() == 1 ? f.Reference : "";
        var alt = new StringBuilder($"Dot chart with 95% Monte Carlo error bars of the share of simulated audits that flag a difference, for scenario {f.ScenarioName}, by group and detector.");
        for (int d = 0; d < detectors.Count; d++)
        {
            var rows = f.Rows.Where(r => r.Row.Detector == detectors[d]).ToList();
            double offset = detectors.Count == 1 ? 0 : (d - (detectors.Count - 1) / 2.0) * 0.12;
            double[] xs = [.. rows.Select(r => categories.IndexOf(Key(r)) + offset)];
            double[] ys = [.. rows.Select(r => 100 * r.Row.FlagRate)];
            var bars = plot.Add.ErrorBar(xs, ys, [.. rows.Select(r => 100 * Z95 * r.Row.FlagRateSe)]);
            bars.YErrorNegative = [.. rows.Select(r => Math.Min(100 * Z95 * r.Row.FlagRateSe, 100 * r.Row.FlagRate))];
            bars.YErrorPositive = [.. rows.Select(r => Math.Min(100 * Z95 * r.Row.FlagRateSe, 100 - 100 * r.Row.FlagRate))];
            bars.Color = SeriesColor(d);
            bars.LineWidth = 1.5f;
            var markers = plot.Add.Markers(xs, ys, SeriesMarker(d), 11, SeriesColor(d));
            markers.LegendText = Labels.Detector(detectors[d], legendReference);
            alt.Append(' ').Append(Labels.Detector(detectors[d], legendReference)).Append(": ")
               .AppendJoin("; ", rows.Select(r => $"{GroupName(r, several)}{(r.Row.TrueRateRatio is double rr ? $" (true RR {Num(rr)})" : "")} {Pct(r.Row.FlagRate)}"))
               .Append('.');
        }
        if (f.Alpha is double alpha)
        {
            var line = plot.Add.HorizontalLine(100 * alpha, 1.5f, Grey, LinePattern.Dotted);
            line.LegendText = $"Alpha: the false-alarm rate allowed ({Num(100 * alpha, "0.#")}%)";
        }
        CategoryTicks(plot.Axes.Bottom, [.. categories.Select(k => GroupTick(f.Rows.First(r => Key(r) == k), several))]);
        plot.Axes.SetLimits(-0.6, categories.Count - 0.4, -3, 103);
        LegendBelow(plot);
        string caption = "Each mark is the share of simulated audits in which the detector flagged a difference for that group, with a 95% Monte Carlo band (±1.96 standard errors). " +
                         "Where the true rate ratio is not 1 this is the detection rate (power); where it is 1, every flag is a false alarm and the dotted line marks the rate alpha allows.";
        return Render(plot, "power", title, alt.ToString(), caption);
    }

    private static RenderedPlot Intervals(ResultsFolder f)
    {
        string title = $"{f.ScenarioName}: average estimate and interval against the truth";
        var rows = f.Rows.Where(r => r.Row.MeanLower is not null && r.Row.MeanUpper is not null && r.Row.MeanEstimate is not null).ToList();
        bool several = SeveralAttributes(rows);
        var references = rows.Select(r => f.ReferenceFor(r.Attribute)).Distinct().ToList();
        string reference = references is [{ Length: > 0 } only] ? only : "each reference group";
        Plot plot = NewPlot(title, "Group", $"Rate ratio vs {reference} (1 = no difference)");
        var categories = rows.Select(Key).Distinct().ToList();
        var detectors = rows.Select(r => r.Row.Detector).Distinct().ToList();
        var alt = new StringBuilder($"Chart for scenario {f.ScenarioName}: for each group, the average estimated rate ratio with its average 95% interval, beside the true rate ratio.");

        var one = plot.Add.HorizontalLine(1, 1.5f, Grey, LinePattern.Dotted);
        one.LegendText = "No difference (rate ratio 1)";
        for (int d = 0; d < detectors.Count; d++)
        {
            var dr = rows.Where(r => r.Row.Detector == detectors[d]).ToList();
            double offset = detectors.Count == 1 ? -0.08 : (d - (detectors.Count - 1) / 2.0) * 0.16 - 0.08;
            double[] xs = [.. dr.Select(r => categories.IndexOf(Key(r)) + offset)];
            double[] ys = [.. dr.Select(r => r.Row.MeanEstimate!.Value)];
            var bars = plot.Add.ErrorBar(xs, ys, [.. dr.Select(_ => 0.0)]);
            bars.YErrorNegative = [.. dr.Select(r => r.Row.MeanEstimate!.Value - r.Row.MeanLower!.Value)];
            bars.YErrorPositive = [.. dr.Select(r => r.Row.MeanUpper!.Value - r.Row.MeanEstimate!.Value)];
            bars.Color = SeriesColor(d);
            bars.LineWidth = 2f;
            bars.CapSize = 8;
            var m = plot.Add.Markers(xs, ys, SeriesMarker(d), 10, SeriesColor(d));
            m.LegendText = $"Average estimate and 95% interval ({Labels.Detector(detectors[d], references.Count == 1 ? references[0] : "")})";
            alt.AppendJoin("", dr.Select(r => $" {GroupName(r, several)}: true {Num(r.Row.TrueRateRatio ?? double.NaN)}, average estimate {Num(r.Row.MeanEstimate!.Value, "0.00")}, interval {Num(r.Row.MeanLower!.Value, "0.00")} to {Num(r.Row.MeanUpper!.Value, "0.00")}."));
        }
        var truths = rows.Where(r => r.Row.TrueRateRatio is not null).GroupBy(Key).Select(g => g.First()).ToList();
        if (truths.Count > 0)
        {
            double[] tx = [.. truths.Select(r => categories.IndexOf(Key(r)) + 0.12)], ty = [.. truths.Select(r => r.Row.TrueRateRatio!.Value)];
            var t = plot.Add.Markers(tx, ty, MarkerShape.OpenDiamond, 13, OkabeIto[2]);
            t.MarkerLineWidth = 2.5f;
            t.LegendText = "True rate ratio";
        }
        CategoryTicks(plot.Axes.Bottom, [.. categories.Select(k => GroupName(rows.First(r => Key(r) == k), several))]);
        double lo = Math.Min(1, rows.Min(r => Math.Min(r.Row.MeanLower!.Value, r.Row.TrueRateRatio ?? 1)));
        double hi = Math.Max(1, rows.Max(r => Math.Max(r.Row.MeanUpper!.Value, r.Row.TrueRateRatio ?? 1)));
        double pad = (hi - lo) * 0.08 + 0.01;
        plot.Axes.SetLimits(-0.6, categories.Count - 0.4, Math.Max(0, lo - pad), hi + pad);
        LegendBelow(plot);
        string caption = "Marks show the average estimated rate ratio over the simulated audits, bars the average 95% interval, diamonds the true rate ratio the audits should find. " +
                         "An average far from its diamond is bias: missing or officer-assigned data moving the answer, not just blurring it.";
        return Render(plot, "interval", title, alt.ToString(), caption);
    }

    private static RenderedPlot Estimates(ResultsFolder f, string detector, string attribute, string stem, IReadOnlyList<ResultRow> rows)
    {
        string by = attribute.Length > 0 && attribute != Core.Scenarios.Population.Ethnicity ? $" ({attribute})" : "";
        string title = $"{f.ScenarioName}: spread of the estimates over the audits{by}";
        Plot plot = NewPlot(title, "Estimated rate ratio (log scale; 1 = no difference)", "Group");
        var alt = new StringBuilder($"Histograms, one per group, of the rate ratio estimated in each simulated audit for scenario {f.ScenarioName} ({Labels.Detector(detector, f.ReferenceFor(attribute))}), with the true rate ratio marked.");

        // Show the bins that hold estimates, the truths and 1, on a log10 axis.
        double minLog = 0, maxLog = 0;
        foreach (ResultRow r in rows)
        {
            EstimateDistribution h = r.Histogram!;
            int first = h.Counts.ToList().FindIndex(c => c > 0), last = h.Counts.ToList().FindLastIndex(c => c > 0);
            minLog = Math.Min(minLog, Math.Log10(h.BinEdges[first]));
            maxLog = Math.Max(maxLog, Math.Log10(h.BinEdges[last + 1]));
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
                double left = Math.Log10(h.BinEdges[b]), right = Math.Log10(h.BinEdges[b + 1]);
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
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "Audits per estimate (scaled to each group's peak)", FillColor = LightGrey, OutlineColor = Grey, OutlineWidth = 0.5f });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "True rate ratio", LineColor = OkabeIto[0], LineWidth = 2.5f });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "No difference (rate ratio 1)", LineColor = Grey, LineWidth = 1.5f, LinePattern = LinePattern.Dotted });

        var groupTicks = new ScottPlot.TickGenerators.NumericManual();
        for (int k = 0; k < rows.Count; k++) groupTicks.AddMajor(rows.Count - 1 - k + 0.35, rows[k].Row.Group);
        plot.Axes.Left.TickGenerator = groupTicks;
        plot.Grid.YAxisStyle.IsVisible = false; // group rows, not values: horizontal lines would cut the histograms
        RateRatioTicks(plot.Axes.Bottom, minLog - padLog, maxLog + padLog);
        plot.Axes.SetLimits(minLog - padLog, maxLog + padLog, -0.1, rows.Count);
        LegendBelow(plot);
        string caption = "Each row is one group's histogram of the rate ratio estimated in each simulated audit (bars scaled to the group's tallest); the solid line marks the true rate ratio. " +
                         "A wide spread means one real audit could land far from the truth; a peak away from the line means the data are biased.";
        return Render(plot, stem, title, alt.ToString(), caption);
    }

    /// <summary>5th, 50th and 95th percentiles, interpolated on the log scale within the bin.</summary>
    public static (double P5, double P50, double P95) Quantiles(EstimateDistribution h)
    {
        double total = h.Total;
        double At(double q)
        {
            double target = q * total, cumulative = 0;
            for (int b = 0; b < h.Counts.Length; b++)
            {
                if (h.Counts[b] > 0 && cumulative + h.Counts[b] >= target)
                {
                    double frac = (target - cumulative) / h.Counts[b];
                    return Math.Exp(Math.Log(h.BinEdges[b]) + frac * (Math.Log(h.BinEdges[b + 1]) - Math.Log(h.BinEdges[b])));
                }
                cumulative += h.Counts[b];
            }
            return h.BinEdges[^1];
        }
        return (At(0.05), At(0.5), At(0.95));
    }
}
