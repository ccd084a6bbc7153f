namespace FocusedQuantization.Silo;

/// <summary>The one call client commands make to reach the cluster, whichever mode it runs in.</summary>
public static class FqCluster
{
    /// <summary>
    /// With <paramref name="cluster"/> (redis://HOST:PORT): connects an external client to that Redis-based cluster.
    /// Without: starts an embedded silo in this process on <paramref name="stateFolder"/> (null: FQ_HOME or ./.fq).
    /// </summary>
    /// <param name="cluster">The cluster's Redis server, or null for the embedded default.</param>
    /// <param name="stateFolder">Embedded mode's state folder; ignored for a cluster.</param>
    /// <param name="configureSilo">Embedded mode: further silo configuration (streams, options).</param>
    /// <param name="configureClient">Cluster mode: further client configuration (streams).</param>
    /// <param name="cancellationToken">Stops connecting or starting.</param>
    /// <exception cref="ArgumentException">The cluster address is malformed.</exception>
    public static async Task<IFqCluster> ConnectAsync(string? cluster, string? stateFolder = null,
        Action<ISiloBuilder>? configureSilo = null, Action<IClientBuilder>? configureClient = null,
        CancellationToken cancellationToken = default) =>
        string.IsNullOrWhiteSpace(cluster)
            ? await EmbeddedSession.OpenAsync(stateFolder, configureSilo, cancellationToken)
            : await FqClusterClient.ConnectAsync(cluster, configureClient, cancellationToken);
}
