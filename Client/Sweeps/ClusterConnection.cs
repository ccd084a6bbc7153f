using FocusedQuantization.Silo;

namespace FocusedQuantization.Client.Sweeps;

/// <summary>The cluster a command talks to: a Redis-based cluster, or the embedded silo hosted in this process.</summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IFqCluster _cluster;

    private ClusterConnection(IFqCluster cluster) => _cluster = cluster;

    /// <summary>The grain factory.</summary>
    public IGrainFactory Grains => _cluster.Grains;

    /// <summary>True when the silo runs in this process (the sweep then only runs while the command does).</summary>
    public bool IsEmbedded => EmbeddedSession.HostsSilo(_cluster);

    /// <summary>Connects to <paramref name="cluster"/> (redis://HOST:PORT), or starts the embedded silo when it is null.</summary>
    public static async Task<ClusterConnection> OpenAsync(string? cluster, CancellationToken cancellationToken) =>
        new(await FqCluster.ConnectAsync(cluster, cancellationToken: cancellationToken));

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();
}
