using FocusedQuantization.Grains.Interfaces;
using FocusedQuantization.Silo.Tests.Grains;
using FocusedQuantization.Silo.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace FocusedQuantization.Silo.Tests;

/// <summary>The one connection type: the embedded silo hosted here, joined from a second connection, and bound from configuration.</summary>
public sealed class FqConnectionTests : IDisposable
{
    private static readonly TimeSpan TickWait = TimeSpan.FromSeconds(30);

    private readonly TempFolder _state = new();

    public void Dispose() => _state.Dispose();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Reminders are normally at least a minute apart; a test cannot wait that long.
    private Task<FqConnection> StartAsync() =>
        FqConnection.OpenAsync(new FqConnectionOptions
        {
            StateFolder = _state.Path,
            ConfigureSilo = silo => silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1)),
        }, Cancel);

    [Fact]
    public async Task Grain_state_is_kept_in_the_state_folder_and_survives_a_full_stop_and_start()
    {
        await using (var first = await StartAsync())
        {
            Assert.Equal(5, await first.Grains.GetGrain<IDurableCounterGrain>("kept").Add(5));
        }

        await using var second = await StartAsync();
        var value = await second.Grains.GetGrain<IDurableCounterGrain>("kept").Add(2);

        Assert.Equal(7, value);
        Assert.True(File.Exists(Path.Combine(_state.Path, FqStateFolder.DatabaseFileName)));
    }

    [Fact]
    public async Task A_reminder_registered_before_a_stop_fires_after_the_next_start()
    {
        await using (var first = await StartAsync())
        {
            // Due well after this silo stops, so the only silo that can deliver the tick is the next one.
            await first.Grains.GetGrain<IDurableCounterGrain>("ticking").StartTicking(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(2));
        }

        var tick = ReminderProbe.NextTick("ticking");
        await using var second = await StartAsync();
        var deliveredBy = await tick.WaitAsync(TickWait, Cancel);

        Assert.Equal(second.SiloAddress, deliveredBy);
        Assert.True(await second.Grains.GetGrain<IDurableCounterGrain>("ticking").GetTicks() >= 1);
    }

    [Fact]
    public async Task The_embedded_silo_serves_the_fq_grains_and_names_its_state_folder()
    {
        await using var connection = await FqConnection.OpenAsync(new FqConnectionOptions { StateFolder = _state.Path }, Cancel);

        var info = await connection.Grains.GetGrain<IClusterInfoGrain>(0).GetSiloInfo();

        Assert.Equal("fq", info.ClusterId);
        Assert.True(connection.IsEmbedded);
        Assert.Equal(info.Address, connection.SiloAddress);
        Assert.Equal(_state.Path, connection.StateFolder);
        Assert.Contains(_state.Path, connection.Description);
    }

    [Fact]
    public async Task A_second_connection_on_the_same_state_folder_joins_the_silo_the_first_hosts()
    {
        await using var host = await StartAsync();
        await host.Grains.GetGrain<IDurableCounterGrain>("shared").Add(3);

        await using (var joined = await StartAsync())
        {
            Assert.False(joined.IsEmbedded);
            Assert.Null(joined.SiloAddress);
            Assert.Contains("another fq process", joined.Description);
            Assert.Equal(host.SiloAddress, (await joined.Grains.GetGrain<IClusterInfoGrain>(0).GetSiloInfo()).Address);
            Assert.Equal(7, await joined.Grains.GetGrain<IDurableCounterGrain>("shared").Add(4));
        }

        // Closing the joined client leaves the hosted silo running.
        Assert.Equal(8, await host.Grains.GetGrain<IDurableCounterGrain>("shared").Add(1));
    }

    [Fact]
    public async Task The_embedded_tracker_runs_beside_the_hosted_silo_and_a_joined_connection_finds_it_through_the_state_folder()
    {
        var port = FreePorts.Take(1)[0];
        var options = new FqConnectionOptions { StateFolder = _state.Path, EmbeddedTracker = new EmbeddedTrackerSettings { Port = port } };
        await using var host = await FqConnection.OpenAsync(options, Cancel);
        var address = await host.TrackingAddressAsync();

        Assert.Equal(new Uri($"http://127.0.0.1:{port}/"), address);
        Assert.True(File.Exists(Path.Combine(_state.Path, EmbeddedTrackerSettings.DatabaseFileName)));
        using (var http = new HttpClient())
            Assert.True((await http.GetAsync(new Uri(address!, "/health"), Cancel)).IsSuccessStatusCode);
        await using var joined = await FqConnection.OpenAsync(options, Cancel);
        Assert.Equal(address, await joined.TrackingAddressAsync());
    }

    [Fact]
    public async Task A_configured_tracking_server_is_the_tracking_address_and_no_tracker_is_started()
    {
        var options = FqConnectionOptions.FromConfiguration(Configuration(("FQ_HOME", _state.Path), ("MLFLOW_TRACKING_URI", "http://tracking.example:5000")));
        await using var connection = await FqConnection.OpenAsync(options, Cancel);

        Assert.Null(options.EmbeddedTracker);
        Assert.Equal(new Uri("http://tracking.example:5000"), await connection.TrackingAddressAsync());
        Assert.False(File.Exists(Path.Combine(_state.Path, EmbeddedTrackerSettings.DatabaseFileName)));
    }

    [Fact]
    public void The_options_of_an_fq_command_are_bound_from_its_variables_and_options()
    {
        var options = FqConnectionOptions.FromConfiguration(Configuration(
            ("FQ_HOME", "/srv/fq"), ("FQ_TRACKER_PORT", "5999"), ("FQ_TRACKER_TOKEN", "t0k"), ("FQ_DASHBOARD_PORT", "8088"), ("cluster", "redis://10.0.0.5")));

        Assert.Equal(("redis://10.0.0.5", "/srv/fq", 8088), (options.Cluster, options.StateFolder, options.DashboardPort));
        Assert.Equal(new ClusterAddress("10.0.0.5", ClusterAddress.DefaultPort), options.ClusterAddress);
        Assert.Equal(new EmbeddedTrackerSettings { StateFolder = "/srv/fq", Port = 5999, Token = "t0k" }, options.EmbeddedTracker);
        Assert.Null(options.TrackingUri);
        Assert.Equal("/elsewhere", FqConnectionOptions.FromConfiguration(Configuration(("FQ_HOME", "/srv/fq"), ("state", "/elsewhere"))).StateFolder);
        Assert.Contains("FQ_TRACKER_PORT", Assert.Throws<ArgumentException>(() => FqConnectionOptions.FromConfiguration(Configuration(("FQ_TRACKER_PORT", "many")))).Message);
        Assert.Contains("--cluster", Assert.Throws<ArgumentException>(() => FqConnectionOptions.FromConfiguration(Configuration(("cluster", "http://x:1")))).Message);
    }

    [Fact]
    public void The_process_configuration_takes_fq_and_MLflow_variables_only_and_options_win()
    {
        var configuration = FqConfiguration.Build(
            [new("FQ_HOME", "/from-env"), new("MLFLOW_TRACKING_URI", "http://t:1"), new("state", "/unrelated"), new("cluster", "redis://unrelated")],
            [new("state", "/from-option"), new("silo-port", null)]);

        Assert.Equal("/from-env", configuration["FQ_HOME"]);
        Assert.Equal("http://t:1", configuration["MLFLOW_TRACKING_URI"]);
        Assert.Equal("/from-option", configuration["state"]);
        Assert.Null(configuration["cluster"]);
        Assert.Null(configuration["silo-port"]);
    }

    /// <summary>Upper-case keys as the environment's variables, the others as the command's options.</summary>
    private static IConfiguration Configuration(params (string Key, string Value)[] values)
    {
        var pairs = values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)).ToLookup(p => p.Key == p.Key.ToUpperInvariant());
        return FqConfiguration.Build(pairs[true], pairs[false]);
    }
}
