using System.Diagnostics;
using FocusedQuantization.Grains.Interfaces;
using FocusedQuantization.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Serialization;

namespace FocusedQuantization.Silo;

/// <summary>An external client of a Redis-based fq cluster: it finds the gateways through Redis, as the silos find each other.</summary>
public sealed class FqClusterClient : IFqCluster
{
    private readonly IHost _host;

    private FqClusterClient(IHost host, string description)
    {
        _host = host;
        Client = host.Services.GetRequiredService<IClusterClient>();
        Description = description;
    }

    /// <inheritdoc />
    public IClusterClient Client { get; }

    /// <inheritdoc />
    public IGrainFactory Grains => Client;

    /// <inheritdoc />
    public IServiceProvider Services => _host.Services;

    /// <inheritdoc />
    public string Description { get; }

    /// <summary>Connects to the cluster whose Redis server is <paramref name="cluster"/> (redis://HOST:PORT), with default ids and timeouts.</summary>
    /// <exception cref="ArgumentException">The address is malformed.</exception>
    public static Task<FqClusterClient> ConnectAsync(string cluster, Action<IClientBuilder>? configure = null,
        CancellationToken cancellationToken = default) =>
        ConnectAsync(new FqClientSettings { Cluster = cluster }, configure, cancellationToken);

    /// <summary>Connects to a Redis-based cluster, retrying until a gateway answers or <see cref="FqClientSettings.ConnectTimeout"/> passes.</summary>
    /// <param name="settings">Where the cluster is, its ids and timeouts.</param>
    /// <param name="configure">Further client configuration (streams), applied last.</param>
    /// <param name="cancellationToken">Stops connecting.</param>
    /// <exception cref="ArgumentException">The address is malformed.</exception>
    public static async Task<FqClusterClient> ConnectAsync(FqClientSettings settings, Action<IClientBuilder>? configure = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var redis = ClusterAddress.Parse(settings.Cluster);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var deadline = Stopwatch.StartNew();
        builder.Services.AddFqTelemetry(FqTelemetry.ClientServiceName);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ServiceId = settings.ServiceId;
                o.ClusterId = settings.ClusterId;
            });
            client.UseRedisClustering(o => o.ConfigurationOptions = SiloHostBuilderExtensions.RedisOptions(redis));
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = settings.ResponseTimeout);
            client.AddActivityPropagation();
            client.UseConnectionRetryFilter(async (_, ct) =>
            {
                if (deadline.Elapsed >= settings.ConnectTimeout) return false;
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
                return true;
            });
            client.Services.AddSerializer(s => s.AddAssembly(typeof(IClusterInfoGrain).Assembly));
            configure?.Invoke(client);
        });
        var host = builder.Build();
        await HostStart.StartOrDisposeAsync(host, cancellationToken);
        return new FqClusterClient(host, redis.ToString());
    }

    /// <summary>Disconnects from the cluster.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(CancellationToken.None);
        }
        finally
        {
            if (_host is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync();
            else _host.Dispose();
        }
    }
}
