using System.Collections.Immutable;
using System.Text;
using BiasSim.Cli.Report;
using ScottPlot;
using static BiasSim.Cli.Plots.PlotTheme;

namespace BiasSim.Cli.Plots;

/// <summary>The plots of a sweep (detection rate against one swept parameter, or a heatmap over two) and of MDRR results
/// across a swept parameter.</summary>
internal static class SweepPlots
{
    /// <summary>One line: a detector and group (and attribute) followed across the design points.</summary>
    private sealed record Series(string Detector, string Group, string Attribute, List<SweepPoint> Points);

    /// <summary>The parameters that take more than one value, by index into <see cref="ResultsFolder.SweepParameters"/>.</summary>
    public static List<int> Varying(IReadOnlyList<string> parameters, IEnumerable<ImmutableArray<string>> values)
    {
        var list = values.ToList();
        return [.. Enumerable.Range(0, parameters.Count).Where(p => list.Select(v => v[p]).Distinct().Count() > 1)];
    }

    /// <summary>Draws a finished sweep's plots into DIR/plots, as <c>biassim report</c> would; a graphics library
    /// that cannot load is a warning, since the results are already written.</summary>
    public static void WriteFor(ResultsFolder results, TextWriter stdout, TextWriter stderr)
    {
        IReadOnlyList<RenderedPlot> plots = ReportWriter.TryDrawPlots(results, stderr, out _);
        if (plots.Count == 0) return;
        string plotsFolder = Path.Combine(results.Folder, PlotSet.FolderName);
        PlotSet.Write(plots, plotsFolder);
        stdout.WriteLine($"Wrote {plots.Count} plot(s) to {plotsFolder} (PNG and SVG)");
    }

    public static IEnumerable<RenderedPlot> Build(ResultsFolder f)
    {
        if (f.SweepPoints.Length > 0)
        {
            List<int> varying = Varying(f.SweepParameters, f.SweepPoints.Select(p => p.Values));
            // Only rows whose audits are judged have a share correct to plot (tipping-point's flags are not findings).
            List<Series> series = [.. f.SweepPoints
                .Where(p => Output.Verdicts.IsJudged(p.Result.Row))
                .GroupBy(p => (p.Result.Row.Detector, p.Result.Row.Group, p.Result.Attribute))
                .Select(g => new Series(g.Key.Detector, g.Key.Group, g.Key.Attribute, [.. g]))];
            if (series.Count > 0 && Outcomes(f, varying, series) is { } outcomes) yield return outcomes;
            if (series.Count == 0) yield break;
            if (varying.Count == 1 && Numeric(f.SweepPoints.Select(p => p.Values[varying[0]])))
            {
                yield return PowerLines(f, varying[0], series);
            }
            else if (varying.Count == 2 && Numeric(f.SweepPoints.Select(p => p.Values[varying[0]])) && Numeric(f.SweepPoints.Select(p => p.Values[varying[1]])))
            {
                foreach (Series s in series) yield return Heatmap(f, varying[0], varying[1], s);
            }
            else if (varying.Count == 3 && Numeric(f.SweepPoints.Select(p => p.Values[varying[0]])) && Numeric(f.SweepPoints.Select(p => p.Values[varying[1]])))
            {
                foreach (Series s in series) yield return SmallMultiples(f, varying[0], varying[1], varying[2], s);
            }
        }
        if (f.MdrrRows.Length > 0 && MdrrAxis(f) is int axis) yield return Mdrr(f, axis);
    }

    /// <summary>What 100 audits conclude at each design point, for the series the sweep's headline follows: the first
    /// per-group rate-ratio series with a true difference, else the first per-group series.</summary>
    private static RenderedPlot? Outcomes(ResultsFolder f, List<int> varying, List<Series> series)
    {
        var perGroup = series.Where(s => !Labels.IsSummaryRow(s.Group)).ToList();
        Series? s = perGroup.FirstOrDefault(x => x.Detector == Core.Detectors.RateRatioDetector.DetectorName
            && x.Points.Any(p => Output.Verdicts.HasEffect(p.Result.Row)))
                    ?? perGroup.FirstOrDefault(x => x.Detector == Core.Detectors.RateRatioDetector.DetectorName) ?? perGroup.FirstOrDefault();
        if (s is null) return null;
        var points = s.Points;
        if (varying.Count >= 1 && Numeric(points.Select(p => p.Values[varying[0]]))) points = [.. points.OrderBy(p => p.Number(varying[0]))];
        var shown = varying.Count > 0 ? varying : [.. Enumerable.Range(0, f.SweepParameters.Length)];
        // One line per parameter reads best, but with many bars the lines collide: then the values alone, on one line,
        // with the parameters named once in the axis label.
        bool compact = points.Count * shown.Count > 24;
        string Label(SweepPoint p) => compact
            ? string.Join(", ", shown.Select(i => Labels.Value(f.SweepParameters[i], p.Values[i])))
            : string.Join("\n", shown.Select(i => $"{ShortParameter(f, f.SweepParameters[i])} {Labels.Value(f.SweepParameters[i], p.Values[i])}"));
        string axis = compact ? $"Design point ({string.Join(", ", shown.Select(i => ShortParameter(f, f.SweepParameters[i]).TrimEnd(':')))})" : "Design point";
        string who = SeriesLabel(f, s, withTruth: true);
        return OutcomePlots.Draw($"sweep-outcomes-{Slug(s.Detector)}-{Slug(s.Group)}", $"{f.ScenarioName}: what 100 audits conclude, {who}", axis,
            [.. points.Select(p => (Label(p), p.Result.Row))],
            $"Stacked bar chart for scenario {f.ScenarioName}, {who}: at each design point, how many of 100 simulated audits are correct, misestimated, " +
            "wrong in direction, missed, false alarms or cannot be measured.");
    }

    /// <summary>A swept parameter's name short enough for a bar's tick label.</summary>
    private static string ShortParameter(ResultsFolder f, string path)
    {
        string label = Labels.Parameter(path, f.Reference).Split(" (")[0];
        string[] parts = path.Split('.');
        if (label.Length > 24 && parts is ["referrals", "rate_ratios", var group]) return $"true RR {group}:";
        return label.Length <= 24 ? label + ":" : parts[^1] + ":";
    }

    private static bool Numeric(IEnumerable<string> values) => values.All(v => ResultsFolder.ParseNumber(v) is not null);

    private static string SeriesLabel(ResultsFolder f, Series s, bool withTruth)
    {
        string detector = Labels.Detector(s.Detector, f.ReferenceFor(s.Attribute));
        string who = s.Group == "all" ? detector : $"{Labels.Group(s.Group)} ({detector})";
        if (s.Attribute.Length > 0 && s.Attribute != Core.Scenarios.Population.Ethnicity) who += $" [{s.Attribute}]";
        var truths = s.Points.Select(p => p.Result.Row.TrueRateRatio).Distinct().ToList();
        return withTruth && truths is [double rr] ? $"{who}, true RR {Num(rr)}" : who;
    }

    private static RenderedPlot PowerLines(ResultsFolder f, int parameter, List<Series> series)
    {
        string path = f.SweepParameters[parameter];
        string xLabel = Labels.Parameter(path, f.Reference);
        string title = $"{f.ScenarioName}: audits that get the answer right, across the sweep";
        Plot plot = NewPlot(title, xLabel, "Audits that are correct (%)");
        var alt = new StringBuilder($"Line chart for scenario {f.ScenarioName}: the share of simulated audits that get the answer right (with 95% Monte " +
            $"Carlo intervals) against {xLabel.ToLowerInvariant()}, one line per detector and group; points where the group cannot be measured in most " +
            "audits are left out and named.");
        var unmeasurable = new List<(double X, string Label)>();
        for (int i = 0; i < series.Count; i++)
        {
            var all = series[i].Points.OrderBy(p => p.Number(parameter)).ToList();
            // Where most audits cannot measure the group there is no share correct to draw: never draw it as 0%.
            var pts = all.Where(p => p.Result.Row.NotEstimableRate < 0.5).ToList();
            unmeasurable.AddRange(all.Except(pts).Select(p => (Labels.Scale(path, p.Number(parameter)!.Value), SeriesLabel(f, series[i], withTruth: false))));
            double[] xs = [.. pts.Select(p => Labels.Scale(path, p.Number(parameter)!.Value))];
            double[] ys = [.. pts.Select(p => 100 * p.Result.Row.CorrectRate!.Value)];
            var wilson = pts.Select(p => Core.Diagnosands.McInterval.WilsonOfShare(p.Result.Row.CorrectRate!.Value, p.Result.Row.Replicates)).ToList();
            double[] lo = [.. wilson.Select(w => 100 * w.Lower)];
            double[] hi = [.. wilson.Select(w => 100 * w.Upper)];
            if (xs.Length > 1)
            {
                var band = plot.Add.FillY(xs, lo, hi);
                band.FillColor = SeriesColor(i).WithAlpha(0.18);
                band.LineWidth = 0;
                band.MarkerShape = MarkerShape.None;
            }
            var line = plot.Add.Scatter(xs, ys, SeriesColor(i));
            line.LinePattern = SeriesPattern(i);
            line.LineWidth = 2;
            line.MarkerShape = SeriesMarker(i);
            line.MarkerSize = 9;
            line.LegendText = SeriesLabel(f, series[i], withTruth: true);
            alt.Append(' ').Append(SeriesLabel(f, series[i], withTruth: true)).Append(": ")
               .AppendJoin(", ", all.Select(p => $"{Labels.Value(path, p.Values[parameter])} gives " +
                   (p.Result.Row.NotEstimableRate >= 0.5 ? "cannot be measured" : Pct(p.Result.Row.CorrectRate!.Value) + " correct"))).Append('.');
        }
        foreach (var group in unmeasurable.GroupBy(u => u.X))
        {
            var text = plot.Add.Text("cannot be\nmeasured", group.Key, 50);
            text.LabelFontColor = Grey;
            text.LabelFontSize = 11;
            text.LabelAlignment = Alignment.MiddleCenter;
        }
        if (f.Alpha is double alpha)
        {
            var a = plot.Add.HorizontalLine(100 * (1 - alpha), 1.5f, Grey, LinePattern.Dotted);
            a.LegendText = $"1 - alpha: correct share expected with no difference ({Num(100 * (1 - alpha), "0.#")}%)";
        }
        plot.Axes.SetLimitsY(-3, 103);
        LegendBelow(plot);
        string caption = $"How often a simulated audit gets the answer right as {xLabel.ToLowerInvariant()} changes, with 95% Monte Carlo intervals " +
                         "(Wilson). " +
                         "Right means flagged in the true direction with an interval holding the true rate ratio, or, at a true rate ratio of 1, nothing " +
                         "flagged. " +
                         "Flags in the wrong direction or of the wrong size do not count.";
        return Render(plot, "sweep-power", title, alt.ToString(), caption);
    }

    private static RenderedPlot Heatmap(ResultsFolder f, int px, int py, Series s)
    {
        string xPath = f.SweepParameters[px], yPath = f.SweepParameters[py];
        double[] xv = [.. s.Points.Select(p => p.Number(px)!.Value).Distinct().Order()];
        double[] yv = [.. s.Points.Select(p => p.Number(py)!.Value).Distinct().Order()];
        string who = SeriesLabel(f, s, withTruth: false);
        string title = $"{f.ScenarioName}: audits correct, {who}";
        Plot plot = NewPlot(title, Labels.Parameter(xPath, f.Reference), Labels.Parameter(yPath, f.Reference));
        var values = new double[yv.Length, xv.Length];
        for (int r = 0; r < yv.Length; r++) for (int c = 0; c < xv.Length; c++) values[r, c] = double.NaN;
        var alt = new StringBuilder($"Heatmap for scenario {f.ScenarioName}, {who}: the share of simulated audits that get the answer right for each " +
            $"combination of {Labels.Parameter(xPath, f.Reference).ToLowerInvariant()} and {Labels.Parameter(yPath, f.Reference).ToLowerInvariant()}; every " +
            "cell is labelled with its percentage.");
        foreach (SweepPoint p in s.Points)
        {
            int c = Array.IndexOf(xv, p.Number(px)!.Value), r = Array.IndexOf(yv, p.Number(py)!.Value);
            // Row 0 of the intensities is drawn at the top; put the smallest y value at the bottom.
            // A cell the audit cannot measure in most replicates stays empty (NaN) and is labelled so, never coloured as 0%.
            values[yv.Length - 1 - r, c] = p.Result.Row.NotEstimableRate >= 0.5 ? double.NaN : 100 * p.Result.Row.CorrectRate!.Value;
        }
        var unmeasured = s.Points.Where(p => p.Result.Row.NotEstimableRate >= 0.5)
            .Select(p => (Array.IndexOf(xv, p.Number(px)!.Value), Array.IndexOf(yv, p.Number(py)!.Value))).ToHashSet();
        // A group no audit can measure anywhere leaves every cell empty: ScottPlot cannot scale a heatmap of NaN alone, and
        // a colour scale would describe nothing, so the grid is drawn with its "n/m" labels only.
        if (values.Cast<double>().Any(double.IsFinite))
        {
            var map = plot.Add.Heatmap(values);
            map.Colormap = new ScottPlot.Colormaps.Viridis();
            map.ManualRange = new ScottPlot.Range(0, 100);
            map.Rectangle = new CoordinateRect(-0.5, xv.Length - 0.5, -0.5, yv.Length - 0.5); // the outer edges of the cells
            map.NaNCellColor = ScottPlot.Colors.White;
            var bar = plot.Add.ColorBar(map);
            bar.Label = "Audits that are correct (%)";
        }
        for (int r = 0; r < yv.Length; r++)
        {
            for (int c = 0; c < xv.Length; c++)
            {
                double v = values[yv.Length - 1 - r, c];
                if (unmeasured.Contains((c, r)))
                {
                    var none = plot.Add.Text("n/m", c, r);
                    none.Alignment = Alignment.MiddleCenter;
                    none.LabelFontColor = Grey;
                    alt.Append($" {Labels.Value(xPath, Raw(xv[c]))} and {Labels.Value(yPath, Raw(yv[r]))}: cannot be measured.");
                    continue;
                }
                if (double.IsNaN(v)) continue;
                var text = plot.Add.Text($"{v:0}%", c, r);
                text.Alignment = Alignment.MiddleCenter;
                text.LabelFontSize = xv.Length * yv.Length > 80 ? 9 : 12;
                text.LabelBold = true;
                // Viridis is dark below about 55%: white text there, black above.
                text.LabelFontColor = v < 55 ? ScottPlot.Colors.White : ScottPlot.Colors.Black;
                alt.Append($" {Labels.Value(xPath, Raw(xv[c]))} and {Labels.Value(yPath, Raw(yv[r]))}: {v:0}%.");
            }
        }
        CategoryTicks(plot.Axes.Bottom, [.. xv.Select(x => Labels.Value(xPath, Raw(x)))]);
        CategoryTicks(plot.Axes.Left, [.. yv.Select(y => Labels.Value(yPath, Raw(y)))]);
        plot.Axes.SetLimits(-0.5, xv.Length - 0.5, -0.5, yv.Length - 0.5);
        plot.HideGrid();
        string caption = $"Each cell is the share of simulated audits that get the answer right for {who} (right direction with an interval holding the " +
                         "truth, " +
                         "or no flag where there is no difference); darker cells are right less often. Percentages are printed in every cell; \"n/m\" marks " +
                         "a cell the audit cannot measure in most replicates.";
        return Render(plot,
            $"heatmap-{Slug(s.Detector)}-{Slug(s.Group)}" +
            $"{(s.Attribute.Length > 0 && s.Attribute != Core.Scenarios.Population.Ethnicity ? "-" + Slug(s.Attribute) : "")}",
            title, alt.ToString(), caption);
    }

    /// <summary>
    /// A sweep over three parameters: one heatmap panel per value of the third, side by side in one figure with a shared
    /// y axis and colour scale, so the panels compare at a glance. Panels sit one empty column apart on a common x axis.
    /// </summary>
    private static RenderedPlot SmallMultiples(ResultsFolder f, int px, int py, int pz, Series s)
    {
        string xPath = f.SweepParameters[px], yPath = f.SweepParameters[py], zPath = f.SweepParameters[pz];
        double[] xv = [.. s.Points.Select(p => p.Number(px)!.Value).Distinct().Order()];
        double[] yv = [.. s.Points.Select(p => p.Number(py)!.Value).Distinct().Order()];
        bool zNumeric = Numeric(s.Points.Select(p => p.Values[pz]));
        string[] zv = zNumeric
            ? [.. s.Points.Select(p => p.Values[pz]).Distinct().OrderBy(v => ResultsFolder.ParseNumber(v))]
            : [.. s.Points.Select(p => p.Values[pz]).Distinct()];
        string who = SeriesLabel(f, s, withTruth: false);
        string zLabel = Labels.Parameter(zPath, f.Reference).Split(" (")[0];
        string title = $"{f.ScenarioName}: audits correct, {who}, by {Lower(zLabel)}";
        Plot plot = NewPlot(title, Labels.Parameter(xPath, f.Reference), Labels.Parameter(yPath, f.Reference));
        var alt = new StringBuilder($"Small multiples for scenario {f.ScenarioName}, {who}: one heatmap panel per value of {Lower(zLabel)} " +
            $"({zv.Length} panels), " +
                                    $"each showing the share of simulated audits that get the answer right for every combination of " +
                                        $"{Lower(Labels.Parameter(xPath, f.Reference))} " +
                                    $"and {Lower(Labels.Parameter(yPath, f.Reference))}; every cell is labelled with its percentage.");
        int stride = xv.Length + 1;
        int cells = xv.Length * yv.Length * zv.Length;
        var xTicks = new ScottPlot.TickGenerators.NumericManual();
        ScottPlot.Plottables.Heatmap? last = null;
        for (int k = 0; k < zv.Length; k++)
        {
            double left = k * stride;
            var values = new double[yv.Length, xv.Length];
            for (int r = 0; r < yv.Length; r++) for (int c = 0; c < xv.Length; c++) values[r, c] = double.NaN;
            var here = s.Points.Where(p => p.Values[pz] == zv[k]).ToList();
            var unmeasured = new HashSet<(int, int)>();
            foreach (SweepPoint p in here)
            {
                int c = Array.IndexOf(xv, p.Number(px)!.Value), r = Array.IndexOf(yv, p.Number(py)!.Value);
                if (p.Result.Row.NotEstimableRate >= 0.5) unmeasured.Add((c, r));
                else values[yv.Length - 1 - r, c] = 100 * p.Result.Row.CorrectRate!.Value;
            }
            if (values.Cast<double>().Any(double.IsFinite)) // a panel of unmeasurable cells only has no colours to scale
            {
                var map = plot.Add.Heatmap(values);
                map.Colormap = new ScottPlot.Colormaps.Viridis();
                map.ManualRange = new ScottPlot.Range(0, 100);
                map.Rectangle = new CoordinateRect(left - 0.5, left + xv.Length - 0.5, -0.5, yv.Length - 0.5);
                map.NaNCellColor = Colors.White;
                last = map;
            }
            var head = plot.Add.Text($"{zLabel}: {Labels.Value(zPath, zv[k])}", left + (xv.Length - 1) / 2.0, yv.Length - 0.45);
            head.Alignment = Alignment.LowerCenter;
            head.LabelFontSize = 12;
            head.LabelBold = true;
            alt.Append($" Panel {Labels.Value(zPath, zv[k])}:");
            for (int r = 0; r < yv.Length; r++)
            {
                for (int c = 0; c < xv.Length; c++)
                {
                    double v = values[yv.Length - 1 - r, c];
                    string at = $" {Labels.Value(xPath, Raw(xv[c]))} and {Labels.Value(yPath, Raw(yv[r]))}";
                    if (unmeasured.Contains((c, r)))
                    {
                        var none = plot.Add.Text("n/m", left + c, r);
                        none.Alignment = Alignment.MiddleCenter;
                        none.LabelFontColor = Grey;
                        alt.Append(at).Append(": cannot be measured.");
                        continue;
                    }
                    if (double.IsNaN(v)) continue;
                    var text = plot.Add.Text($"{v:0}", left + c, r);
                    text.Alignment = Alignment.MiddleCenter;
                    text.LabelFontSize = cells > 60 ? 9 : 11;
                    text.LabelBold = true;
                    // Viridis is dark below about 55%: white text there, black above.
                    text.LabelFontColor = v < 55 ? Colors.White : Colors.Black;
                    alt.Append(at).Append(Inv, $": {v:0}%.");
                }
            }
            for (int c = 0; c < xv.Length; c++) xTicks.AddMajor(left + c, Labels.Value(xPath, Raw(xv[c])));
        }
        if (last is not null)
        {
            var bar = plot.Add.ColorBar(last);
            bar.Label = "Audits that are correct (%)";
        }
        plot.Axes.Bottom.TickGenerator = xTicks;
        CategoryTicks(plot.Axes.Left, [.. yv.Select(y => Labels.Value(yPath, Raw(y)))]);
        plot.Axes.SetLimits(-0.5, zv.Length * stride - 1.5, -0.5, yv.Length - 0.15); // room above the cells for the panel titles
        plot.HideGrid();
        string caption = $"One panel per value of {Lower(zLabel)}; in each, a cell is the share of simulated audits (%) that get the answer right for {who} " +
                         "(right direction with an interval holding the truth, or no flag where there is no difference). Darker cells are right less often; " +
                         "\"n/m\" marks a cell the audit cannot measure in most replicates. All panels share the colour scale.";
        string attribute = s.Attribute.Length > 0 && s.Attribute != Core.Scenarios.Population.Ethnicity ? "-" + Slug(s.Attribute) : "";
        return Render(plot, $"panels-{Slug(s.Detector)}-{Slug(s.Group)}{attribute}", title, alt.ToString(), caption);
    }

    private static string Lower(string text) => text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..];

    private static string Raw(double v) => v.ToString("R", Inv);

    /// <summary>The numeric parameter MDRR is plotted against (the missing share when swept), or null.</summary>
    private static int? MdrrAxis(ResultsFolder f)
    {
        var varying = Varying(f.MdrrParameters, f.MdrrRows.Select(r => r.Values))
            .Where(p => Numeric(f.MdrrRows.Select(r => r.Values[p]))).ToList();
        if (varying.Count == 0) return null;
        int share = varying.FindIndex(p => f.MdrrParameters[p].Contains("missing", StringComparison.Ordinal));
        return varying[share >= 0 ? share : 0];
    }

    private static RenderedPlot Mdrr(ResultsFolder f, int parameter)
    {
        string path = f.MdrrParameters[parameter];
        string xLabel = Labels.Parameter(path, f.Reference);
        string title = $"{f.ScenarioName}: smallest disproportionality an audit can detect";
        string reference = f.Reference.Length > 0 ? f.Reference : "reference";
        Plot plot = NewPlot(title, xLabel, $"Minimum detectable rate ratio vs {reference} (x)");
        var alt = new StringBuilder($"Line chart for scenario {f.ScenarioName}: the minimum detectable rate ratio (with its 95% band) against " +
            $"{xLabel.ToLowerInvariant()}.");
        var groups = f.MdrrRows.Where(r => r.Number(parameter) is not null)
            .GroupBy(r => (r.Detector, r.Group, r.Direction, r.PowerTarget)).ToList();
        for (int i = 0; i < groups.Count; i++)
        {
            var pts = groups[i].Where(r => r.Mdrr is not null).OrderBy(r => r.Number(parameter)).ToList();
            if (pts.Count == 0) continue;
            double[] xs = [.. pts.Select(r => Labels.Scale(path, r.Number(parameter)!.Value))];
            var (detector, group, direction, target) = groups[i].Key;
            string label = $"{group} {direction}, {Num(100 * (target ?? double.NaN), "0.#")}% power ({Labels.Detector(detector, f.Reference)})";
            if (pts.All(r => r.MdrrLower is not null && r.MdrrUpper is not null) && xs.Length > 1)
            {
                var band = plot.Add.FillY(xs, [.. pts.Select(r => r.MdrrLower!.Value)], [.. pts.Select(r => r.MdrrUpper!.Value)]);
                band.FillColor = SeriesColor(i).WithAlpha(0.18);
                band.LineWidth = 0;
                band.MarkerShape = MarkerShape.None;
            }
            var line = plot.Add.Scatter(xs, [.. pts.Select(r => r.Mdrr!.Value)], SeriesColor(i));
            line.LinePattern = SeriesPattern(2 * i);
            line.MarkerShape = SeriesMarker(i);
            line.MarkerSize = 9;
            line.LineWidth = 2;
            line.LegendText = label + ", simulated";
            var analytic = pts.Where(r => r.AnalyticMdrr is not null).ToList();
            if (analytic.Count > 1)
            {
                double[] ax = [.. analytic.Select(r => Labels.Scale(path, r.Number(parameter)!.Value))], ay = [.. analytic.Select(r => r.AnalyticMdrr!.Value)];
                var a = plot.Add.ScatterLine(ax, ay, SeriesColor(i));
                a.LinePattern = SeriesPattern(2 * i + 1);
                a.LineWidth = 1.5f;
                a.LegendText = label + ", formula";
            }
            alt.Append(' ').Append(label).Append(": ").AppendJoin(", ", pts.Select(r => $"{Labels.Value(path, r.Values[parameter])} gives " +
                $"{Output.MdrrOutput.Rr(r.Mdrr!.Value, Output.MdrrOutput.Decimals(r.MdrrLower, r.MdrrUpper))}")).Append('.');
        }
        var one = plot.Add.HorizontalLine(1, 1.5f, Grey, LinePattern.Dotted);
        one.LegendText = "No difference (rate ratio 1)";
        LegendBelow(plot);
        string caption = "The smallest true rate ratio that audits flag in its direction at the stated power (a flag, not necessarily a correct size), with " +
                         "a 95% band; higher means only larger disproportionality can be seen. " +
                         "Where given, the formula line is the analytic approximation.";
        return Render(plot, "mdrr", title, alt.ToString(), caption);
    }
}
