using System.Globalization;
using System.Text.RegularExpressions;

namespace BiasSim.Cli.Tests;

/// <summary><c>biassim report DIR</c> and <c>run --report</c>: a self-contained, accessible, escaped report.html and a report.md.</summary>
public partial class ReportCommandTests
{
    private const string Headline = "for Black people (true rate ratio 1.4, a 40% over-referral), ";

    [GeneratedRegex(@"<img\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ImgTag();

    [GeneratedRegex(@"\balt=""([^""]*)""")]
    private static partial Regex AltAttribute();

    [GeneratedRegex(@"\b(?:src|href|srcset|action|poster|data)\s*=\s*[""']?\s*(?:https?:)?//", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();

    /// <summary>Every start tag; escaped user text holds no '&lt;', so these are the page's real elements.</summary>
    [GeneratedRegex(@"<[a-zA-Z][^>]*>")]
    private static partial Regex StartTag();

    /// <summary>The checks every report.html must pass.</summary>
    private static string AssertSelfContainedAndAccessible(string folder)
    {
        string html = File.ReadAllText(Path.Combine(folder, "report.html"));
        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"en\">", html);
        foreach (Match tag in StartTag().Matches(html)) Assert.DoesNotMatch(ExternalReference(), tag.Value);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.Single(Regex.Matches(html, "<h1>"));
        Assert.Contains("<h2 id=\"h-summary\">In plain words</h2>", html);
        Assert.Contains("<h2 id=\"h-reproducibility\">Reproducibility</h2>", html);
        Assert.Contains("<th scope=\"col\">", html);
        Assert.Contains("<th scope=\"row\">", html);
        Assert.Contains("@media print", html);
        Assert.Contains("break-inside: avoid", html);

        var images = ImgTag().Matches(html);
        Assert.NotEmpty(images);
        foreach (Match img in images)
        {
            Match alt = AltAttribute().Match(img.Value);
            Assert.True(alt.Success && alt.Groups[1].Value.Trim().Length > 20,
                $"an <img> without a meaningful alt: {img.Value[..Math.Min(120, img.Value.Length)]}");
            Assert.Contains("src=\"data:image/png;base64,", img.Value);
        }
        return html;
    }

    [Fact]
    public void Run_with_report_writes_html_and_markdown_with_headline_plots_and_reproducibility()
    {
        using var tmp = new TempFolder();
        string folder = ReportFixtures.Run(tmp, "run", null, "--report");
        string html = AssertSelfContainedAndAccessible(folder);
        string md = File.ReadAllText(Path.Combine(folder, "report.md"));

        foreach (string text in new[] { html, md })
        {
            Assert.Contains(Headline, text);
            Assert.Contains("cli-test", text);
            Assert.Contains("What was assumed", text);
            Assert.Contains("missing completely at random", text);
            Assert.Contains("name: cli-test", text); // the scenario file
            Assert.Contains("Seed", text);
            Assert.Contains("31", text);
            Assert.Contains("600", text); // replicates
            Assert.Contains($"BiasSim {VersionInfo.Version}", text);
        }
        string rerun = $"biassim run {Path.Combine(folder, "scenario.yaml")} --seed 31 --replicates 600 --out {folder}";
        Assert.Contains(rerun, html);
        Assert.Contains(rerun, md);
        Assert.Contains("<p class=\"headline\">With 60% of ethnicity unrecorded: " + Headline, html);
        Assert.Contains("<th scope=\"col\">Flags a difference (95% band)</th>", html);

        // Markdown links the plot files that sit beside it.
        foreach (Match m in Regex.Matches(md, @"\]\((plots/[a-z0-9-]+\.(?:png|svg))\)"))
        {
            Assert.True(File.Exists(Path.Combine(folder, m.Groups[1].Value)), m.Groups[1].Value);
        }
        Assert.Contains("](plots/power.png)", md);
    }

    [Fact]
    public void Report_command_writes_into_out_folder_and_leaves_the_results_alone()
    {
        using var tmp = new TempFolder();
        string folder = ReportFixtures.Run(tmp, "run", null, "--no-plots");
        string[] before = [.. Directory.GetFileSystemEntries(folder).Order()];
        string outDir = tmp.Combine("shared", "report");
        CliResult r = Cli.Run("report", folder, "--out", outDir);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("", r.Stderr);
        Assert.Contains("report.html", r.Stdout);
        Assert.Equal(before, Directory.GetFileSystemEntries(folder).Order());
        AssertSelfContainedAndAccessible(outDir);
        Assert.True(File.Exists(Path.Combine(outDir, "report.md")));
        Assert.True(File.Exists(Path.Combine(outDir, "plots", "power.png")));
    }

    [Fact]
    public void Report_reloads_the_scenario_with_its_overrides()
    {
        using var tmp = new TempFolder();
        string folder = ReportFixtures.Run(tmp, "run", null, "--no-plots", "--set", "recording.missing.share=0.3", "--report");
        string html = File.ReadAllText(Path.Combine(folder, "report.html"));
        Assert.Contains("With 30% of ethnicity unrecorded: " + Headline, html);
        Assert.Contains("--set recording.missing.share=0.3", html);
        Assert.Contains("Plots were left out (--no-plots).", html);
    }

    [Fact]
    public void Hostile_description_and_group_names_are_escaped()
    {
        using var tmp = new TempFolder();
        string hostile = Cli.Scenario
            .Replace("description: small and fast",
                "description: \"<script>alert('x')</script> & <img src=https://evil.example/x.png> *not bold* [a](https://evil.example)\"")
            .Replace("Black", "\"<b>Black&Co</b>\"");
        string folder = ReportFixtures.Run(tmp, "run", hostile, "--report");
        string html = AssertSelfContainedAndAccessible(folder);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;img src=https://evil.example/x.png&gt;", html);
        Assert.Contains("&lt;b&gt;Black&amp;Co&lt;/b&gt;", html);
        Assert.DoesNotContain("<b>Black", html);

        string md = File.ReadAllText(Path.Combine(folder, "report.md"));
        // The scenario file is shown verbatim inside a code fence, where Markdown renders no HTML; everywhere else it is escaped.
        string prose = Regex.Replace(md, @"(?ms)^(`{3,})yaml\n.*?^\1$", "");
        Assert.Contains("<b>Black&Co</b>", md);
        Assert.DoesNotContain("<script", prose);
        Assert.DoesNotContain("<b>", prose);
        Assert.Contains("&lt;script&gt;", md);
        Assert.Contains("\\*not bold\\* \\[a\\]", md);
        ReportFixtures.AssertSvg(Path.Combine(folder, "plots", "power.svg")); // the group name inside the SVG is escaped too

        // The name becomes a folder and a title, so the loader only accepts safe characters.
        CliResult r = Cli.Run("run", tmp.File("bad-name.yaml", Cli.Scenario.Replace("name: cli-test", "name: \"<script>\"")), "--out", tmp.Combine("x"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("cannot be used as a folder name", r.Stderr);
    }

    [Fact]
    public void Sweep_report_states_how_detection_changes_across_the_sweep()
    {
        using var tmp = new TempFolder();
        double[] shares = [0.2, 0.9];
        string folder = ReportFixtures.Sweep(tmp, "sweep", ["recording.missing.share"],
            [.. shares.Select(s => (new[] { s.ToString(CultureInfo.InvariantCulture) }, ReportFixtures.ShareScenario(s)))]);
        CliResult r = Cli.Run("report", folder);
        Assert.True(r.ExitCode == 0, r.Stderr);
        string html = AssertSelfContainedAndAccessible(folder);
        Assert.Contains("<p class=\"headline\">As the share of ethnicity unrecorded goes from 20% to 90%, a true 40% over-referral of Black people would be " +
            "detected correctly (right direction, interval holding the truth) in", html);
        Assert.Contains("At recording.missing.share = 0.9: with 90% of ethnicity unrecorded", html);
        Assert.Contains("<th scope=\"col\">Share of ethnicity unrecorded (%)</th>", html);
        Assert.Contains("biassim sweep", html);
        Assert.Contains("--set recording.missing.share=0.2,0.9", html);
    }

    public static TheoryData<string, string> BadFolders => new()
    {
        { "missing", "no such folder" },
        { "empty", "not a BiasSim results folder (it has no summary.json)" },
        { "not-json", "not valid JSON" },
        { "other-tool", "not a BiasSim summary" },
        { "no-results", "holds no results" },
        { "a-file", "is a file" },
    };

    [Theory]
    [MemberData(nameof(BadFolders))]
    public void Report_on_a_folder_that_is_not_a_biassim_folder_exits_2_and_writes_nothing(string kind, string message)
    {
        using var tmp = new TempFolder();
        string folder = tmp.Combine(kind);
        switch (kind)
        {
            case "empty": Directory.CreateDirectory(folder); break;
            case "not-json": Directory.CreateDirectory(folder); File.WriteAllText(Path.Combine(folder, "summary.json"), "{ not json"); break;
            case "other-tool":
                Directory.CreateDirectory(folder);
                File.WriteAllText(Path.Combine(folder, "summary.json"), "{\"tool\": \"other\", \"rows\": []}"); break;
            case "no-results":
                Directory.CreateDirectory(folder);
                File.WriteAllText(Path.Combine(folder, "summary.json"), "{\"tool\": \"biassim\", \"rows\": []}"); break;
            case "a-file": File.WriteAllText(folder, "x"); break;
        }
        string[] before = Directory.Exists(folder) ? Directory.GetFileSystemEntries(folder) : [];
        string outDir = tmp.Combine("out");
        CliResult r = Cli.Run("report", folder, "--out", outDir);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Contains(message, r.Stderr);
        Assert.StartsWith(folder, r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.False(Directory.Exists(outDir), "nothing may be written for a bad folder");
        if (Directory.Exists(folder)) Assert.Equal(before, Directory.GetFileSystemEntries(folder));
    }

    public static TheoryData<string> BundledScenarios => [.. Directory.GetFiles(Path.Combine(Cli.RepoRoot, "scenarios"), "*.yaml")
        .Select(f => Path.GetFileName(f)).Order()];

    [Theory]
    [MemberData(nameof(BundledScenarios))]
    public void Every_bundled_scenario_gets_a_report_with_plots(string scenario)
    {
        using var tmp = new TempFolder();
        string folder = tmp.Combine("out");
        CliResult r = Cli.Run("run", Path.Combine(Cli.RepoRoot, "scenarios", scenario), "--out", folder, "--replicates", "300", "--quiet", "--report");
        Assert.True(r.ExitCode == 0, r.Stderr);
        string html = AssertSelfContainedAndAccessible(folder);
        Assert.Matches(@"<p class=""headline"">[^<]*( of 100 audits|cannot be measured)", html);
        ReportFixtures.AssertPng(Path.Combine(folder, "plots", "power.png"), 1600, 1000);
    }

    [Fact]
    public void Report_is_listed_in_help()
    {
        CliResult help = Cli.Run("--help");
        Assert.Contains("report", help.Stdout);
        CliResult runHelp = Cli.Run("run", "--help");
        Assert.Contains("--no-plots", runHelp.Stdout);
        Assert.Contains("--report", runHelp.Stdout);
    }
}
