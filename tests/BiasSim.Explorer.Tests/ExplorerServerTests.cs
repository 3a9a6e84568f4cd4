using System.Net;
using System.Text.Json;
using BiasSim.Cli;

namespace BiasSim.Explorer.Tests;

/// <summary>The explorer's HTTP surface on a real socket: numbers equal <c>biassim run</c>, the download reproduces the view,
/// and every kind of bad request is refused with a message.</summary>
public sealed class ExplorerServerTests(ExplorerHost host) : IClassFixture<ExplorerHost>
{
    private const string View = "scenario=mcar-65&replicates=2000&seed=5&set=referrals.rate_ratios.Black=1.5";

    private async Task<(HttpStatusCode Status, JsonElement Body)> Get(string path, string? hostHeader = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (hostHeader is not null) request.Headers.Host = hostHeader;
        using HttpResponseMessage response = await host.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        JsonElement body = text.StartsWith('{') || text.StartsWith('[') ? JsonDocument.Parse(text).RootElement.Clone() : default;
        return (response.StatusCode, body);
    }

    /// <summary>The page's table, as CSV rows: the header, then each row's cells in column order.</summary>
    private static List<string[]> AsCsv(JsonElement run) =>
    [
        [.. run.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!)],
        .. run.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("cells").EnumerateArray().Select(c => c.GetString()!).ToArray()),
    ];

    [Fact]
    public void Serves_on_loopback_by_default()
    {
        Assert.Equal("127.0.0.1", host.Url.Host);
        Assert.Null(host.ExitCode);
    }

    [Fact]
    public async Task Run_equals_the_cli_run_with_the_same_scenario_overrides_seed_and_replicates()
    {
        var (status, run) = await Get("/api/run?" + View + "&set=recording.missing.share=0.5");
        Assert.Equal(HttpStatusCode.OK, status);
        using var temp = new TempFolder();
        List<string[]> cli = Cli.RunCsv(temp.Path, Path.Combine(Cli.RepoRoot, "scenarios", "mcar-65.yaml"), "--seed", "5", "--replicates", "2000",
            "--set", "referrals.rate_ratios.Black=1.5", "--set", "recording.missing.share=0.5");
        List<string[]> page = AsCsv(run);
        Assert.Equal(cli.Count, page.Count);
        for (int i = 0; i < cli.Count; i++) Assert.Equal(cli[i], page[i]);
        Assert.Equal("biassim run scenarios/mcar-65.yaml --seed 5 --replicates 2000 --set referrals.rate_ratios.Black=1.5 --set recording.missing.share=0.5",
            run.GetProperty("command").GetString());
        // The plain words are the CLI's: the verdict line starts as the console's does, and a flag is never called "detected".
        Assert.StartsWith("Verdict: ", run.GetProperty("verdict").GetString());
        Assert.Contains(run.GetProperty("rows").EnumerateArray(),
            r => r.GetProperty("sentence").GetString()?.Contains("of 100 audits", StringComparison.Ordinal) == true);
        foreach (JsonElement row in run.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("outcomes").ValueKind == JsonValueKind.Array))
        {
            Assert.Equal(100, row.GetProperty("outcomes").EnumerateArray().Sum(o => o.GetProperty("per100").GetInt32()));
        }
    }

    [Fact]
    public async Task Downloaded_scenario_run_by_the_cli_alone_reproduces_the_view()
    {
        // Mechanism, officer share and detectors changed as the page changes them.
        string view = View +
                      "&set=" + Uri.EscapeDataString("recording.missing={mechanism: mnar, recording_ratio: {Asian: 0.8, Black: 0.6}, target_share: 0.5}") +
                      "&set=" + Uri.EscapeDataString("recording.misclassification={matrix: officer-stop-search-2021, assigned_by: {officer: 0.4}}") +
                      "&set=" + Uri.EscapeDataString("detectors=[rate-ratio, chi-square, bounds]");
        var (status, run) = await Get("/api/run?" + view);
        Assert.True(status == HttpStatusCode.OK, run.ToString());
        using HttpResponseMessage download = await host.Client.GetAsync("/api/scenario.yaml?" + view);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("attachment; filename=\"mcar-65.yaml\"", download.Content.Headers.ContentDisposition?.ToString());
        using var temp = new TempFolder();
        string file = Path.Combine(temp.Path, "mcar-65.yaml");
        await File.WriteAllTextAsync(file, await download.Content.ReadAsStringAsync());
        List<string[]> cli = Cli.RunCsv(temp.Path, file);
        List<string[]> page = AsCsv(run);
        Assert.Equal(cli.Count, page.Count);
        for (int i = 0; i < cli.Count; i++) Assert.Equal(cli[i], page[i]);
        Assert.Contains(page, r => r[0] == "bounds");
    }

    /// <summary>A point of the power curve is the run at that missing share with the view's seed (common random numbers), so
    /// it must equal the run endpoint's correct_rate there, to the last digit.</summary>
    [Fact]
    public async Task Power_curve_points_are_runs_at_that_missing_share_with_the_same_seed()
    {
        // A small over-referral (1.1x), so that the missing share matters: with 1.5x nearly every audit is correct at any share.
        const string view = "scenario=mcar-65&replicates=2000&seed=5&set=referrals.rate_ratios.Black=1.1";
        var (status, power) = await Get("/api/power?" + view);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2000, power.GetProperty("replicates").GetInt32());
        JsonElement black = power.GetProperty("series").EnumerateArray().Single(s => s.GetProperty("group").GetString() == "Black");
        Assert.True(black.GetProperty("hasEffect").GetBoolean());
        foreach (double share in new[] { 0.3, 0.7 })
        {
            JsonElement point = black.GetProperty("points").EnumerateArray().Single(p => p.GetProperty("missingShare").GetDouble() == share);
            var (_, run) = await Get($"/api/run?{view}&set=recording.missing.share={share.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            List<string[]> table = AsCsv(run);
            int col = Array.IndexOf(table[0], "correct_rate");
            string[] row = table.Single(r => r[0] == "rate-ratio" && r[1] == "Black");
            Assert.Equal(row[col], point.GetProperty("correct").GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        }
        // More missing data, fewer correct audits of a real 1.1x over-referral. Normal approximation: about 1,600 recorded Black
        // referrals at 30% missing give z = ln 1.1 / 0.025 = 3.8 (power near 0.97), about 230 at 90% give z = 1.4 (power near 0.3);
        // a gap of 0.3 leaves room for the approximation, far beyond the Monte Carlo SE of about 1 point per point.
        double at30 = black.GetProperty("points")[2].GetProperty("correct").GetDouble();
        double at90 = black.GetProperty("points")[8].GetProperty("correct").GetDouble();
        Assert.True(at30 > at90 + 0.3, $"correct at 30% missing {at30}, at 90% {at90}");
    }

    /// <summary>Malformed requests: 400 everywhere.</summary>
    [Theory]
    [InlineData("scenario=../scenarios/mcar-65", "file paths are refused")]
    [InlineData("scenario=%2Fetc%2Fpasswd", "file paths are refused")]
    [InlineData("scenario=scenarios/mcar-65.yaml", "file paths are refused")]
    [InlineData("scenario=C:mcar", "file paths are refused")]
    [InlineData("scenario=mcar65", "did you mean 'mcar-65'")]
    [InlineData("scenario=mcar-65&replicates=100001", "from 1 to 100,000")]
    [InlineData("scenario=mcar-65&replicates=-3", "expected a whole number from 1")]
    [InlineData("scenario=mcar-65&seed=abc", "seed=abc")]
    [InlineData("scenario=mcar-65&set=nonsense", "expected path=value")]
    public async Task Bad_requests_are_refused_with_a_message_naming_the_problem(string query, string expected)
    {
        foreach (string endpoint in new[] { "/api/run", "/api/power", "/api/scenario.yaml" })
        {
            var (status, body) = await Get($"{endpoint}?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, status);
            string errors = string.Join("\n", body.GetProperty("errors").EnumerateArray().Select(e => e.GetString()));
            Assert.Contains(expected, errors, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>Edits the loader refuses: the loader's own messages (naming the --set), answered 200 to the page (it shows
    /// them; the browser logs no failed request) and 400 to a download.</summary>
    [Theory]
    [InlineData("scenario=mcar-65&set=simulation.replicates=5000000", "at most 100,000")]
    [InlineData("scenario=mcar-65&set=recording.missing.share=1.5", "--set recording.missing.share=1.5")]
    [InlineData("scenario=mcar-65&set=referrals.rate_ratio.Black=2", "rate_ratio")]
    [InlineData("scenario=mcar-65&set=recording.missing={mechanism: mnar, recording_ratio: {Black: 0.5}, target_share: 0.01}", "target_share")]
    public async Task Scenarios_the_loader_refuses_come_back_with_its_messages(string query, string expected)
    {
        foreach (string endpoint in new[] { "/api/run", "/api/power", "/api/scenario.yaml" })
        {
            var (status, body) = await Get($"{endpoint}?{query}");
            Assert.Equal(endpoint.EndsWith(".yaml", StringComparison.Ordinal) ? HttpStatusCode.BadRequest : HttpStatusCode.OK, status);
            string errors = string.Join("\n", body.GetProperty("errors").EnumerateArray().Select(e => e.GetString()));
            Assert.Contains(expected, errors, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task The_yaml_guard_of_the_cli_applies_to_overrides()
    {
        string deep = new string('[', 200) + new string(']', 200);
        var (status, body) = await Get("/api/run?scenario=mcar-65&set=" + Uri.EscapeDataString("detectors=" + deep));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body.TryGetProperty("rows", out _));
        Assert.Contains("--set detectors=", body.GetProperty("errors")[0].GetString());
        string bomb = "{a: &a [x,x,x,x,x,x,x,x,x,x], b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a], c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b], " +
                      "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c], e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d], f: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]}";
        (status, body) = await Get("/api/scenario.yaml?scenario=mcar-65&set=" + Uri.EscapeDataString("population.groups=" + bomb));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("--set population.groups=", body.GetProperty("errors")[0].GetString());
        var (many, manyBody) = await Get("/api/run?scenario=mcar-65" + string.Concat(Enumerable.Repeat("&set=seed=1", ExploreQuery.MaxOverrides + 1)));
        Assert.Equal(HttpStatusCode.BadRequest, many);
        Assert.Contains("at most 64", manyBody.GetProperty("errors")[0].GetString());
    }

    [Fact]
    public async Task Other_host_names_are_refused_on_loopback()
    {
        var (status, _) = await Get("/", hostHeader: "attacker.example");
        Assert.Equal(HttpStatusCode.MisdirectedRequest, status);
        (status, _) = await Get("/", hostHeader: $"localhost:{host.Url.Port}");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Page_assets_and_favicon_are_served_with_a_strict_content_policy()
    {
        foreach (var (path, type) in new[] { ("/", "text/html"), ("/app.js", "text/javascript"), ("/app.css", "text/css"), ("/favicon.svg", "image/svg+xml") })
        {
            using HttpResponseMessage response = await host.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
            string csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'none'", csp);
            Assert.Contains("connect-src 'self'", csp);
        }
        using HttpResponseMessage missing = await host.Client.GetAsync("/../../etc/passwd");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        string html = await host.Client.GetStringAsync("/");
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
    }

    [Fact]
    public async Task Every_bundled_scenario_runs()
    {
        var (_, list) = await Get("/api/scenarios");
        string[] names = [.. list.EnumerateArray().Select(s => s.GetProperty("name").GetString()!)];
        string[] files = [.. Directory.GetFiles(Path.Combine(Cli.RepoRoot, "scenarios"), "*.yaml")
            .Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal)];
        Assert.Equal(files, names);
        foreach (string name in names)
        {
            var (status, run) = await Get($"/api/run?scenario={name}&replicates=200");
            Assert.True(status == HttpStatusCode.OK, $"{name}: {run}");
            Assert.Equal(name, run.GetProperty("scenario").GetProperty("name").GetString());
        }
    }
}

/// <summary>The command's own refusals: exit 2 and a message naming the option, nothing served.</summary>
public sealed class ExploreCommandTests
{
    [Theory]
    [InlineData("--host", "example.com", "--host: found 'example.com'")]
    [InlineData("--port", "70000", "--port: found 70000")]
    public void Bad_options_exit_2_with_a_message(string option, string value, string expected)
    {
        var (code, _, stderr) = Cli.Run("explore", "--no-browser", option, value);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
    }

    [Fact]
    public void A_port_in_use_exits_2_with_a_message()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var (code, _, stderr) = Cli.Run("explore", "--no-browser", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2, code);
        Assert.Contains($"--port {port}", stderr);
        Assert.Contains("cannot listen there", stderr);
    }

    [Fact]
    public void The_command_is_listed_in_help()
    {
        var (code, stdout, _) = Cli.Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("explore", stdout);
        Assert.NotNull(CliApp.ExplorerHooks);
    }
}
