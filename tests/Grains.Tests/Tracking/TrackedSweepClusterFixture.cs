using FocusedQuantization.Grains.Execution;
using FocusedQuantization.Grains.Tracking;
using FocusedQuantization.Tracker;
using FocusedQuantization.Tracking;
using FocusedQuantization.Tracking.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace FocusedQuantization.Grains.Tests.Tracking;

/// <summary>A two-silo in-process cluster whose silos each log through their own outbox to a tracker running in this process.</summary>
public sealed class TrackedSweepClusterFixture : IAsyncLifetime
{
    public string Home { get; } = Directory.CreateTempSubdirectory("fq-tracked-").FullName;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public TrackerHost Tracker { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public IMlflowRunsApi Runs => MlflowClientFactory.CreateRunsApi(Http);

    public IMlflowExperimentsApi Experiments => MlflowClientFactory.CreateExperimentsApi(Http);

    /// <summary>Every silo's outbox.</summary>
    public IEnumerable<TrackingOutbox> Outboxes =>
        Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<TrackingOutbox>());

    public async ValueTask InitializeAsync()
    {
        Tracker = await TrackerHost.StartAsync(new TrackerOptions { DatabasePath = Path.Combine(Home, "tracker.db"), Urls = "http://127.0.0.1:0" });
        Http = MlflowClientFactory.CreateHttpClient(new MlflowTrackingSettings(Tracker.BaseAddress), MlflowRetryOptions.None);
        var target = TrackingTarget.Fixed(new MlflowTrackingSettings(Tracker.BaseAddress));
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 2);
        builder.ConfigureHost(host => host.Services.AddFqGrains(o =>
        {
            o.Home = Home;
            o.Workers = 2;
        }));
        builder.ConfigureSilo((options, silo) =>
        {
            silo.AddMemoryGrainStorageAsDefault().UseInMemoryReminderService().Services.UseOrleansStateSerializer();
            silo.Services.AddFqTracking(new OutboxOptions { DatabasePath = Path.Combine(Home, $"outbox-{options.SiloName}.db") }, target);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Http.Dispose();
        await Tracker.DisposeAsync();
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
public sealed class TrackedSweepClusterCollection : ICollectionFixture<TrackedSweepClusterFixture>
{
    public const string Name = "tracked sweep cluster";
}
