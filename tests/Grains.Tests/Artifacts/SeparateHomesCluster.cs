using FocusedQuantization.Grains.Artifacts;
using FocusedQuantization.Grains.Execution;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace FocusedQuantization.Grains.Tests.Artifacts;

/// <summary>
/// A real in-process Orleans cluster whose silos share no folder: each has its own FQ_HOME (checkpoints, models, fetched
/// data sets) under <see cref="Root"/>, named after the silo. Only the first silo may read the machine's data sets (the
/// Debian package's folder, the download cache); the others must get them through the cluster.
/// </summary>
public abstract class SeparateHomesCluster(short silos, int chunkBytes) : IAsyncLifetime
{
    /// <summary>The name InProcessTestCluster gives its first silo.</summary>
    public const string FirstSilo = "Silo_0";

    public string Root { get; } = Directory.CreateTempSubdirectory("fq-homes-").FullName;

    /// <summary>Shared by every silo: counts the expensive stages that really ran.</summary>
    public StageCounters Counters { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public string HomeOf(string siloName) => Path.Combine(Root, siloName);

    public string HomeOf(InProcessSiloHandle silo) => HomeOf(silo.Name);

    public static ArtifactFetcher Fetcher(InProcessSiloHandle silo) => silo.ServiceProvider.GetRequiredService<ArtifactFetcher>();

    public static LocalArtifacts Local(InProcessSiloHandle silo) => silo.ServiceProvider.GetRequiredService<LocalArtifacts>();

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((options, silo) =>
        {
            // Silos start in parallel: the first is told by its name, not by the order of these calls.
            var first = options.SiloName == FirstSilo;
            silo.AddMemoryGrainStorageAsDefault().UseInMemoryReminderService().Services.UseOrleansStateSerializer();
            silo.Services.AddSingleton(Counters);
            silo.Services.AddFqGrains(o =>
            {
                o.Home = HomeOf(options.SiloName);
                o.Workers = 2;
            });
            silo.Services.AddFqArtifacts(o =>
            {
                o.ChunkBytes = chunkBytes;
                o.SearchMachineDatasets = first;
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing worker; the temp folder is cleaned by the system.
        }
    }
}

/// <summary>Three silos moving small files in 64 KiB chunks.</summary>
public sealed class ArtifactClusterFixture() : SeparateHomesCluster(3, 64 << 10);

/// <summary>Two silos running real sweeps, with the default 1 MiB chunks.</summary>
public sealed class SeparateHomesSweepFixture() : SeparateHomesCluster(2, 1 << 20);

[CollectionDefinition(Name)]
public sealed class ArtifactClusterCollection : ICollectionFixture<ArtifactClusterFixture>
{
    public const string Name = "artifact cluster";
}

[CollectionDefinition(Name)]
public sealed class SeparateHomesSweepCollection : ICollectionFixture<SeparateHomesSweepFixture>
{
    public const string Name = "separate homes sweep cluster";
}
