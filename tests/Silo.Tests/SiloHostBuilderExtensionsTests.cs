using System.Net;
using FocusedQuantization.Grains.Interfaces;
using FocusedQuantization.Silo.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FocusedQuantization.Silo.Tests;

public sealed class SiloHostBuilderExtensionsTests
{
    [Fact]
    public async Task A_host_with_an_fq_silo_serves_grains_on_loopback_at_the_configured_port_and_cluster()
    {
        var ports = FreePorts.Take(2);
        using var state = new TempFolder();
        var settings = new SiloSettings { SiloPort = ports[0], GatewayPort = ports[1], ClusterId = "test-cluster", StateFolder = state.Path };
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddFqSilo(settings);
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var client = host.Services.GetRequiredService<IClusterClient>();

            var info = await client.GetGrain<IClusterInfoGrain>(0).GetSiloInfo();

            Assert.Equal(new IPEndPoint(IPAddress.Loopback, settings.SiloPort), info.Address.Endpoint);
            Assert.Equal("test-cluster", info.ClusterId);
        }
        finally
        {
            await host.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public void Invalid_settings_are_refused_before_any_silo_starts()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        var error = Assert.Throws<ArgumentException>(() => builder.AddFqSilo(new SiloSettings { SiloPort = 30000 }));

        Assert.Contains("both 30000", error.Message);
    }
}
