using System.Globalization;
using System.Text;
using BiasSim.Core.Detectors;
using BiasSim.Core.Diagnosands;
using BiasSim.Core.Engine;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli.Output;

/// <summary>The table and plain sentences a person reads after <c>biassim run</c>.</summary>
public static class ConsoleReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(Scenario scenario, SimulationResult result, SummaryJson.RunInfo info, string outputFolder)
    {
        var sb = new StringBuilder();
        sb.Append(Inv, $"{scenario.Name}: {result.CompletedReplicates:N0} simulated audits (replicates), seed {info.Seed}, {info.ElapsedSeconds:0.00} s on {info.Threads} thread(s)\n");
        sb.Append(DescribeReferrals(scenario)).Append('\n');
        sb.Append(DescribeRecording(scenario.Recording)).Append('\n');
        double confidence = 100 * (1 - scenario.Simulation.Alpha);

        foreach (IGrouping<string, DiagnosandRow> detector in result.Rows.GroupBy(r => r.Detector))
        {
            sb.Append('\n');
            if (detector.Key == RateRatioDetector.DetectorName)
            {
                sb.Append(Inv, $"{detector.Key}: rate ratio vs {scenario.Population.Reference} on recorded referrals, census denominators, Katz {confidence:0.#}% interval\n");
                var table = new TextTable("group", "true RR", "flagged (±MC SE)", "up", "down", "mean RR", "bias(log)", "coverage", $"mean {confidence:0.#}% interval", "not estimable");
                foreach (DiagnosandRow r in detector)
                {
                    table.Add(r.Group, Num(r.TrueRateRatio, "0.00"), $"{Pct(r.FlagRate)} (±{Pct(r.FlagRateSe)})", Pct(r.FlagUpRate), Pct(r.FlagDownRate),
                        Num(r.MeanEstimate, "0.000"), Num(r.BiasLog, "+0.000;-0.000;0.000"), Pct(r.Coverage),
                        r.MeanLower is null ? "-" : $"{Num(r.MeanLower, "0.00")} to {Num(r.MeanUpper, "0.00")}", Pct(r.NotEstimableRate));
                }
                table.Render(sb);
            }
            else
            {
                sb.Append(Inv, $"{detector.Key}: Pearson goodness-of-fit of recorded referrals against census shares, alpha {scenario.Simulation.Alpha}\n");
                var table = new TextTable("groups", "flagged (±MC SE)", "not estimable");
                foreach (DiagnosandRow r in detector) table.Add(r.Group, $"{Pct(r.FlagRate)} (±{Pct(r.FlagRateSe)})", Pct(r.NotEstimableRate));
                table.Render(sb);
            }
        }

        sb.Append("\nIn plain words:\n");
        foreach (DiagnosandRow r in result.Rows.Where(r => r.Detector == RateRatioDetector.DetectorName))
        {
            sb.Append("  - ").Append(Sentence(r, scenario)).Append('\n');
        }
        if (scenario.Recording.Missing is McarMissingness)
        {
            sb.Append("  Missing completely at random is the kindest case for an auditor: it costs power but not accuracy.\n")
              .Append("  If whether ethnicity is recorded depends on the person's group, or officers assign it, these figures can be biased too.\n");
        }
        foreach (string warning in info.Warnings) sb.Append("Warning: ").Append(warning).Append('\n');
        if (result.Partial) sb.Append(Inv, $"Stopped early: results cover {result.CompletedReplicates:N0} of {info.Replicates:N0} replicates.\n");
        sb.Append(Inv, $"\nWrote {Path.Combine(outputFolder, "diagnosands.csv")} and {Path.Combine(outputFolder, "summary.json")}\n");
        return sb.ToString();
    }

    /// <summary>One sentence a journalist can quote, with the numbers rounded to "out of 100 audits".</summary>
    public static string Sentence(DiagnosandRow r, Scenario scenario)
    {
        string missing = scenario.Recording.Missing is McarMissingness m
            ? string.Create(Inv, $"with {100 * m.Share:0.#}% of ethnicity unrecorded")
            : "with every referral's ethnicity recorded";
        int per100 = (int)Math.Round(100 * r.FlagRate, MidpointRounding.AwayFromZero);
        if (r.TrueRateRatio is double rr && rr != 1.0)
        {
            string size = rr > 1 ? $"{Percent(rr - 1)} over-referral" : $"{Percent(1 - rr)} under-referral";
                        int rightPer100 = (int)Math.Round(100 * (rr > 1 ? r.FlagUpRate : r.FlagDownRate), MidpointRounding.AwayFromZero);
            return $"{Capitalise(missing)}, a true {size} of {r.Group} people (rate ratio {rr.ToString("0.##", Inv)}) would be detected in {rightPer100} of 100 audits" +
                   (per100 > rightPer100 ? $" (and flagged the wrong way in {per100 - rightPer100})." : $"; {100 - rightPer100} of 100 would miss it.");
        }
        return $"{Capitalise(missing)}, {r.Group} people are referred at the same rate as {scenario.Population.Reference} people, " +
               $"yet {per100} of 100 audits would wrongly flag a difference (false alarms; alpha allows {(100 * scenario.Simulation.Alpha).ToString("0.#", Inv)}).";
    }

    private static string DescribeReferrals(Scenario s)
    {
        string how = s.Referrals.Total is long total
            ? string.Create(Inv, $"{total:N0} referrals in total, shared out by census population x true rate ratio")
            : string.Create(Inv, $"each {s.Population.Reference} person referred with probability {s.Referrals.BaseRate}, other groups at that x their true rate ratio");
        return $"Referrals: {how}.";
    }

    private static string DescribeRecording(RecordingProcess recording) => recording.Missing switch
    {
        McarMissingness m => string.Create(Inv, $"Recording: ethnicity is missing for {100 * m.Share:0.#}% of referrals, completely at random (MCAR)."),
        _ => "Recording: every referral's ethnicity is recorded.",
    };

    private static string Percent(double fraction) => (100 * fraction).ToString("0.#", Inv) + "%";
    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
    private static string Pct(double? v) => v is double d ? (100 * d).ToString("0.0", Inv) + "%" : "-";
    private static string Num(double? v, string format) => v is double d ? d.ToString(format, Inv) : "-";
}
