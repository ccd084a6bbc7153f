using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace FocusedQuantization.Tracker.Tests;

/// <summary>The standalone tracker (Tracker/Program.cs) run as its own process, taking its token from --token or FQ_TRACKER_TOKEN.</summary>
public sealed class StandaloneTokenTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        try
        {
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        finally
        {
            probe.Stop();
        }
    }

    private Process Start(int port, string? option, string? variable)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "FocusedQuantization.Tracker.dll"));
        start.ArgumentList.Add("--db");
        start.ArgumentList.Add(directory.File("mlruns.db"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        if (option is not null)
        {
            start.ArgumentList.Add("--token");
            start.ArgumentList.Add(option);
        }
        if (variable is null) start.Environment.Remove("FQ_TRACKER_TOKEN");
        else start.Environment["FQ_TRACKER_TOKEN"] = variable;
        var process = Process.Start(start)!;
        // Drained so that a chatty log cannot fill the pipe and stall the server.
        _ = process.StandardOutput.ReadToEndAsync(Cancel);
        _ = process.StandardError.ReadToEndAsync(Cancel);
        return process;
    }

    private static async Task WaitForHealthAsync(HttpClient http, Process process)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync("/health", Cancel);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200, Cancel);
        }
        Assert.Fail(process.HasExited ? $"the tracker exited with {process.ExitCode}" : "the tracker did not answer /health within a minute");
    }

    private static async Task<HttpStatusCode> SearchStatusAsync(HttpClient http, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/2.0/mlflow/experiments/search");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, Cancel);
        return response.StatusCode;
    }

    [Theory]
    [InlineData("from-option", null, "from-option")]
    [InlineData(null, "from-env", "from-env")]
    [InlineData("from-option", "from-env", "from-option")]
    public async Task The_standalone_tracker_requires_the_token_from_its_option_or_else_FQ_TRACKER_TOKEN(
        string? option, string? variable, string expected)
    {
        var port = FreePort();
        using var process = Start(port, option, variable);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        try
        {
            await WaitForHealthAsync(http, process);

            Assert.Equal(HttpStatusCode.Unauthorized, await SearchStatusAsync(http, null));
            Assert.Equal(HttpStatusCode.Unauthorized, await SearchStatusAsync(http, expected + "x"));
            Assert.Equal(HttpStatusCode.OK, await SearchStatusAsync(http, expected));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Cancel);
        }
    }
}
