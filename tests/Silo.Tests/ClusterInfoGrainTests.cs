using FocusedQuantization.Grains.Interfaces;
using Microsoft.Extensions.DependencyInjection;

namespace FocusedQuantization.Silo.Tests;

public sealed class ClusterInfoGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_call_from_a_client_is_answered_by_one_of_the_cluster_silos()
    {
        var cluster = fixture.Cluster;

        var info = await cluster.Client.GetGrain<IClusterInfoGrain>(0).GetSiloInfo();

        var silo = Assert.Single(cluster.Silos, s => s.SiloAddress.Equals(info.Address));
        Assert.Equal(silo.Name, info.Name);
        Assert.Equal(cluster.Options.ClusterId, info.ClusterId);
    }

    [Fact]
    public async Task A_call_made_inside_a_silo_runs_on_that_same_silo()
    {
        Assert.Equal(2, fixture.Cluster.Silos.Count);
        foreach (var silo in fixture.Cluster.Silos)
        {
            // A stateless worker is placed on the caller's silo, so each silo reports itself.
            var grains = silo.ServiceProvider.GetRequiredService<IGrainFactory>();

            var info = await grains.GetGrain<IClusterInfoGrain>(0).GetSiloInfo();

            Assert.Equal(silo.SiloAddress, info.Address);
        }
    }
}
