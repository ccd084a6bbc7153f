using FocusedQuantization.Client.Cli;
using FocusedQuantization.Client.Tracking;
using FocusedQuantization.Silo;
using FocusedQuantization.Tracking;
using FocusedQuantization.Tracking.Outbox;
using Microsoft.Extensions.DependencyInjection;

namespace FocusedQuantization.Client.Sweeps;

/// <summary>The cluster a command talks to: a Redis-based cluster, or the embedded silo hosted in this process.</summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IFqCluster _cluster;
    private readonly string _stateFolder;

    private ClusterConnection(IFqCluster cluster, string stateFolder)
    {
        _cluster = cluster;
        _stateFolder = stateFolder;
    }

    /// <summary>The grain factory.</summary>
    public IGrainFactory Grains => _cluster.Grains;

    /// <summary>True when the silo runs in this process (the sweep then only runs while the command does).</summary>
    public bool IsEmbedded => EmbeddedSession.HostsSilo(_cluster);

    /// <summary>
    /// Connects to <paramref name="cluster"/> (redis://HOST:PORT), or starts the embedded silo when it is null; the
    /// embedded silo also starts the embedded tracker unless MLFLOW_TRACKING_URI names one, and shows fq's warnings on stderr.
    /// </summary>
    public static async Task<ClusterConnection> OpenAsync(string? cluster, CancellationToken cancellationToken)
    {
        var folder = FqStateFolder.Resolve();
        var withTracker = MlflowTrackingSettings.FromEnvironment() is null;
        return new(await FqCluster.ConnectAsync(cluster, folder, silo =>
        {
            StderrWarnings.AddTo(silo.Services);
            if (withTracker) EmbeddedTracker.AddTo(silo, folder);
        }, cancellationToken: cancellationToken), folder);
    }

    /// <summary>
    /// Where the sweeps' runs can be browsed: MLFLOW_TRACKING_URI, else the embedded tracker this process runs or the
    /// one the hosting fq process published; null when there is none.
    /// </summary>
    public async Task<Uri?> TrackingAddressAsync()
    {
        if (MlflowTrackingSettings.FromEnvironment() is { } configured) return configured.TrackingUri;
        if (_cluster.Services.GetService<EmbeddedTracker>() is { } tracker) return await tracker.Address;
        return EmbeddedTracker.ReadPublished(_stateFolder);
    }

    /// <summary>Disconnects (stopping a silo hosted here); then says so if its outbox kept operations it could not deliver.</summary>
    public async ValueTask DisposeAsync()
    {
        var outbox = IsEmbedded ? _cluster.Services.GetService<TrackingOutbox>() : null;
        var tracker = outbox is null ? null : await TrackingAddressAsync();
        // Stopping drains the outbox for a few seconds (see EmbeddedTracker and OutboxOptions.DrainOnStop).
        await _cluster.DisposeAsync();
        if (outbox is not null && QueuedTracking.Describe(outbox.PendingCount, outbox.DatabasePath, tracker, QueuedTracking.ByNextEmbeddedCommand) is { } line)
            Console.Error.WriteLine(line);
    }
}
