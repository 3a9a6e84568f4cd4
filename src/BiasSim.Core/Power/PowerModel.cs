using System.Collections.Immutable;
using BiasSim.Core.Calibration;
using BiasSim.Core.Scenarios;
using MathNet.Numerics.Distributions;

namespace BiasSim.Core.Power;

/// <summary>Which way a detector must flag a group to count as "detected": above 1 (over-referral) or below 1.</summary>
public enum FlagDirection
{
    Up,
    Down,
}

/// <summary>
/// The scenario as a function of one group's true rate ratio, and the closed-form (normal approximation)
/// power of the Katz rule at the expected recorded counts. Pure: no randomness, no I/O.
/// </summary>
public static class PowerModel
{
    /// <summary>The largest departure from 1 the search considers, either way: a rate ratio of 1000 or 1/1000.</summary>
    public const double MaxRateRatio = 1000;

    /// <summary>
    /// <paramref name="scenario"/> with <paramref name="group"/>'s declared rate ratio set to <paramref name="rateRatio"/>,
    /// re-solving the calibration shift when recording is calibrated to a target missing share (as validation
    /// does), so "with 64.7% unrecorded" stays true at every rate ratio. Null when no shift reaches the target.
    /// </summary>
    public static Scenario? WithRateRatio(Scenario scenario, string group, double rateRatio)
    {
        ReferralProcess referrals = scenario.Referrals with { RateRatios = scenario.Referrals.RateRatios.SetItem(group, rateRatio) };
        Scenario s = scenario with { Referrals = referrals };
        MissingnessMechanism missing = s.Recording.Missing;
        if (missing.TargetShare is double target)
        {
            var table = new CellTable(s.Population, referrals);
            double? shift = MissingnessCalibration.Solve(table, s.Population, referrals, missing, target);
            if (shift is null) return null;
            s = s with { Recording = s.Recording with { Missing = missing.WithCalibration(shift.Value) } };
        }
        return s;
    }

    /// <summary>The largest rate ratio the scenario allows for <paramref name="group"/> in <paramref name="direction"/>'s
    /// sense, as a distance from 1 on the log scale: with a base rate, base_rate x RR is a probability, so RR &lt;= 1/base_rate.</summary>
    public static double MaxLogDistance(Scenario scenario, FlagDirection direction)
    {
        double max = Math.Log(MaxRateRatio);
        if (direction == FlagDirection.Up && scenario.Referrals.BaseRate is double b) max = Math.Min(max, Math.Log(1 / b));
        return max;
    }

    /// <summary>
    /// Expected recorded referrals per census group, E[X_g]: expected referrals per cell, times the chance the
    /// cell's group is recorded, times the chance it is recorded as g (the assignment matrix when officers assign it).
    /// </summary>
    public static ImmutableArray<double> ExpectedRecorded(Scenario scenario)
    {
        Population population = scenario.Population;
        var table = new CellTable(population, scenario.Referrals);
        Misclassification? mis = scenario.Recording.Misclassification;
        ImmutableArray<string> categories = mis?.RecordedCategories(population) ?? [.. population.Groups.Select(g => g.Name)];
        double[,]? assign = mis?.AssignmentMatrix(population);
        int[] categoryGroup = [.. categories.Select(population.IndexOf)];
        double scale = scenario.Referrals.Total is long total ? total : 1; // total mode: cell weights are shares of the total
        var expected = new double[population.Groups.Length];
        foreach (CellTable.Cell cell in table.Cells)
        {
            double recorded = scale * table.ExpectedReferralWeight(cell, population,
                scenario.Referrals) * (1 - scenario.Recording.Missing.MissingProbability(cell.Key));
            for (int k = 0; k < categories.Length; k++)
            {
                if (categoryGroup[k] < 0) continue;
                double share = assign is null ? (k == cell.Key.Group ? 1 : 0) : assign[cell.Key.Group, k];
                expected[categoryGroup[k]] += recorded * share;
            }
        }
        return [.. expected];
    }

    /// <summary>
    /// The normal-approximation MDRR of the Katz rule: the rate ratio at which the expected recorded log rate ratio
    /// D is (z_{1-alpha/2} + z_power) Katz standard errors from 0, the SE taken at the expected recorded counts,
    /// SE^2 = 1/E[X_g] - 1/N_g + 1/E[X_ref] - 1/N_ref. The counts depend on the rate ratio, so it is solved by the
    /// fixed point t &lt;- t + (z SE(t) - D(t)) on t = |log RR| (with complete, unbiased recording D(t) = t and this is
    /// t &lt;- z SE(t)), falling back to bisection if that does not settle. Null when no rate ratio in range gets there.
    /// </summary>
    public static double? AnalyticMdrr(Scenario scenario, string group, double power, FlagDirection direction)
    {
        int g = scenario.Population.IndexOf(group), reference = scenario.Population.ReferenceIndex;
        if (g < 0 || g == reference) return null;
        double z = Normal.InvCDF(0, 1, 1 - scenario.Simulation.Alpha / 2) + Normal.InvCDF(0, 1, power);
        if (!(z > 0)) return null;
        double sign = direction == FlagDirection.Up ? 1 : -1;
        double tMax = MaxLogDistance(scenario, direction);
        double nG = scenario.Population.Groups[g].Census, nRef = scenario.Population.Groups[reference].Census;

        // h(t) = z SE(t) - D(t): positive while the expected estimate is too close to 1 to be flagged.
        double H(double t)
        {
            Scenario? s = WithRateRatio(scenario, group, Math.Exp(sign * t));
            if (s is null) return double.NaN;
            ImmutableArray<double> e = ExpectedRecorded(s);
            if (!(e[g] > 0 && e[reference] > 0)) return double.NaN;
            double se = Math.Sqrt(Math.Max(0, 1 / e[g] - 1 / nG + 1 / e[reference] - 1 / nRef));
            double d = sign * Math.Log(e[g] / nG / (e[reference] / nRef));
            return z * se - d;
        }

        double current = 0;
        for (int i = 0; i < 200; i++)
        {
            double h = H(current);
            if (double.IsNaN(h)) break;
            double next = current + h;
            if (!(next >= 0 && next <= tMax)) break;
            if (Math.Abs(next - current) <= 1e-12 * Math.Max(1, next)) return Math.Exp(sign * next);
            current = next;
        }

        // Bisection on [0, tMax] for the first sign change of h, scanning outward so the root nearest 1 is found.
        double lo = 0, hLo = H(0);
        if (double.IsNaN(hLo) || hLo <= 0) return null;
        for (int k = 1; k <= 64; k++)
        {
            double hi = tMax * k / 64, hHi = H(hi);
            if (double.IsNaN(hHi)) return null;
            if (hHi <= 0)
            {
                for (int i = 0; i < 200 && hi - lo > 1e-13 * Math.Max(1, hi); i++)
                {
                    double mid = 0.5 * (lo + hi), hMid = H(mid);
                    if (double.IsNaN(hMid)) return null;
                    if (hMid > 0) lo = mid; else hi = mid;
                }
                return Math.Exp(sign * 0.5 * (lo + hi));
            }
            lo = hi;
        }
        return null;
    }
}
