using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FocusedQuantization.Silo.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace FocusedQuantization.Silo.Tests;

public sealed class SiloHostTests : IDisposable
{
    private readonly TempFolder _state = new();

    public void Dispose() => _state.Dispose();

    [Fact]
    public async Task A_silo_given_a_dashboard_port_serves_the_orleans_dashboard_on_loopback_showing_itself()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = FreePorts.Take(1)[0];
        await using var cluster = await FqConnection.OpenAsync(new FqConnectionOptions { StateFolder = _state.Path, DashboardPort = port }, ct);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

        var page = await http.GetAsync("", ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        // The counters fill in on the dashboard's own update interval.
        var clock = Stopwatch.StartNew();
        int hosts;
        do
        {
            using var counters = await http.GetFromJsonAsync<JsonDocument>("DashboardCounters", ct);
            hosts = counters!.RootElement.GetProperty("totalActiveHostCount").GetInt32();
            if (hosts == 1) break;
            await Task.Delay(250, ct);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(30));
        Assert.Equal(1, hosts);
    }

    [Fact]
    public async Task A_silo_without_a_dashboard_port_opens_no_web_port()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await FqConnection.OpenAsync(new FqConnectionOptions { StateFolder = _state.Path }, ct);

        Assert.Null(cluster.Services.GetService(typeof(Microsoft.AspNetCore.Hosting.Server.IServer)));
    }

    [Fact]
    public void The_dashboard_port_is_read_from_the_command_line_and_may_not_reuse_a_silo_port()
    {
        Assert.Equal(8080, Settings("--dashboard-port", "8080").DashboardPort);
        Assert.Null(Settings().DashboardPort);
        Assert.Contains("--dashboard-port", Assert.Throws<ArgumentException>(() => Settings("--dashboard-port", "30000")).Message);
    }

    private static SiloSettings Settings(params string[] args) =>
        SiloSettings.FromConfiguration(new ConfigurationBuilder().AddCommandLine(args).Build());
}
