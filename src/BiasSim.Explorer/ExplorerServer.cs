using System.Net;
using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace BiasSim.Explorer;

/// <summary>
/// The explorer's web server: Kestrel on one address (loopback unless the user says otherwise), the embedded page, and
/// four JSON/YAML endpoints. Handlers are plain <see cref="RequestDelegate"/>s with source-generated JSON: no reflection.
/// </summary>
public sealed class ExplorerServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ExplorerServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The page's address, with the port the system chose when asked for port 0.</summary>
    public Uri Url { get; }

    /// <summary>Cancelled when the host stops on its own: SIGTERM (kill, a service manager) or Ctrl+C seen by ASP.NET Core.</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    private static readonly (string Path, string Resource, string ContentType)[] Assets =
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/index.html", "index.html", "text/html; charset=utf-8"),
        ("/app.js", "app.js", "text/javascript; charset=utf-8"),
        ("/app.css", "app.css", "text/css; charset=utf-8"),
        ("/favicon.svg", "favicon.svg", "image/svg+xml"),
        ("/favicon.ico", "favicon.svg", "image/svg+xml"),
    ];

    /// <summary>Starts serving on <paramref name="address"/>:<paramref name="port"/> (0: any free port).</summary>
    public static async Task<ExplorerServer> StartAsync(ExplorerHooks hooks, IPAddress address, int port, CancellationToken cancellationToken = default)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(ExplorerServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(address, port);
            k.AddServerHeader = false;
            k.Limits.MaxRequestLineSize = 16 * 1024;
            k.Limits.MaxRequestBodySize = 0;
        });
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ExplorerJson.Default));
        WebApplication app = builder.Build();

        bool loopbackOnly = IPAddress.IsLoopback(address);
        app.Use(async (context, next) =>
        {
            // Bound to loopback, only the loopback names are served: a web page elsewhere cannot reach the explorer through
            // a DNS name that resolves to 127.0.0.1 (DNS rebinding).
            if (loopbackOnly && !IsLoopbackHost(context.Request.Host.Host))
            {
                context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
                return;
            }
            IHeaderDictionary headers = context.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
                                            "form-action 'none'; frame-ancestors 'none'; base-uri 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
            await next(context);
        });

        foreach (var (path, resource, contentType) in Assets)
        {
            byte[] bytes = ReadAsset(resource);
            app.MapGet(path, (RequestDelegate)(context =>
            {
                context.Response.ContentType = contentType;
                return context.Response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
            }));
        }

        var engine = new ExplorerEngine(hooks, Environment.ProcessorCount);
        // One computation of each kind at a time: each already uses every core, and a queue keeps a held-down arrow key from
        // piling up work. The power curve (nine runs) has its own queue so that it never delays the results of the next change.
        var runGate = new SemaphoreSlim(1, 1);
        var powerGate = new SemaphoreSlim(1, 1);
        app.MapGet("/api/scenarios", (RequestDelegate)(context =>
        {
            IReadOnlyList<ScenarioListItem> items = [.. BundledScenarios.All.Select(p => new ScenarioListItem(p.Key, DescriptionOf(hooks, p.Key, p.Value)))];
            return Json(context, StatusCodes.Status200OK, items, ExplorerJson.Default.IReadOnlyListScenarioListItem);
        }));
        app.MapGet("/api/run", (RequestDelegate)(context =>
            Compute(context, engine, runGate, (r, ct) => engine.Run(r, ct), ExplorerJson.Default.RunResponse)));
        app.MapGet("/api/power", (RequestDelegate)(context =>
            Compute(context, engine, powerGate, (r, ct) => engine.Power(r, ct), ExplorerJson.Default.PowerResponse)));
        app.MapGet("/api/scenario.yaml", (RequestDelegate)(async context =>
        {
            if (Resolve(context, engine) is not { } resolved)
            {
                await Errors(context);
                return;
            }
            var (yaml, errors) = engine.Download(resolved);
            if (yaml is null)
            {
                await Json(context, StatusCodes.Status500InternalServerError, new ErrorResponse(errors), ExplorerJson.Default.ErrorResponse);
                return;
            }
            context.Response.ContentType = "application/yaml; charset=utf-8";
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"{resolved.Scenario.Name}.yaml\"";
            await context.Response.WriteAsync(yaml, context.RequestAborted);
        }));

        await app.StartAsync(cancellationToken);
        string? bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        int actualPort = bound is null ? port : new Uri(bound).Port;
        string host = address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? Dns.GetHostName()
            : address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        return new ExplorerServer(app, new Uri($"http://{host}:{actualPort}/"));
    }

    private static string DescriptionOf(ExplorerHooks hooks, string name, string text) =>
        hooks.Load(text, BundledScenarios.FileName(name), []).Scenario?.Description ?? "";

    private static bool IsLoopbackHost(string host) =>
        host is "localhost" or "127.0.0.1" or "[::1]" or "::1" || (IPAddress.TryParse(host, out IPAddress? ip) && IPAddress.IsLoopback(ip));

    /// <summary>The query's errors, kept for <see cref="Errors"/>; null when the view cannot be computed.</summary>
    private static ExplorerEngine.Resolved? Resolve(HttpContext context, ExplorerEngine engine)
    {
        IQueryCollection q = context.Request.Query;
        StringValues sets = q["set"];
        var (query, errors) = ExploreQuery.Parse(q["scenario"], q["seed"], q["replicates"], [.. sets]);
        if (query is null)
        {
            context.Items[ErrorsKey] = errors;
            return null;
        }
        var (resolved, loadErrors) = engine.Resolve(query);
        context.Items[ErrorsKey] = loadErrors;
        context.Items[ScenarioErrorsKey] = resolved is null;
        return resolved;
    }

    private const string ErrorsKey = "biassim.errors", ScenarioErrorsKey = "biassim.scenario-errors";

    /// <summary>
    /// A malformed request (no such scenario, a file path, too many replicates, an override without '=') is a 400. A
    /// well-formed request for a scenario the loader refuses (an edit the page made, such as a missing share that a recording
    /// ratio cannot reach) is answered 200 with the loader's messages on the computing endpoints: the page shows them, and
    /// the browser logs no failed request for an edit that is the user's to correct. The download is a 400 either way.
    /// </summary>
    private static Task Errors(HttpContext context, bool scenarioErrorsAreAnswers = false)
    {
        bool answer = scenarioErrorsAreAnswers && context.Items[ScenarioErrorsKey] is true;
        return Json(context, answer ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest,
            new ErrorResponse((IReadOnlyList<string>?)context.Items[ErrorsKey] ?? []), ExplorerJson.Default.ErrorResponse);
    }

    private static async Task Compute<T>(HttpContext context, ExplorerEngine engine, SemaphoreSlim gate,
        Func<ExplorerEngine.Resolved, CancellationToken, T> work, JsonTypeInfo<T> type)
    {
        if (Resolve(context, engine) is not { } resolved)
        {
            await Errors(context, scenarioErrorsAreAnswers: true);
            return;
        }
        CancellationToken aborted = context.RequestAborted;
        try
        {
            await gate.WaitAsync(aborted);
            try
            {
                T result = await Task.Run(() => work(resolved, aborted), aborted);
                await Json(context, StatusCodes.Status200OK, result, type);
            }
            finally
            {
                gate.Release();
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The page moved on (a newer request replaced this one); nobody is waiting for the answer.
        }
    }

    private static Task Json<T>(HttpContext context, int status, T value, JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(value, type, "application/json; charset=utf-8", context.RequestAborted);
    }

    private static byte[] ReadAsset(string name)
    {
        Assembly assembly = typeof(ExplorerServer).Assembly;
        using Stream stream = assembly.GetManifestResourceStream("wwwroot/" + name)
            ?? throw new InvalidOperationException($"the explorer's {name} is missing from the build");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
