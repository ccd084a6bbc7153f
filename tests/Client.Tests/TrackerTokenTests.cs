using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using FocusedQuantization.Silo;
using FocusedQuantization.Tracking;
using FocusedQuantization.Tracking.Outbox;
using Microsoft.Extensions.DependencyInjection;

namespace FocusedQuantization.Client.Tests;

/// <summary>The token of fq's own tracker, for `fq tracker` and the tracker embedded beside a sweep's silo, over real HTTP.</summary>
public sealed class TrackerTokenTests : IDisposable
{
    private readonly string home = Directory.CreateTempSubdirectory("fq-token-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(home, recursive: true);
        }
        catch (IOException)
        {
        }
    }

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

    /// <summary>The status of an experiments/search sent with the given bearer token (null: no Authorization header).</summary>
    private static async Task<HttpStatusCode> SearchStatusAsync(Uri tracker, string? token)
    {
        using var http = new HttpClient { BaseAddress = tracker };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/2.0/mlflow/experiments/search");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, Cancel);
        return response.StatusCode;
    }

    [Theory]
    [InlineData("from-option", null, "from-option")]
    [InlineData(null, "from-env", "from-env")]
    [InlineData("from-option", "from-env", "from-option")]
    public async Task Fq_tracker_requires_the_token_from_its_option_or_else_FQ_TRACKER_TOKEN(string? option, string? variable, string expected)
    {
        var port = FreePort();
        string[] args = option is null ? ["tracker", "--port", $"{port}"] : ["tracker", "--port", $"{port}", "--token", option];
        using var process = FqProcess.Start(home, new Dictionary<string, string?> { ["FQ_TRACKER_TOKEN"] = variable }, args);
        try
        {
            await FqProcess.WaitForLineAsync(process, line => line.StartsWith("Tracker: ", StringComparison.Ordinal), TimeSpan.FromMinutes(1));
            var address = new Uri($"http://127.0.0.1:{port}");

            Assert.Equal(HttpStatusCode.Unauthorized, await SearchStatusAsync(address, null));
            Assert.Equal(HttpStatusCode.Unauthorized, await SearchStatusAsync(address, expected + "x"));
            if (variable is not null && variable != expected)
                Assert.Equal(HttpStatusCode.Unauthorized, await SearchStatusAsync(address, variable));
            Assert.Equal(HttpStatusCode.OK, await SearchStatusAsync(address, expected));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Cancel);
        }
    }

    [Fact]
    public async Task Fq_tracker_without_a_token_stays_open()
    {
        var port = FreePort();
        using var process = FqProcess.Start(home, new Dictionary<string, string?> { ["FQ_TRACKER_TOKEN"] = null }, "tracker", "--port", $"{port}");
        try
        {
            await FqProcess.WaitForLineAsync(process, line => line.StartsWith("Tracker: ", StringComparison.Ordinal), TimeSpan.FromMinutes(1));

            Assert.Equal(HttpStatusCode.OK, await SearchStatusAsync(new Uri($"http://127.0.0.1:{port}"), null));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Cancel);
        }
    }

    [Fact]
    public async Task Fq_tracker_serves_the_database_and_urls_it_is_given_as_the_standalone_tracker_did()
    {
        var port = FreePort();
        var database = Path.Combine(home, "elsewhere", "mlruns.db");
        using var process = FqProcess.Start(home, new Dictionary<string, string?> { ["FQ_TRACKER_TOKEN"] = null },
            "tracker", "--db", database, "--urls", $"http://127.0.0.1:{port}", "--token", "standalone");
        try
        {
            await FqProcess.WaitForLineAsync(process, line => line.StartsWith("Tracker: ", StringComparison.Ordinal), TimeSpan.FromMinutes(1));
            var address = new Uri($"http://127.0.0.1:{port}");

            Assert.Equal(HttpStatusCode.Unauthorized, await SearchStatusAsync(address, null));
            Assert.Equal(HttpStatusCode.OK, await SearchStatusAsync(address, "standalone"));
            Assert.True(File.Exists(database));
            Assert.False(File.Exists(Path.Combine(home, "tracker.db")));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Cancel);
        }
    }

    [Fact]
    public async Task The_embedded_tracker_requires_its_token_and_the_silos_outbox_delivers_to_it_with_that_token()
    {
        await using var services = new ServiceCollection().BuildServiceProvider();
        var tracker = new EmbeddedTracker(new EmbeddedTrackerSettings { StateFolder = home, Port = FreePort(), Token = "embedded-secret" }, services);
        await tracker.StartAsync(Cancel);
        try
        {
            var address = await tracker.Address;
            Assert.NotNull(address);
            Assert.Equal(HttpStatusCode.Unauthorized, await SearchStatusAsync(address, null));
            Assert.Equal(HttpStatusCode.OK, await SearchStatusAsync(address, "embedded-secret"));

            // The outbox an embedded silo logs through gets its target from the tracker, as AddEmbeddedTracker wires it.
            await using var outbox = new TrackingOutbox(new OutboxOptions { DatabasePath = Path.Combine(home, "outbox.db") }, tracker.Target);
            await outbox.StartAsync(Cancel);
            outbox.Enqueue(new CreateRunOperation("trial/1", "tokened sweep", "trial 1", 1_000, []));

            Assert.True(await outbox.DrainAsync(TimeSpan.FromSeconds(30)), "the outbox did not deliver");
            Assert.Empty(outbox.DeadLetters());
            var settings = (await tracker.Target.Settings)!;
            using var http = MlflowClientFactory.CreateHttpClient(settings, MlflowRetryOptions.None);
            var experiment = (await MlflowClientFactory.CreateExperimentsApi(http).GetExperimentByNameAsync("tokened sweep", Cancel)).Experiment;
            var runs = await MlflowClientFactory.CreateRunsApi(http).SearchRunsAsync(new SearchRunsRequest([experiment.ExperimentId]), Cancel);
            Assert.Equal("trial 1", Assert.Single(runs.Runs ?? []).Info.RunName);
        }
        finally
        {
            await tracker.StopAsync(Cancel);
        }
    }
}
