using FocusedQuantization.Grains.Execution;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace FocusedQuantization.Grains.Tests.Sweeps;

/// <summary>A real two-silo Orleans cluster in this process, with the sweep grains and a temporary state folder.</summary>
public sealed class SweepClusterFixture : IAsyncLifetime
{
    public string Home { get; } = Directory.CreateTempSubdirectory("fq-grains-").FullName;

    /// <summary>Shared by every silo of the in-process cluster: counts the expensive stages that really ran.</summary>
    public StageCounters Counters { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 2);
        builder.ConfigureHost(host =>
        {
            host.Services.AddSingleton(Counters);
            host.Services.AddFqGrains(o =>
            {
                o.Home = Home;
                o.Workers = 2;
            });
        });
        builder.ConfigureSilo((_, silo) => silo.AddMemoryGrainStorageAsDefault().UseInMemoryReminderService().Services.UseOrleansStateSerializer());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing worker; the temp folder is cleaned by the system.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SweepClusterCollection : ICollectionFixture<SweepClusterFixture>
{
    public const string Name = "sweep cluster";
}
