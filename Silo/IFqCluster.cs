namespace FocusedQuantization.Silo;

/// <summary>A live connection to an fq cluster, embedded in this process or remote; disposing it disconnects (and stops an embedded silo).</summary>
public interface IFqCluster : IAsyncDisposable
{
    /// <summary>The cluster client: grains, stream providers, observers.</summary>
    IClusterClient Client { get; }

    /// <summary>The grain factory of <see cref="Client"/>.</summary>
    IGrainFactory Grains => Client;

    /// <summary>The services of the host that carries the client (or the embedded silo).</summary>
    IServiceProvider Services { get; }

    /// <summary>What this is connected to, for messages: "redis://HOST:PORT" or "embedded silo (state in DIR)".</summary>
    string Description { get; }
}
