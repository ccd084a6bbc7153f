using Orleans.TestingHost;

namespace FocusedQuantization.Silo.Tests;

/// <summary>A two-silo in-process cluster shared by the tests of one class.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; } = new InProcessTestClusterBuilder(initialSilosCount: 2).Build();

    public async ValueTask InitializeAsync() => await Cluster.DeployAsync();

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}
