using System.Collections.Immutable;
using BiasSim.Core.Calibration;
using BiasSim.Core.Detectors;
using BiasSim.Core.Diagnosands;
using BiasSim.Core.Engine;
using BiasSim.Core.Scenarios;
using BiasSim.Core.Simulation;
using MathNet.Numerics.Distributions;

namespace BiasSim.Core.Power;

/// <summary>What to search for: the rate ratio of <paramref name="Group"/> at which <paramref name="Detector"/> flags it
/// in <paramref name="Direction"/> in a share <paramref name="Power"/> of audits.</summary>
public sealed record MdrrRequest(string Group, double Power = 0.8, FlagDirection Direction = FlagDirection.Up,
    string Detector = RateRatioDetector.DetectorName);

/// <summary>A mistake in an <see cref="MdrrRequest"/>: which part (group, power, detector) and what is wrong.</summary>
public sealed record MdrrProblem(string Field, string Message);

/// <summary>One point of the simulated power curve: the flag rate in the searched direction at a true rate ratio.</summary>
public sealed record PowerEvaluation(double RateRatio, double Power, double PowerSe);

/// <summary>
/// The minimum detectable rate ratio and its Monte Carlo uncertainty. <see cref="Mdrr"/> is null when the target
/// power is not reached anywhere in range (<see cref="Failure"/> says why); then the bounds are null too.
/// </summary>
public sealed record MdrrResult(string Detector, string Group, FlagDirection Direction, double PowerTarget, int Replicates)
{
    public double? Mdrr { get; init; }
    public double? MdrrLower { get; init; }
    public double? MdrrUpper { get; init; }
    /// <summary>Monte Carlo SE of log MDRR by the delta method: SE(power at the root) / slope.</summary>
    public double? LogMdrrSe { get; init; }
    /// <summary>d power / d log RR at the root (positive in the searched direction), from a symmetric difference.</summary>
    public double? Slope { get; init; }
    public double? AnalyticMdrr { get; init; }
    /// <summary>The simulated flag rate at exactly <see cref="Mdrr"/>, with its Monte Carlo SE.</summary>
    public double? PowerAtMdrr { get; init; }
    public double? PowerAtMdrrSe { get; init; }
    /// <summary>Expected share of referrals with no recorded group, at the MDRR (or at the last rate ratio tried).</summary>
    public double ExpectedMissingShare { get; init; }
    /// <summary>Every simulation run, in the order made.</summary>
    public ImmutableArray<PowerEvaluation> Evaluations { get; init; } = [];
    public string? Failure { get; init; }
}

/// <summary>
/// Finds the minimum detectable rate ratio (MDRR): the smallest true rate ratio above 1 (or the largest below 1)
/// at which a detector flags a group in that direction with the target power. The power curve is simulated
/// with common random numbers (the same replicate seeds at every rate ratio), so it is a smooth function of the
/// rate ratio up to steps of 1/R, and the root is found on t = |log RR|: a bracket grown outward from the
/// analytic (normal-approximation) answer, then regula falsi with the Illinois modification, then the local
/// slope by a symmetric difference. About 15 to 25 simulation runs, at most <see cref="MaxEvaluations"/>.
/// </summary>
/// <remarks>
/// Monte Carlo error of the root: the simulated curve P^(t) = P(t) + e(t) crosses the target at t^ with
/// P(t*) + P'(t*)(t^ - t*) + e(t*) = target, so SE(t^) = SE(P^(t*)) / P'(t*) = sqrt(p(1 - p)/R) / slope
/// with p the target power (the delta method). The interval is exp(log MDRR +- 1.96 SE).
/// </remarks>
public static class MdrrSearch
{
    public const int MaxEvaluations = 30;

    /// <summary>Evaluations kept back for the power at the root and the two slope points.</summary>
    private const int FinalEvaluations = 3;
    private const double Z975 = 1.959963984540054;

    /// <summary>Every problem with <paramref name="request"/> for this scenario; empty when the search can run.</summary>
    public static IReadOnlyList<MdrrProblem> Validate(Scenario scenario, MdrrRequest request)
    {
        var problems = new List<MdrrProblem>();
        Population population = scenario.Population;
        string[] others = [.. population.Groups.Select(g => g.Name).Where(n => n != population.Reference)];
        if (request.Group == population.Reference)
        {
            problems.Add(new("group",
                $"'{request.Group}' is the reference group: its rate ratio is 1 by definition, expected one of: {string.Join(", ", others)}"));
        }
        else if (population.IndexOf(request.Group) < 0)
        {
            problems.Add(new("group",
                $"'{request.Group}' is not a group in the scenario{DidYouMean.Hint(request.Group, others)}, expected one of: {string.Join(", ", others)}"));
        }
        else if (scenario.Referrals.RateRatiosByRegion.Values.Any(byGroup => byGroup.ContainsKey(request.Group)))
        {
            problems.Add(new("group",
                $"'{request.Group}' has region-specific rate ratios (referrals.rate_ratios_by_region), and the search varies one rate ratio for every " +
                "region; remove them for this group"));
        }

        if (!(request.Power > 0 && request.Power < 1))
        {
            problems.Add(new("power",
                $"found {request.Power.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, expected a power strictly between 0 and 1, such as " +
                "0.8"));
        }
        else if (request.Power <= scenario.Simulation.Alpha / 2)
        {
            problems.Add(new("power",
                $"found {request.Power.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, which a detector reaches by chance at a true rate " +
                $"ratio of 1 (alpha/2 = {(scenario.Simulation.Alpha / 2).ToString("R", System.Globalization.CultureInfo.InvariantCulture)}), expected more " +
                "than that"));
        }

        if (!DetectorCatalog.Names.Contains(request.Detector))
        {
            problems.Add(new("detector",
                $"unknown detector '{request.Detector}'{DidYouMean.Hint(request.Detector, DetectorCatalog.Names)}, expected one of: " +
                $"{string.Join(", ", DetectorCatalog.Names)}"));
        }
        else
        {
            // Build the detectors on the compiled model to see which give a rate ratio per group with an interval.
            AnalysisFrame frame = DetectorFactory.Frame(new CountModel(scenario), 0);
            bool Directional(string name, out bool hasGroup)
            {
                hasGroup = false;
                try
                {
                    CountDetector d = DetectorCatalog.Create(scenario.DetectorSpec(name), frame, scenario.Simulation.Alpha);
                    hasGroup = d.Targets.Contains(request.Group);
                    return d.HasInterval;
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or KeyNotFoundException)
                {
                    return false; // needs options this scenario does not give it
                }
            }
            bool groupKnown = population.IndexOf(request.Group) >= 0 && request.Group != population.Reference;
            if (!Directional(request.Detector, out bool targetsGroup) || groupKnown && !targetsGroup)
            {
                string directional = string.Join(", ", DetectorCatalog.Names.Where(n => Directional(n, out _)));
                problems.Add(new("detector",
                    $"'{request.Detector}' gives no rate ratio per group to flag up or down in this scenario, expected one of: {directional}"));
            }
        }
        return problems;
    }

    /// <summary>Runs the search. <paramref name="progress"/> receives the replicates completed over all evaluations so far
    /// (at most <see cref="MaxEvaluations"/> x replicates).</summary>
    public static MdrrResult Run(Scenario scenario, MdrrRequest request, RunSettings settings, IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        IReadOnlyList<MdrrProblem> problems = Validate(scenario, request);
        if (problems.Count > 0) throw new ArgumentException(string.Join("; ", problems.Select(p => $"{p.Field}: {p.Message}")), nameof(request));

        Scenario audited = scenario with { Detectors = [request.Detector] };
        double sign = request.Direction == FlagDirection.Up ? 1 : -1;
        double target = request.Power;
        double tMax = PowerModel.MaxLogDistance(scenario, request.Direction);
        var evaluations = ImmutableArray.CreateBuilder<PowerEvaluation>();
        long done = 0;
        double lastMissingShare = 0;

        // Simulated power at t = |log RR|, with the same seeds (design point 0) at every t: common random numbers.
        double Power(double t)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double rr = Math.Exp(sign * t);
            Scenario s = PowerModel.WithRateRatio(audited, request.Group, rr)
                ?? throw new CalibrationFailure($"no calibration shift reaches the target missing share at a rate ratio of {rr:G4}");
            long offset = done;
            IProgress<long>? inner = progress is null ? null : new OffsetProgress(progress, offset);
            SimulationResult result = MonteCarloRunner.Run(s, settings, inner, cancellationToken);
            if (result.Partial) throw new OperationCanceledException(cancellationToken);
            done += result.CompletedReplicates;
            lastMissingShare = result.ExpectedMissingShare;
            DiagnosandRow row = result.Rows.Single(r => r.Detector == request.Detector && r.Attribute == Population.Ethnicity && r.Group == request.Group);
            // Validation admits only per-group detectors, whose rows always have a direction.
            double p = (request.Direction == FlagDirection.Up ? row.FlagUpRate : row.FlagDownRate)!.Value;
            double se = (request.Direction == FlagDirection.Up ? row.FlagUpRateSe : row.FlagDownRateSe)!.Value;
            evaluations.Add(new PowerEvaluation(row.TrueRateRatio ?? rr, p, se));
            return p;
        }

        double? analytic = PowerModel.AnalyticMdrr(scenario, request.Group, target, request.Direction);
        var result = new MdrrResult(request.Detector, request.Group, request.Direction, target, settings.Replicates) { AnalyticMdrr = analytic };
        MdrrResult Fail(string why) => result with { Failure = why, Evaluations = evaluations.ToImmutable(), ExpectedMissingShare = lastMissingShare };

        try
        {
            return Search();
        }
        catch (CalibrationFailure e)
        {
            return Fail(e.Message);
        }

        MdrrResult Search()
        {
            // 1. Bracket: lo below the target, hi at or above it, starting from the analytic answer.
            double start = analytic is double a && a > 0 ? Math.Abs(Math.Log(a)) : 0.1;
            start = Math.Clamp(start, 1e-3, tMax);
            double lo, hi, pLo, pHi;
            double pStart = Power(start);
            if (pStart >= target)
            {
                hi = start;
                pHi = pStart;
                lo = double.NaN;
                pLo = double.NaN;
                for (double t = start / 2; evaluations.Count < MaxEvaluations - FinalEvaluations; t /= 2)
                {
                    if (t < 1e-4) t = 0;
                    double p = Power(t);
                    if (p < target) { lo = t; pLo = p; break; }
                    hi = t;
                    pHi = p;
                    if (t == 0)
                        return Fail($"the detector flags {request.Group} in this direction in at least {Percent(target)} of audits even at a true rate ratio " +
                            "of 1");
                }
                if (double.IsNaN(lo)) return Fail("no bracket of the target power was found within the evaluation budget");
            }
            else
            {
                lo = start;
                pLo = pStart;
                hi = double.NaN;
                pHi = double.NaN;
                double step = Math.Max(start, 0.05);
                while (evaluations.Count < MaxEvaluations - FinalEvaluations)
                {
                    if (lo >= tMax) break;
                    double t = Math.Min(tMax, lo + step);
                    double p = Power(t);
                    if (p >= target) { hi = t; pHi = p; break; }
                    lo = t;
                    pLo = p;
                    step *= 2;
                }
                if (double.IsNaN(hi))
                {
                    return Fail(lo >= tMax
                        ? $"the power stays below {Percent(target)} up to a rate ratio of {Math.Exp(sign * tMax):G4}, the most extreme the scenario allows " +
                            $"(it reaches {Percent(pLo)})"
                        : "no bracket of the target power was found within the evaluation budget");
                }
            }

            // 2. Regula falsi with the Illinois modification on f(t) = P(t) - target, f(lo) < 0 <= f(hi).
            double fLo = pLo - target, fHi = pHi - target;
            int side = 0;
            double tolerance = 1e-4 * Math.Max(hi, 1e-2);
            while (hi - lo > tolerance && evaluations.Count < MaxEvaluations - FinalEvaluations)
            {
                double t = (lo * fHi - hi * fLo) / (fHi - fLo);
                double width = hi - lo;
                if (!(t > lo + 1e-3 * width && t < hi - 1e-3 * width)) t = 0.5 * (lo + hi);
                double p = Power(t);
                double f = p - target;
                if (f >= 0)
                {
                    hi = t; pHi = p; fHi = f;
                    if (side == 1) fLo /= 2;
                    side = 1;
                }
                else
                {
                    lo = t; pLo = p; fLo = f;
                    if (side == -1) fHi /= 2;
                    side = -1;
                }
            }
            // The crossing by linear interpolation inside the final bracket, on the unmodified power values.
            double root = lo + (target - pLo) / (pHi - pLo) * (hi - lo);

            // 3. Power at the root, and the slope from a symmetric difference of half a Katz SE either side. At the MDRR,
            // t = (z_{1-alpha/2} + z_power) SE, so SE ~ t / (z sum); P moves by roughly 0.3 over that span.
            double zSum = Normal.InvCDF(0, 1, 1 - scenario.Simulation.Alpha / 2) + Normal.InvCDF(0, 1, target);
            double h = Math.Min(0.5 * root / Math.Max(zSum, 1), 0.5 * root);
            double pRoot = Power(root);
            double pRootSe = evaluations[^1].PowerSe;
            double rootMissingShare = lastMissingShare;
            double upper = Math.Min(root + h, tMax);
            double lower = root - h;
            double slope = (Power(upper) - Power(lower)) / (upper - lower);

            // The search varies the declared rate ratio; the estimand (the true rate ratio the detector is judged
            // against) is a fixed multiple of it, 1 unless another attribute's rate ratios mix into it.
            Scenario atRoot = PowerModel.WithRateRatio(scenario, request.Group, Math.Exp(sign * root))
                ?? throw new CalibrationFailure("no calibration shift reaches the target missing share at the root");
            int g = scenario.Population.IndexOf(request.Group);
            double toTrue = new CellTable(atRoot.Population, atRoot.Referrals).TrueRateRatios[g] / atRoot.Referrals.RateRatio(request.Group);
            double logMdrr = sign * root + Math.Log(toTrue);
            result = result with
            {
                AnalyticMdrr = analytic * toTrue,
                Mdrr = Math.Exp(logMdrr),
                PowerAtMdrr = pRoot,
                PowerAtMdrrSe = pRootSe,
                Slope = slope,
                ExpectedMissingShare = rootMissingShare,
                Evaluations = evaluations.ToImmutable(),
            };
            if (slope > 0)
            {
                double se = Math.Sqrt(target * (1 - target) / settings.Replicates) / slope;
                result = result with { LogMdrrSe = se, MdrrLower = Math.Exp(logMdrr - Z975 * se), MdrrUpper = Math.Exp(logMdrr + Z975 * se) };
            }
            return result;
        }
    }

    private sealed class CalibrationFailure(string message) : Exception(message);

    private static string Percent(double p) => (100 * p).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "%";

    private sealed class OffsetProgress(IProgress<long> inner, long offset) : IProgress<long>
    {
        public void Report(long value) => inner.Report(offset + value);
    }
}
