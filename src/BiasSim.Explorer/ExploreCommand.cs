using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BiasSim.Explorer;

/// <summary><c>biassim explore [--port P] [--no-browser] [--host H]</c>: serve the explorer until Ctrl+C.</summary>
public static class ExploreCommand
{
    /// <summary>A fixed default, so a shared link keeps working from one session to the next.</summary>
    public const int DefaultPort = 5178;

    /// <summary>Exit codes as the README lists them (the CLI's own constants live in a project this one cannot see).</summary>
    private const int Success = 0, BadInput = 2;

    public static Command Build(TextWriter stdout, TextWriter stderr, ExplorerHooks hooks, CancellationToken cancellationToken)
    {
        var port = new Option<int>("--port", "-p")
        {
            Description = $"Port to serve on (default {DefaultPort}; 0 picks a free one)",
            DefaultValueFactory = _ => DefaultPort,
        };
        var host = new Option<string>("--host")
        {
            Description = "Address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 exposes the explorer to your network)",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var noBrowser = new Option<bool>("--no-browser") { Description = "Do not open a browser; just print the address" };
        var command = new Command("explore", "Serve a local web page to play with audits: change the scenario, see what 100 audits would conclude")
        {
            port, host, noBrowser,
        };
        command.SetAction(parse => Serve(stdout, stderr, hooks, parse.GetValue(host)!, parse.GetValue(port), parse.GetValue(noBrowser), cancellationToken));
        return command;
    }

    private static int Serve(
        TextWriter stdout, TextWriter stderr, ExplorerHooks hooks, string hostText, int port, bool noBrowser, CancellationToken cancellationToken)
    {
        if (port is < 0 or > 65535)
        {
            stderr.WriteLine($"--port: found {port}, expected a port from 1 to 65535 (or 0 for any free port)");
            return BadInput;
        }
        IPAddress? address = hostText == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(hostText, out IPAddress? ip) ? ip : null;
        if (address is null)
        {
            stderr.WriteLine($"--host: found '{hostText}', expected an IP address of this machine such as 127.0.0.1 (the default) " +
                             "or 0.0.0.0 (every interface)");
            return BadInput;
        }
        ExplorerServer server;
        try
        {
            server = ExplorerServer.StartAsync(hooks, address, port, cancellationToken).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or SocketException || e.InnerException is SocketException)
        {
            stderr.WriteLine($"--port {port} --host {hostText}: cannot listen there ({e.Message}); " +
                             "expected a free port (choose another with --port, or 0 for any)");
            return BadInput;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Success;
        }
        try
        {
            stdout.WriteLine($"BiasSim explorer: {server.Url}");
            if (!IPAddress.IsLoopback(address)) stdout.WriteLine($"Listening on {address}: other machines on your network can open the explorer.");
            stdout.WriteLine("Press Ctrl+C to stop.");
            stdout.Flush();
            if (!noBrowser && !OpenBrowser(server.Url)) stdout.WriteLine($"Could not open a browser; open {server.Url} yourself.");
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, server.Stopping);
            try
            {
                Task.Delay(Timeout.Infinite, stop.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C (or SIGTERM) is how a server is meant to stop: nothing is left half-done, so it is a normal exit.
            }
            stdout.WriteLine("Explorer stopped.");
            return Success;
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static bool OpenBrowser(Uri url)
    {
        try
        {
            ProcessStartInfo start = OperatingSystem.IsWindows() ? new ProcessStartInfo(url.ToString()) { UseShellExecute = true }
                : new ProcessStartInfo(OperatingSystem.IsMacOS() ? "open" : "xdg-open", url.ToString()) { UseShellExecute = false };
            start.RedirectStandardError = !OperatingSystem.IsWindows();
            start.RedirectStandardOutput = !OperatingSystem.IsWindows();
            using Process? process = Process.Start(start);
            return process is not null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return false;
        }
    }
}
