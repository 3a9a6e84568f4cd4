using System.Text;
using BiasSim.Cli.Output;
using BiasSim.Core.Diagnosands;
using ScottPlot;
using static BiasSim.Cli.Plots.PlotTheme;

namespace BiasSim.Cli.Plots;

/// <summary>
/// What 100 audits would conclude, one horizontal bar per detector and group (or per design point), split into the
/// outcomes. Each outcome has its own fill pattern as well as its colour, and segments wide enough carry their name and
/// count, so the chart reads in greyscale and without colour vision.
/// </summary>
internal static class OutcomePlots
{
    /// <summary>How each outcome is drawn and named, in the order the segments run from left to right.</summary>
    private sealed record Style(AuditOutcome Outcome, string Name, string Short, Color Fill, IHatch? Hatch);

    private static readonly Style[] Styles =
    [
        new(AuditOutcome.Correct, "Correct (right direction and size)", "correct", OkabeIto[3], null),
        new(AuditOutcome.Misestimated, "Misestimated (right direction, interval misses the truth)", "misestimated", OkabeIto[5],
            new ScottPlot.Hatches.Striped(ScottPlot.Hatches.StripeDirection.DiagonalUp)),
        new(AuditOutcome.WrongDirection, "Wrong direction", "wrong way", OkabeIto[2], new ScottPlot.Hatches.Checker()),
        new(AuditOutcome.Missed, "Missed (no significant difference)", "missed", Color.FromHex("#D9D9D9"), new ScottPlot.Hatches.Dots()),
        new(AuditOutcome.FalseAlarm, "False alarm (flags a difference that does not exist)", "false alarm", OkabeIto[4],
            new ScottPlot.Hatches.Striped(ScottPlot.Hatches.StripeDirection.DiagonalDown)),
        new(AuditOutcome.NotEstimable, "Cannot be measured (too few recorded referrals)", "not measurable", Color.FromHex("#FFFFFF"),
            new ScottPlot.Hatches.Grid()),
    ];

    /// <summary>The segment's name and count where they fit (about 1.2 units of 100 a character at this size), the count alone
    /// in a narrower one, nothing in a sliver (the legend and the alt text still name it).</summary>
    private static string SegmentLabel(string full, int count, double width) =>
        width >= 1.2 * full.Length ? full : width >= 4 ? count.ToString(Inv) : "";

    /// <summary>One bar per labelled row; rows whose replicates are not judged (tipping-point) are left out by the caller.</summary>
    public static RenderedPlot Draw(string stem, string title, string axisLabel, IReadOnlyList<(string Label, DiagnosandRow Row)> bars, string altIntro)
    {
        Plot plot = NewPlot(title, "Out of 100 simulated audits", axisLabel);
        var alt = new StringBuilder(altIntro);
        for (int k = 0; k < bars.Count; k++)
        {
            var (label, row) = bars[k];
            double y = bars.Count - 1 - k;
            var n = Verdicts.Per100(row);
            double left = 0;
            var segments = new List<Bar>();
            var words = new List<string>();
            foreach (Style s in Styles)
            {
                if (Verdicts.Share(row, s.Outcome) is not double share || share <= 0) continue;
                // Whole audits out of 100, as the sentences say; an outcome that happened but rounds to 0 gets a sliver.
                double width = Math.Max(n[s.Outcome], 0.4);
                var bar = new Bar
                {
                    Position = y, ValueBase = left, Value = left + width, Size = 0.7, Orientation = Orientation.Horizontal,
                    FillColor = s.Fill, FillHatch = s.Hatch, FillHatchColor = s.Hatch is null ? s.Fill : Color.FromHex("#000000").WithAlpha(0.55),
                    LineColor = Grey, LineWidth = 0.75f,
                    Label = SegmentLabel($"{s.Short} {n[s.Outcome]}", n[s.Outcome], width), CenterLabel = true,
                };
                segments.Add(bar);
                left += width;
                words.Add($"{(n[s.Outcome] > 0 ? n[s.Outcome].ToString(Inv) : "fewer than 1")} {s.Short}");
            }
            if (segments.Count > 0)
            {
                var plottable = plot.Add.Bars(segments);
                plottable.ValueLabelStyle.FontSize = 11;
                plottable.ValueLabelStyle.Bold = true;
                plottable.ValueLabelStyle.BackgroundColor = Colors.White.WithAlpha(0.85);
            }
            alt.Append(' ').Append(label.Replace('\n', ' ')).Append(": ").AppendJoin(", ", words).Append('.');
        }
        foreach (Style s in Styles.Where(s => bars.Any(b => Verdicts.Share(b.Row, s.Outcome) > 0)))
        {
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = s.Name, FillColor = s.Fill, FillHatch = s.Hatch,
                FillHatchColor = s.Hatch is null ? s.Fill : Color.FromHex("#000000").WithAlpha(0.55), OutlineColor = Grey, OutlineWidth = 0.75f,
            });
        }
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int k = 0; k < bars.Count; k++) ticks.AddMajor(bars.Count - 1 - k, bars[k].Label);
        plot.Axes.Left.TickGenerator = ticks;
        plot.Grid.YAxisStyle.IsVisible = false;
        plot.Axes.SetLimits(0, 100, -0.6, bars.Count - 0.4);
        LegendBelow(plot);
        string caption = "Each bar is 100 simulated audits of one group, split by what each audit concluded. Correct: the audit flags the true " +
                         "direction and its interval holds the true rate ratio (or, with no true difference, flags nothing). Misestimated: right direction, " +
                         "wrong size. Wrong direction, missed, false alarm and cannot be measured are the other ways an audit can end. A flag alone is not a " +
                         "finding.";
        return Render(plot, stem, title, alt.ToString(), caption);
    }
}
