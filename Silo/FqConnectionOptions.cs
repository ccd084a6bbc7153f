using FocusedQuantization.Tracking;
using Microsoft.Extensions.Configuration;

namespace FocusedQuantization.Silo;

/// <summary>What <see cref="FqConnection.OpenAsync(FqConnectionOptions, CancellationToken)"/> connects to, and how.</summary>
public sealed record FqConnectionOptions
{
    /// <summary>The cluster's Redis server, redis://HOST:PORT; null (the default) for the embedded silo.</summary>
    public string? Cluster { get; init; }

    /// <summary>Embedded: the state folder (SQLite file, checkpoints). Default: null, FQ_HOME if set, else ./.fq.</summary>
    public string? StateFolder { get; init; }

    /// <summary>Embedded: serve the Orleans dashboard of the hosted silo on this loopback port (FQ_DASHBOARD_PORT). Default: none.</summary>
    public int? DashboardPort { get; init; }

    /// <summary>
    /// Embedded: run the embedded tracker beside the hosted silo with these settings, its outbox logging there. Default:
    /// null, no tracker (the outbox then delivers to MLFLOW_TRACKING_URI, or keeps what it has).
    /// </summary>
    public EmbeddedTrackerSettings? EmbeddedTracker { get; init; }

    /// <summary>The tracking server runs are logged to (MLFLOW_TRACKING_URI), shown by <see cref="FqConnection.TrackingAddressAsync"/>.</summary>
    public Uri? TrackingUri { get; init; }

    /// <summary>
    /// Where fq's own warnings from a silo hosted here and, on dispose, the count of tracking operations still queued
    /// are written (an fq command: stderr). Default: null, nowhere.
    /// </summary>
    public TextWriter? Notices { get; init; }

    /// <summary>Embedded, hosted here: further silo configuration (streams, options, test doubles), applied last.</summary>
    public Action<ISiloBuilder>? ConfigureSilo { get; init; }

    /// <summary>A client (of a Redis cluster, or of another process's embedded silo): further client configuration.</summary>
    public Action<IClientBuilder>? ConfigureClient { get; init; }

    /// <summary>The parsed <see cref="Cluster"/>; null in embedded mode.</summary>
    /// <exception cref="ArgumentException">The address is malformed.</exception>
    public ClusterAddress? ClusterAddress => string.IsNullOrWhiteSpace(Cluster) ? null : Silo.ClusterAddress.Parse(Cluster);

    /// <summary>
    /// What an fq command connects with, read from configuration (see <see cref="FqConfiguration"/>): cluster, state
    /// (else FQ_HOME), FQ_DASHBOARD_PORT, MLFLOW_TRACKING_URI (and MLflow's credentials); without a tracking URI the
    /// embedded silo runs the embedded tracker (FQ_TRACKER_PORT, FQ_TRACKER_TOKEN).
    /// </summary>
    /// <exception cref="ArgumentException">A value cannot be used; the message names it.</exception>
    public static FqConnectionOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var dashboard = configuration.Value(SiloSettings.DashboardPortVariable);
        var tracking = MlflowTrackingSettings.FromEnvironment(name => configuration[name]);
        var options = new FqConnectionOptions
        {
            Cluster = configuration.Value("cluster"),
            StateFolder = configuration.Value("state") ?? configuration.Value(FqStateFolder.EnvironmentVariable),
            DashboardPort = dashboard is null ? null : SiloSettings.DashboardPortFromEnvironment(_ => dashboard),
            TrackingUri = tracking?.TrackingUri,
            EmbeddedTracker = tracking is null ? EmbeddedTrackerSettings.FromConfiguration(configuration) : null,
        };
        _ = options.ClusterAddress;
        return options;
    }
}
