using FocusedQuantization.Tracking.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FocusedQuantization.Silo;

/// <summary>
/// A connection to the fq cluster, the one type commands, benchmarks and tests hold: the embedded silo hosted in this
/// process (SQLite state in the state folder), a client of the embedded silo another fq process on the same state folder
/// hosts, or a client of a Redis-based cluster. Disposing it disconnects, stopping a silo hosted here after its outbox
/// had a few seconds to deliver; then, if operations are still queued, it says so on <see cref="FqConnectionOptions.Notices"/>.
/// </summary>
public sealed class FqConnection : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly IAsyncDisposable? _session;
    private readonly FqConnectionOptions _options;

    internal FqConnection(IHost host, FqConnectionOptions options, string description, bool isEmbedded, IAsyncDisposable? session = null)
    {
        _host = host;
        _options = options;
        _session = session;
        Description = description;
        IsEmbedded = isEmbedded;
        StateFolder = FqStateFolder.Resolve(options.StateFolder);
        Client = host.Services.GetRequiredService<IClusterClient>();
        SiloAddress = isEmbedded ? host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress : null;
    }

    /// <summary>The cluster client: grains, stream providers, observers.</summary>
    public IClusterClient Client { get; }

    /// <summary>The grain factory of <see cref="Client"/>.</summary>
    public IGrainFactory Grains => Client;

    /// <summary>The services of the host that carries the client (or the silo hosted here).</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>What this is connected to, for messages: "redis://HOST:PORT", "embedded silo (state in DIR)", ...</summary>
    public string Description { get; }

    /// <summary>True when the silo runs in this process (a sweep then only runs while this connection is open).</summary>
    public bool IsEmbedded { get; }

    /// <summary>The address of the silo hosted in this process; null for a client.</summary>
    public SiloAddress? SiloAddress { get; }

    /// <summary>The full path of the local state folder (the hosted silo's, or the one whose embedded tracker is looked up).</summary>
    public string StateFolder { get; }

    /// <summary>
    /// The connection an fq command makes: its options from the environment (<see cref="FqConfiguration"/>,
    /// <see cref="FqConnectionOptions.FromConfiguration"/>) and <paramref name="cluster"/>, with notices on stderr.
    /// Embedded, it runs the embedded tracker unless MLFLOW_TRACKING_URI names a tracking server.
    /// </summary>
    /// <param name="cluster">The cluster's Redis server, redis://HOST:PORT, or null for the embedded silo.</param>
    /// <param name="cancellationToken">Stops connecting or starting.</param>
    /// <exception cref="ArgumentException">The address or an environment variable is malformed.</exception>
    public static Task<FqConnection> OpenAsync(string? cluster, CancellationToken cancellationToken = default) =>
        OpenAsync(FqConnectionOptions.FromConfiguration(FqConfiguration.Build([new("cluster", cluster)])) with { Notices = Console.Error },
            cancellationToken);

    /// <summary>
    /// With a cluster: connects an external client to that Redis-based cluster. Without: hosts the embedded silo of the
    /// state folder in this process, or, when another process on this machine hosts it already (it holds the folder's
    /// lock), connects to that silo's gateway instead of starting a second silo on the same database.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid; the message names what is wrong.</exception>
    public static async Task<FqConnection> OpenAsync(FqConnectionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ClusterAddress is not { } redis) return await EmbeddedSession.OpenAsync(options, cancellationToken);
        var host = await ClientHost.StartAsync(new FqClientSettings { Cluster = redis.ToString() }, options.ConfigureClient, cancellationToken);
        return new FqConnection(host, options, redis.ToString(), isEmbedded: false);
    }

    /// <summary>
    /// Where the sweeps' runs can be browsed: MLFLOW_TRACKING_URI, else the embedded tracker this process runs or the
    /// one the hosting fq process published in the state folder; null when there is none.
    /// </summary>
    public async Task<Uri?> TrackingAddressAsync()
    {
        if (_options.TrackingUri is { } configured) return configured;
        if (Services.GetService<EmbeddedTracker>() is { } tracker) return await tracker.Address;
        return EmbeddedTracker.ReadPublished(StateFolder);
    }

    /// <summary>Disconnects (stopping a silo hosted here); then says so if its outbox kept operations it could not deliver.</summary>
    public async ValueTask DisposeAsync()
    {
        var outbox = IsEmbedded ? Services.GetService<TrackingOutbox>() : null;
        var tracker = outbox is null ? null : await TrackingAddressAsync();
        try
        {
            // Stopping drains the outbox for a few seconds (see EmbeddedTracker and OutboxOptions.DrainOnStop).
            await _host.StopAsync(CancellationToken.None);
        }
        finally
        {
            if (_host is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync();
            else _host.Dispose();
            if (_session is not null) await _session.DisposeAsync();
        }
        if (_options.Notices is { } notices && outbox is not null
            && QueuedTracking.Describe(outbox.PendingCount, outbox.DatabasePath, tracker, QueuedTracking.ByNextEmbeddedCommand) is { } line)
            notices.WriteLine(line);
    }
}
