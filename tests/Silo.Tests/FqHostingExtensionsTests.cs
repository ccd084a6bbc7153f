using System.Net;
using FocusedQuantization.Compression.Stages;
using FocusedQuantization.Grains.Execution;
using FocusedQuantization.Grains.Interfaces;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Silo.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FocusedQuantization.Silo.Tests;

public sealed class FqHostingExtensionsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static HostApplicationBuilder Builder(params string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddCommandLine(args);
        return builder;
    }

    [Fact]
    public async Task A_host_with_an_fq_silo_serves_grains_on_loopback_at_the_configured_port_and_cluster()
    {
        var ports = FreePorts.Take(2);
        using var state = new TempFolder();
        var settings = new SiloSettings { SiloPort = ports[0], GatewayPort = ports[1], ClusterId = "test-cluster", StateFolder = state.Path };
        var builder = Builder();
        builder.AddFqSilo(settings);
        using var host = builder.Build();
        await host.StartAsync(Cancel);
        try
        {
            var client = host.Services.GetRequiredService<IClusterClient>();

            var info = await client.GetGrain<IClusterInfoGrain>(0).GetSiloInfo();

            Assert.Equal(new IPEndPoint(IPAddress.Loopback, settings.SiloPort), info.Address.Endpoint);
            Assert.Equal("test-cluster", info.ClusterId);
        }
        finally
        {
            await host.StopAsync(Cancel);
        }
    }

    [Fact]
    public async Task AddFqSilo_and_AddFqClient_bind_their_settings_from_the_hosts_configuration()
    {
        var ports = FreePorts.Take(2);
        using var state = new TempFolder();
        var siloBuilder = Builder("--silo-port", $"{ports[0]}", "--gateway-port", $"{ports[1]}", "--cluster-id", "from-config", "--state", state.Path);
        siloBuilder.AddFqSilo();
        using var silo = siloBuilder.Build();
        await silo.StartAsync(Cancel);
        try
        {
            Assert.True(File.Exists(Path.Combine(state.Path, FqStateFolder.DatabaseFileName)));
            var clientBuilder = Builder();
            clientBuilder.AddFqClient(new FqClientSettings { GatewayPort = ports[1], ClusterId = "from-config" });
            using var client = clientBuilder.Build();
            await client.StartAsync(Cancel);

            var info = await client.Services.GetRequiredService<IClusterClient>().GetGrain<IClusterInfoGrain>(0).GetSiloInfo();

            Assert.Equal(("from-config", ports[0]), (info.ClusterId, info.Address.Endpoint.Port));
            await client.StopAsync(Cancel);
        }
        finally
        {
            await silo.StopAsync(Cancel);
        }
        Assert.Contains("--cluster", Assert.Throws<ArgumentException>(() => Builder().AddFqClient()).Message);
        Assert.Equal(new ClusterAddress("h", 7000), FqClientSettings.FromConfiguration(Builder("--cluster", "redis://h:7000").Configuration).ClusterAddress);
    }

    [Fact]
    public void Invalid_settings_are_refused_before_any_silo_starts()
    {
        var error = Assert.Throws<ArgumentException>(() => Builder().AddFqSilo(new SiloSettings { SiloPort = 30000 }));

        Assert.Contains("both 30000", error.Message);
        Assert.Contains("--gateway-port", Assert.Throws<ArgumentException>(() => Builder("--gateway-port", "0").AddFqSilo()).Message);
    }

    /// <summary>
    /// The data set cache is a singleton of each silo's host, not of the process: the stages of one silo share one copy
    /// of each split, and two silos hosted in one process (as tests and the fan-out benchmark do) each load their own.
    /// </summary>
    [Fact]
    public async Task Each_silo_host_has_its_own_data_set_cache_which_its_stage_runner_uses()
    {
        using var state = new TempFolder();
        var first = FreePorts.Take(2);
        var second = FreePorts.Take(2);
        using var primary = await StartSiloAsync(new SiloSettings { StateFolder = state.Path, SiloPort = first[0], GatewayPort = first[1] });
        using var secondary = await StartSiloAsync(new SiloSettings { StateFolder = state.Path, SiloPort = second[0], GatewayPort = second[1], PrimarySiloPort = first[0] });
        try
        {
            var cacheA = primary.Services.GetRequiredService<DatasetCache>();
            var cacheB = secondary.Services.GetRequiredService<DatasetCache>();
            Assert.NotSame(cacheA, cacheB);
            Assert.Same(cacheA, primary.Services.GetRequiredService<DatasetCache>());

            var request = new BaselineRequest("lenet-300-100", "fashion-mnist", Seed: 7, new TrainingSpec(1, 1, 64, 0.02, 200, 100, null));
            var baseline = await primary.Services.GetRequiredService<IStageRunner>().EnsureBaselineAsync(request, "A", Cancel);

            Assert.Equal("A", baseline.Silo);
            Assert.True(cacheA.Loads > 0, "the primary's stage runner loaded nothing through its host's cache");
            Assert.Equal(0, cacheB.Loads);
        }
        finally
        {
            await secondary.StopAsync(Cancel);
            await primary.StopAsync(Cancel);
        }
    }

    private static async Task<IHost> StartSiloAsync(SiloSettings settings)
    {
        var builder = Builder();
        builder.AddFqSilo(settings);
        var host = builder.Build();
        await host.StartAsync(Cancel);
        return host;
    }
}
