using Orleans.Storage;
using FocusedQuantization.Grains.Execution;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FocusedQuantization.Grains;
using FocusedQuantization.Grains.Interfaces;
using FocusedQuantization.Grains.Tracking;
using FocusedQuantization.Tracking.Outbox;
using FocusedQuantization.Silo.Sqlite;
using FocusedQuantization.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;
using StackExchange.Redis;

namespace FocusedQuantization.Silo;

/// <summary>
/// The hosting library's entry points: turn a .NET host into a silo of the fq cluster (<c>AddFqSilo</c>), into a client
/// of one (<c>AddFqClient</c>), or give an embedded silo the tracker it logs to (<c>AddEmbeddedTracker</c>). Each binds
/// its settings from the host's configuration (command-line options and FQ_* variables, see <see cref="FqConfiguration"/>)
/// or takes them explicitly. <see cref="FqConnection"/> builds its hosts with these.
/// </summary>
public static class FqHostingExtensions
{
    /// <summary>
    /// Adds an fq silo with settings read from the host's configuration (<see cref="SiloSettings.FromConfiguration"/>:
    /// cluster, silo-port, gateway-port, primary-silo-port, service-id, cluster-id, state, dashboard-port).
    /// </summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public static IHostApplicationBuilder AddFqSilo(this IHostApplicationBuilder builder, Action<ISiloBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddFqSilo(SiloSettings.FromConfiguration(builder.Configuration), configure);
    }

    /// <summary>
    /// Adds an Orleans silo in the mode the settings choose. Embedded: localhost clustering at the given ports (joining
    /// the primary silo if one is named), grain state and reminders in the SQLite file of the state folder. Cluster:
    /// Redis clustering, Redis grain storage and Redis reminders. Both: trace propagation across grain calls, the
    /// settings' response timeout, the fq grains with their worker pool and data set cache (<c>AddFqGrains</c>), their
    /// tracking outbox (<see cref="SiloTracking.OutboxPath"/>) delivering to MLFLOW_TRACKING_URI (a later registration of
    /// a <see cref="TrackingTarget"/>, such as <see cref="AddEmbeddedTracker(IServiceCollection, EmbeddedTrackerSettings)"/>,
    /// replaces that), the Orleans dashboard's collectors (served only by a host that <see cref="SiloHost"/> built with
    /// a dashboard port) and the shared telemetry (<c>AddFqTelemetry</c>). The host also gets an in-process cluster
    /// client, so its own services can call grains.
    /// </summary>
    /// <param name="builder">The host to add the silo to.</param>
    /// <param name="settings">Ports, mode, ids and state folder.</param>
    /// <param name="configure">Further silo configuration (streams, options), applied last.</param>
    /// <exception cref="ArgumentException">The settings are invalid; see <see cref="SiloSettings.Validate"/>.</exception>
    public static IHostApplicationBuilder AddFqSilo(this IHostApplicationBuilder builder, SiloSettings settings,
        Action<ISiloBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        // A no-op when the host already chose its service name (SiloHost, the fq process).
        builder.Services.AddFqTelemetry(FqTelemetry.SiloServiceName);
        builder.UseOrleans(silo =>
        {
            if (settings.ClusterAddress is { } redis) UseRedis(silo, settings, redis);
            else UseEmbedded(silo, settings);
            silo.Configure<ClusterOptions>(o =>
            {
                o.ServiceId = settings.ServiceId;
                o.ClusterId = settings.ClusterId;
            });
            silo.AddActivityPropagation();
            // On every silo, so that the one serving the dashboard (SiloHost) can show the whole cluster.
            silo.AddDashboard();
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = settings.ResponseTimeout);
            // The host may be another program (fq) whose entry assembly knows nothing of Orleans: name the grains.
            silo.Services.AddSerializer(s => s
                .AddAssembly(typeof(ClusterInfoGrain).Assembly)
                .AddAssembly(typeof(IClusterInfoGrain).Assembly));
            // Checkpoints and compressed models live under the state folder, beside the embedded database; on a
            // multi-machine cluster each silo has its own, and what a stage lacks comes from another silo (Grains/Artifacts).
            silo.Services.AddFqGrains(o => o.Home = FqStateFolder.Resolve(settings.StateFolder));
            // Sweeps log to MLFLOW_TRACKING_URI through a local outbox; without it they are kept until a process has one.
            silo.Services.AddFqTracking(new OutboxOptions { DatabasePath = SiloTracking.OutboxPath(settings) }, TrackingTarget.FromEnvironment());
            silo.Services.UseOrleansStateSerializer();
            configure?.Invoke(silo);
        });
        return builder;
    }

    private static void UseEmbedded(ISiloBuilder silo, SiloSettings settings)
    {
        var primary = settings.PrimarySiloPort is { } port ? new IPEndPoint(IPAddress.Loopback, port) : null;
        var database = FqStateFolder.DatabasePath(settings.StateFolder);
        silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, primary, settings.ServiceId, settings.ClusterId)
            .AddSqliteGrainStorageAsDefault(o => o.DatabasePath = database)
            .UseSqliteReminderService(o => o.DatabasePath = database);
    }

    private static void UseRedis(ISiloBuilder silo, SiloSettings settings, ClusterAddress redis)
    {
        var advertised = settings.AdvertisedAddress ?? AddressFacing(redis);
        silo.UseRedisClustering(o => o.ConfigurationOptions = RedisOptions(redis))
            .AddRedisGrainStorageAsDefault(o => o.ConfigurationOptions = RedisOptions(redis))
            .UseRedisReminderService(o => o.ConfigurationOptions = RedisOptions(redis))
            // Listening on every interface lets silos on other machines reach this one at its advertised address.
            .ConfigureEndpoints(advertised, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
    }

    /// <summary>
    /// Adds an external fq client with settings read from the host's configuration
    /// (<see cref="FqClientSettings.FromConfiguration"/>: cluster, service-id, cluster-id).
    /// </summary>
    /// <exception cref="ArgumentException">The cluster is missing or malformed.</exception>
    public static IHostApplicationBuilder AddFqClient(this IHostApplicationBuilder builder, Action<IClientBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddFqClient(FqClientSettings.FromConfiguration(builder.Configuration), configure);
    }

    /// <summary>
    /// Adds an external client of an fq cluster: it finds the gateways through the cluster's Redis server, as the silos
    /// find each other, or connects to the loopback gateway of an embedded silo another process hosts. Until a gateway
    /// answers it keeps trying, for <see cref="FqClientSettings.ConnectTimeout"/>. With trace propagation, the settings'
    /// response timeout, the grain interfaces' serializers and the shared telemetry.
    /// </summary>
    /// <param name="builder">The host to add the client to.</param>
    /// <param name="settings">Where the cluster is, its ids and timeouts.</param>
    /// <param name="configure">Further client configuration (streams), applied last.</param>
    /// <exception cref="ArgumentException">The settings are invalid; see <see cref="FqClientSettings.Validate"/>.</exception>
    public static IHostApplicationBuilder AddFqClient(this IHostApplicationBuilder builder, FqClientSettings settings,
        Action<IClientBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        // A no-op when the host already chose its service name.
        builder.Services.AddFqTelemetry(FqTelemetry.ClientServiceName);
        var redis = settings.ClusterAddress;
        var connecting = Stopwatch.StartNew();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ServiceId = settings.ServiceId;
                o.ClusterId = settings.ClusterId;
            });
            if (redis is not null) client.UseRedisClustering(o => o.ConfigurationOptions = RedisOptions(redis));
            else client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, settings.GatewayPort!.Value));
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = settings.ResponseTimeout);
            client.AddActivityPropagation();
            // A gateway on this machine is up at once or not at all; Redis' silos may still be starting.
            var pause = TimeSpan.FromMilliseconds(redis is null ? 250 : 500);
            client.UseConnectionRetryFilter(async (_, token) =>
            {
                if (connecting.Elapsed >= settings.ConnectTimeout) return false;
                await Task.Delay(pause, token);
                return true;
            });
            client.Services.AddSerializer(s => s.AddAssembly(typeof(IClusterInfoGrain).Assembly));
            configure?.Invoke(client);
        });
        return builder;
    }

    /// <summary>
    /// Adds the embedded tracker with settings read from the host's configuration
    /// (<see cref="EmbeddedTrackerSettings.FromConfiguration"/>: state or FQ_HOME, FQ_TRACKER_PORT, FQ_TRACKER_TOKEN).
    /// Call it after <c>AddFqSilo</c>: the silo's outbox then delivers to this tracker.
    /// </summary>
    /// <exception cref="ArgumentException">FQ_TRACKER_PORT is not a port number.</exception>
    public static IHostApplicationBuilder AddEmbeddedTracker(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddEmbeddedTracker(EmbeddedTrackerSettings.FromConfiguration(builder.Configuration));
        return builder;
    }

    /// <summary>
    /// Adds the <see cref="EmbeddedTracker"/> as a hosted service and makes it the tracking target of the silo's outbox
    /// (replacing the one <c>AddFqSilo</c> registered, so call this after it).
    /// </summary>
    public static IServiceCollection AddEmbeddedTracker(this IServiceCollection services, EmbeddedTrackerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(sp => new EmbeddedTracker(settings, sp));
        services.AddSingleton(sp => sp.GetRequiredService<EmbeddedTracker>().Target);
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedTracker>());
        return services;
    }

    internal static ConfigurationOptions RedisOptions(ClusterAddress redis) => ConfigurationOptions.Parse(redis.ToRedisConfiguration());

    /// <summary>Loopback when Redis is local, else the address of the interface the system routes to Redis through.</summary>
    private static IPAddress AddressFacing(ClusterAddress redis)
    {
        var target = IPAddress.TryParse(redis.Host, out var literal) ? literal
            : Dns.GetHostAddresses(redis.Host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
              ?? throw new ArgumentException($"--cluster: cannot resolve the Redis host '{redis.Host}' to an IPv4 address.", "cluster");
        if (IPAddress.IsLoopback(target)) return IPAddress.Loopback;
        // Connecting a UDP socket sends nothing; it only asks the routing table which local address would be used.
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Connect(target, redis.Port);
        return ((IPEndPoint)probe.LocalEndPoint!).Address;
    }
}
