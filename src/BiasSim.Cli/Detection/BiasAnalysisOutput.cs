using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using BiasSim.Cli.Output;
using BiasSim.Core.BiasAnalysis;
using BiasSim.Core.Scenarios;

namespace BiasSim.Cli.Detection;

/// <summary>What <c>detect --bias-analysis</c> computed: the priors file, the settings and one row per group.</summary>
internal sealed record BiasAnalysisResult(string PriorsFile, string Reference, int Draws, ulong Seed, double Alpha, ImmutableArray<BiasAdjustedRow> Rows)
{
    /// <summary>Whether the priors file drew misclassification matrices too.</summary>
    public bool Misclassification { get; init; }
}

/// <summary>
/// Probabilistic bias analysis of the counts <c>detect</c> read: loads the priors file (the scenario loader's guarded
/// parse, errors with file, line and key), runs <see cref="ProbabilisticBiasAnalysis"/>, and renders
/// bias_analysis.csv and plain sentences.
/// </summary>
internal static class BiasAnalysisOutput
{
    public const string CsvFile = "bias_analysis.csv";

    /// <summary>The columns of bias_analysis.csv, in order: a public contract.</summary>
    public static readonly ImmutableArray<string> Columns = ["group", "observed_rr", "median", "lower", "upper", "share_above_1", "draws"];

    public static BiasAnalysisResult Run(DetectionResult detection, string priorsFile, int? draws, ulong seed)
    {
        string text = Read(priorsFile);
        string[] groups = [.. detection.Population.Groups.Select(g => g.Name)];
        BiasPriorsLoadResult loaded = BiasPriorsLoader.Load(text, priorsFile, groups, detection.Reference);
        if (loaded.Priors is not BiasPriors priors) throw new UserInputException([.. loaded.Errors.Select(e => e.ToString())]);
        if (draws is < 1 or > BiasPriorsLoader.MaxDraws)
        {
            throw new UserInputException($"--draws: found {draws}, expected a whole number of draws from 1 to {BiasPriorsLoader.MaxDraws:N0}");
        }
        int n = draws ?? priors.Draws ?? ProbabilisticBiasAnalysis.DefaultDraws;
        long[] census = [.. detection.Population.Groups.Select(g => g.Census)];
        ImmutableArray<BiasAdjustedRow> rows = ProbabilisticBiasAnalysis.Run(groups, detection.Recorded, census, detection.Reference, priors, n, seed,
            detection.Request.Alpha);
        return new BiasAnalysisResult(priorsFile, detection.Reference, n, seed, detection.Request.Alpha, rows)
        {
            Misclassification = priors.Misclassification is not null,
        };
    }

    /// <summary>Reads the priors file with the limits a scenario file has (size, no binary data), in the same words.</summary>
    private static string Read(string path)
    {
        string Fail(string message) => throw new UserInputException(new ScenarioError(path, 1, 1, "", message).ToString());
        try
        {
            var info = new FileInfo(path);
            if (Directory.Exists(path)) Fail("is a folder, expected a priors file (.yaml)");
            if (!info.Exists) Fail("no such file, expected a priors file (.yaml)");
            string limit = $"expected a priors file of at most {ScenarioFile.MaxBytes:N0} bytes";
            if (info.Length > ScenarioFile.MaxBytes) Fail($"the file is {info.Length:N0} bytes, {limit}");
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var buffer = new byte[ScenarioFile.MaxBytes + 1];
            int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (read > ScenarioFile.MaxBytes) Fail($"the file is more than {ScenarioFile.MaxBytes:N0} bytes, {limit}");
            string text = new StreamReader(new MemoryStream(buffer, 0, read), detectEncodingFromByteOrderMarks: true).ReadToEnd();
            if (text.Contains('\0')) Fail("holds binary data (a NUL byte), expected a YAML text file");
            return text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException(new ScenarioError(path, 1, 1, "", $"cannot be read ({e.Message})").ToString());
        }
    }

    public static string RenderCsv(BiasAnalysisResult result)
    {
        using var csv = new CsvText();
        csv.Row(Columns);
        foreach (BiasAdjustedRow r in result.Rows)
        {
            csv.Row([r.Group, N(r.ObservedRateRatio), N(r.Median), N(r.Lower), N(r.Upper), N(r.ShareAbove1), r.Draws.ToString(CultureInfo.InvariantCulture)]);
        }
        return csv.ToString();
    }

    /// <summary>Plain sentences: what each group's adjusted rate ratio is under the stated assumption, and what that
    /// allows one to say. A simulation interval is not a confidence interval: it holds the analyst's assumptions too.</summary>
    public static string RenderConsole(BiasAnalysisResult result)
    {
        string level = (100 * (1 - result.Alpha)).ToString("0.##", CultureInfo.InvariantCulture) + "%";
        var sb = new StringBuilder();
        sb.Append('\n').Append("Probabilistic bias analysis (").Append(result.PriorsFile).Append(", ")
          .Append(result.Draws.ToString("N0", CultureInfo.InvariantCulture)).Append(" draws, seed ").Append(result.Seed.ToString(CultureInfo.InvariantCulture))
          .Append("): each draw takes a recording ratio from its prior")
          .Append(result.Misclassification ? ", corrects the recorded categories by a misclassification matrix drawn from its Dirichlet prior," : "")
          .Append(" and adds the sampling error of the observed rate ratio.\n");
        foreach (string sentence in Sentences(result, level)) sb.Append("  ").Append(sentence).Append('\n');
        return sb.ToString();
    }

    public static IEnumerable<string> Sentences(BiasAnalysisResult result, string level)
    {
        string reference = result.Reference;
        foreach (BiasAdjustedRow r in result.Rows)
        {
            if (r.ObservedRateRatio is not double observed)
            {
                yield return $"{r.Group}: cannot be measured (no recorded referrals for {r.Group} or {reference}).";
                continue;
            }
            if (r.Median is null)
            {
                yield return $"{r.Group}: cannot be measured: every drawn misclassification matrix corrected {r.Group} or {reference} to no referrals at all.";
                continue;
            }
            string shape = r.Prior.Describe() is { Length: > 0 } d ? $" ({d})" : "";
            string assumption = r.PriorGiven
                ? $"assuming {r.Group} referrals have a recorded group {r.Prior.Span()} times as often as {reference} ones{shape}"
                : $"with no prior given, assuming {r.Group} referrals have a recorded group as often as {reference} ones";
            string above = r.ShareAbove1 == 1 ? "all draws above 1" : r.ShareAbove1 == 0 ? "no draw above 1"
                : r.ShareAbove1 > 0.999 ? "over 99.9% of draws above 1" : r.ShareAbove1 < 0.001 ? "under 0.1% of draws above 1"
                : string.Create(CultureInfo.InvariantCulture, $"{100 * r.ShareAbove1:0.#}% of draws above 1");
            string conclusion = r.Lower > 1 ? $"under this assumption the counts say {r.Group} people are referred more often than {reference} people"
                : r.Upper < 1 ? $"under this assumption the counts say {r.Group} people are referred less often than {reference} people"
                : $"under this assumption the counts cannot tell whether {r.Group} people are referred more or less often than {reference} people";
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{r.Group}: recorded referrals alone give a rate ratio of {observed:0.00} against {reference}; {assumption}, the bias-adjusted rate ratio is "
                + $"{r.Median:0.00} ({level} simulation interval {r.Lower:0.00} to {r.Upper:0.00}; {above}): {conclusion}.{Dropped(r, reference)}");
        }
    }

    private static string Dropped(BiasAdjustedRow r, string reference) => r.DroppedDraws == 0 ? "" : string.Format(CultureInfo.InvariantCulture,
        " {0:N0} of {1:N0} draws were left out: their matrix corrected {2} or {3} to no referrals, "
        + "so the rest condition on a correction that leaves both.", r.DroppedDraws, r.Draws + r.DroppedDraws, r.Group, reference);

    private static string N(double? v) => v is double d ? d.ToString("R", CultureInfo.InvariantCulture) : "";
}
