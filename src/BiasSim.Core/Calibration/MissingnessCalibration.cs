using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Calibration;

/// <summary>
/// Solves for the log-odds shift that makes the expected overall missing share equal a target exactly.
/// Expected missing share is sum_c w_c m_c(shift) / sum_c w_c over cells weighted by expected referrals,
/// strictly increasing in the shift wherever some cell's missingness is strictly between 0 and 1, so
/// bisection converges to the root at double precision. (mice::ampute's documented shortfall against
/// its requested proportion comes from calibrating on the sample rather than on expectations.)
/// </summary>
public static class MissingnessCalibration
{
    /// <summary>Expected share of referrals whose attribute <paramref name="attribute"/> (0 = ethnicity) goes unrecorded.</summary>
    public static double ExpectedMissingShare(CellTable table, Population population, ReferralProcess referrals, MissingnessMechanism missing, double shift,
        int attribute = 0)
    {
        double weight = 0, missingWeight = 0;
        foreach (CellTable.Cell cell in table.Cells)
        {
            double w = table.ExpectedReferralWeight(cell, population, referrals);
            weight += w;
            missingWeight += w * missing.MissingProbability(cell.Key.ForAttribute(attribute), shift);
        }
        return missingWeight / weight;
    }

    /// <summary>The common recording scale for <paramref name="target"/>, and the smallest missing share the ratios allow.</summary>
    /// <param name="Scale">s: the reference group's recording probability; group g's is s x ratio_g.</param>
    /// <param name="Reachable">False when some group present would need a recording probability above 1 (s x ratio_g &gt; 1).</param>
    /// <param name="LowestShare">The smallest reachable missing share, 1 - rbar / max ratio (the most-recorded group at probability 1).</param>
    /// <param name="CappedGroup">The group with the largest ratio among those present: the one that hits 1 first.</param>
    public readonly record struct RecordingScaleResult(double Scale, bool Reachable, double LowestShare, int CappedGroup);

    /// <summary>
    /// Closed form: the expected missing share is sum_c w_c (1 - s r_g(c)) / sum_c w_c = 1 - s rbar, with rbar the
    /// referral-weighted mean recording ratio, so s = (1 - target) / rbar. Exact, no iteration, and the ratio of any
    /// two groups' recording probabilities is exactly the ratio of their declared ratios.
    /// </summary>
    public static RecordingScaleResult RecordingScale(
        CellTable table, Population population, ReferralProcess referrals, MnarRatioMissingness missing, double target, int attribute = 0)
    {
        double weight = 0, ratioWeight = 0, maxRatio = 0;
        int capped = -1;
        foreach (CellTable.Cell cell in table.Cells)
        {
            int g = cell.Key.ForAttribute(attribute).Group;
            double w = table.ExpectedReferralWeight(cell, population, referrals);
            if (w <= 0) continue;
            double r = missing.RecordingRatioByGroup[g];
            weight += w;
            ratioWeight += w * r;
            if (r > maxRatio) { maxRatio = r; capped = g; }
        }
        double rbar = ratioWeight / weight;
        if (!(rbar > 0)) return new RecordingScaleResult(double.NaN, false, 1, capped);
        double scale = (1 - target) / rbar;
        double lowest = 1 - rbar / maxRatio;
        return new RecordingScaleResult(scale, scale * maxRatio <= 1, lowest, capped);
    }

    /// <summary>Expected missing share within each group (for <paramref name="attribute"/> &gt; 0: each level of that attribute),
    /// at the mechanism's own calibration; <paramref name="groups"/> is the number of groups or levels. A group no referral
    /// can come from gets NaN.</summary>
    public static double[] ExpectedMissingShareByGroup(
        CellTable table, Population population, ReferralProcess referrals, MissingnessMechanism missing, int groups, int attribute = 0)
    {
        var weight = new double[groups];
        var missingWeight = new double[groups];
        foreach (CellTable.Cell cell in table.Cells)
        {
            CellKey key = cell.Key.ForAttribute(attribute);
            double w = table.ExpectedReferralWeight(cell, population, referrals);
            weight[key.Group] += w;
            missingWeight[key.Group] += w * missing.MissingProbability(key);
        }
        return [.. missingWeight.Select((m, g) => weight[g] > 0 ? m / weight[g] : double.NaN)];
    }

    /// <summary>The shift, or null when no shift can reach the target (the cells fixed at 0 or 1 decide the share alone).
    /// For recording ratios the shift is -log of the closed-form scale (<see cref="RecordingScale"/>).</summary>
    public static double? Solve(CellTable table, Population population, ReferralProcess referrals, MissingnessMechanism missing, double target,
        int attribute = 0)
    {
        if (missing is MnarRatioMissingness ratios)
        {
            RecordingScaleResult r = RecordingScale(table, population, referrals, ratios, target, attribute);
            return r.Reachable ? -Math.Log(r.Scale) : null;
        }
        double lo = -60, hi = 60; // logistic(+-60) is 1 within 1e-26: beyond any reachable share
        double at(double s) => ExpectedMissingShare(table, population, referrals, missing, s, attribute) - target;
        if (at(lo) > 0 || at(hi) < 0) return null;
        for (int i = 0; i < 200 && hi - lo > 1e-15 * Math.Max(1, Math.Abs(lo)); i++)
        {
            double mid = 0.5 * (lo + hi);
            if (at(mid) < 0) lo = mid; else hi = mid;
        }
        double root = 0.5 * (lo + hi);
        return Math.Abs(at(root)) <= 1e-12 ? root : null;
    }
}
