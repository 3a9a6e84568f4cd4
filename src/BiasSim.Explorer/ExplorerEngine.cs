using System.Diagnostics;
using System.Globalization;
using BiasSim.Core.Detectors;
using BiasSim.Core.Diagnosands;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;

namespace BiasSim.Explorer;

/// <summary>
/// What the page asks for, computed by the same Core and loader as <c>biassim run</c>: a run, a power curve against the
/// missing share, and the scenario file that reproduces the view. Results are identical for any thread count.
/// </summary>
public sealed class ExplorerEngine(ExplorerHooks hooks, int threads)
{
    /// <summary>Missing shares of the power curve: the whole useful range, coarse enough to redraw live.</summary>
    public static readonly IReadOnlyList<double> PowerShares = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

    /// <summary>Replicates per point of the power curve: Monte Carlo SE at most 1.1 percentage points, nine points in
    /// well under a second for the Prevent scenario.</summary>
    public const int MaxPowerReplicates = 2_000;

    private static readonly (AuditOutcome Outcome, string Key, string Label)[] OutcomeOrder =
    [
        (AuditOutcome.Correct, "correct", "correct"),
        (AuditOutcome.Misestimated, "misestimated", "misestimated"),
        (AuditOutcome.WrongDirection, "wrong-direction", "wrong direction"),
        (AuditOutcome.Missed, "missed", "missed"),
        (AuditOutcome.FalseAlarm, "false-alarm", "false alarm"),
        (AuditOutcome.NotEstimable, "not-measurable", "not measurable"),
    ];

    /// <summary>A loaded scenario with the seed and replicates the view asks for.</summary>
    public sealed record Resolved(ExploreQuery Query, string Text, Scenario Scenario, ulong Seed, int Replicates);

    public (Resolved? Resolved, IReadOnlyList<string> Errors) Resolve(ExploreQuery query)
    {
        string text = BundledScenarios.All[query.Scenario];
        ScenarioLoadResult loaded = hooks.Load(text, BundledScenarios.FileName(query.Scenario), query.Overrides);
        if (loaded.Scenario is not { } scenario) return (null, [.. loaded.Errors.Select(e => e.ToString())]);
        int replicates = query.Replicates ?? scenario.Simulation.Replicates;
        if (replicates > ExploreQuery.MaxReplicates)
        {
            return (null, [$"replicates: the scenario asks for {replicates:N0}, expected at most {ExploreQuery.MaxReplicates:N0} here " +
                           "(use biassim run for more)"]);
        }
        return (new Resolved(query, text, scenario, query.Seed ?? scenario.Seed, replicates), []);
    }

    public RunResponse Run(Resolved r, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        SimulationResult result = MonteCarloRunner.Run(r.Scenario, new RunSettings(r.Replicates, r.Seed, threads), null, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        double expected = result.ExpectedMissingShare;
        var rows = result.Rows.Select(row => new ResultRow(row.Detector, row.Group, row.Attribute, hooks.Cells(row),
            row.CorrectRate is null ? null : Outcomes(row), hooks.RowSentence(row, r.Scenario, expected))).ToList();
        watch.Stop();
        return new RunResponse(Facts(r.Scenario, expected), r.Seed, r.Replicates, r.Query.Command(r.Seed, r.Replicates), hooks.Columns, rows,
            hooks.Verdict(result.Rows), hooks.PlainWords(r.Scenario, result.Rows, expected), [.. r.Scenario.Warnings], expected,
            watch.Elapsed.TotalMilliseconds);
    }

    private List<OutcomeCount> Outcomes(DiagnosandRow row)
    {
        IReadOnlyDictionary<AuditOutcome, int> per100 = hooks.Per100(row);
        return [.. OutcomeOrder.Select(o => new OutcomeCount(o.Key, o.Label, per100.TryGetValue(o.Outcome, out int n) ? n : 0))];
    }

    /// <summary>
    /// The share of audits correct for each group of the audit the plain words describe, against the missing share, every
    /// point with the same seed (common random numbers: the curve's wiggles are the design's, not the dice's).
    /// </summary>
    public PowerResponse Power(Resolved r, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        int replicates = Math.Min(r.Replicates, MaxPowerReplicates);
        var byGroup = new Dictionary<string, (double Truth, bool Effect, PowerPoint[] Points)>();
        var order = new List<string>();
        string detector = "";
        var unreachable = new List<string>();
        for (int i = 0; i < PowerShares.Count; i++)
        {
            double share = PowerShares[i];
            ScenarioOverride point = MissingShareOverride(r.Scenario, share);
            ScenarioLoadResult loaded = hooks.Load(r.Text, BundledScenarios.FileName(r.Query.Scenario), [.. r.Query.Overrides, point]);
            if (loaded.Scenario is not { } scenario)
            {
                unreachable.Add(string.Create(CultureInfo.InvariantCulture, $"{100 * share:0}% missing: {loaded.Errors.FirstOrDefault()?.Message}"));
                continue;
            }
            SimulationResult result = MonteCarloRunner.Run(scenario, new RunSettings(replicates, r.Seed, threads), null, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            foreach (DiagnosandRow row in hooks.PrimaryRows(result.Rows).Where(x => x.Group != MonteCarloRunner.FamilyWiseTarget))
            {
                detector = row.Detector;
                if (!byGroup.TryGetValue(row.Group, out var series))
                {
                    series = (row.TrueRateRatio ?? 1, row.TrueDifference ?? false, new PowerPoint[PowerShares.Count]);
                    byGroup[row.Group] = series;
                    order.Add(row.Group);
                }
                series.Points[i] = new PowerPoint(share, row.CorrectRate, row.CorrectRateSe, row.FlagRate);
            }
        }
        var result2 = order.Select(g => new PowerSeries(g, byGroup[g].Truth, byGroup[g].Effect,
            [.. byGroup[g].Points.Select((p, i) => p ?? new PowerPoint(PowerShares[i], null, null, null))])).ToList();
        watch.Stop();
        return new PowerResponse(detector, replicates, r.Seed, PowerShares, result2, unreachable, watch.Elapsed.TotalMilliseconds);
    }

    /// <summary>The override that sets the overall missing share under the scenario's own mechanism (MCAR: its share;
    /// the others: their calibration target); a scenario recording everything (or nothing) gets MCAR.</summary>
    public static ScenarioOverride MissingShareOverride(Scenario scenario, double share)
    {
        string value = share.ToString("R", CultureInfo.InvariantCulture);
        return MissingSharePath(scenario.Recording.Missing) is { } path
            ? new ScenarioOverride(path, value)
            : new ScenarioOverride("recording.missing", $"{{mechanism: mcar, share: {value}}}");
    }

    /// <summary>The key that holds the overall missing share; null when the mechanism has none (none, never).</summary>
    public static string? MissingSharePath(MissingnessMechanism m) => m switch
    {
        McarMissingness => "recording.missing.share",
        NoMissingness or NeverRecorded => null,
        _ => "recording.missing.target_share",
    };

    public static ScenarioFacts Facts(Scenario s, double expectedMissingShare)
    {
        MissingnessMechanism m = s.Recording.Missing;
        double share = m switch
        {
            McarMissingness mcar => mcar.Share,
            NoMissingness => 0,
            NeverRecorded => 1,
            _ => m.TargetShare ?? expectedMissingShare,
        };
        return new ScenarioFacts(s.Name, s.Description, s.Population.Reference,
            [.. s.Population.Groups.Select(g => new GroupFact(g.Name, s.Referrals.RateRatio(g.Name), g.Name == s.Population.Reference))],
            s.Population.HasRegions ? [.. s.Population.Regions.Select(r => r.Name)] : [],
            m.Name, share, MissingSharePath(m), s.Recording.Misclassification?.OfficerShare, s.Recording.Misclassification is not null,
            [.. s.Detectors], [.. DetectorCatalog.Names], s.Seed, s.Simulation.Replicates, s.Simulation.Alpha);
    }

    /// <summary>The scenario file that <c>biassim run FILE</c> turns into exactly this view (checked by loading it back).</summary>
    public (string? Yaml, IReadOnlyList<string> Errors) Download(Resolved r)
    {
        IReadOnlyList<ScenarioOverride> all = ScenarioYaml.WithSettings(r.Query.Overrides, r.Seed, r.Replicates);
        string header = $"Written by biassim explore from the bundled {BundledScenarios.FileName(r.Query.Scenario)} (whose comments give the sources)\n" +
                        $"with the view's settings written in; the same run as:\n  {r.Query.Command(r.Seed, r.Replicates)}\n" +
                        $"Reproduce it with: biassim run {r.Scenario.Name}.yaml";
        string yaml = ScenarioYaml.WithOverrides(r.Text, all, header);
        ScenarioLoadResult check = hooks.Load(yaml, $"{r.Scenario.Name}.yaml", []);
        return check.Scenario is null ? (null, [.. check.Errors.Select(e => e.ToString())]) : (yaml, []);
    }
}
