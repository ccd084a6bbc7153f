using System.Net;
using System.Net.Sockets;
using FocusedQuantization.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FocusedQuantization.Silo;

/// <summary>
/// One silo hosted in this process, in embedded mode (grain state and reminders in the state folder's SQLite file),
/// with its co-hosted client. What it stored is found again by the next embedded cluster on the same folder.
/// </summary>
public sealed class EmbeddedCluster : IFqCluster
{
    private readonly IHost _host;

    private EmbeddedCluster(IHost host, string stateFolder)
    {
        _host = host;
        StateFolder = stateFolder;
        Client = host.Services.GetRequiredService<IClusterClient>();
        SiloAddress = host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
    }

    /// <inheritdoc />
    public IClusterClient Client { get; }

    /// <inheritdoc />
    public IGrainFactory Grains => Client;

    /// <inheritdoc />
    public IServiceProvider Services => _host.Services;

    /// <summary>Full path of the state folder the silo keeps its SQLite file in.</summary>
    public string StateFolder { get; }

    /// <summary>The silo's address.</summary>
    public SiloAddress SiloAddress { get; }

    /// <inheritdoc />
    public string Description => $"embedded silo (state in {StateFolder})";

    /// <summary>
    /// Starts the silo on free loopback ports. <paramref name="stateFolder"/>: null means FQ_HOME if set, else ./.fq.
    /// <paramref name="configure"/> adds silo configuration (streams, options), applied last.
    /// </summary>
    public static Task<EmbeddedCluster> StartAsync(string? stateFolder = null, Action<ISiloBuilder>? configure = null,
        CancellationToken cancellationToken = default)
    {
        var ports = FreeLoopbackPorts(2);
        return StartAsync(new SiloSettings { StateFolder = stateFolder, SiloPort = ports[0], GatewayPort = ports[1] }, configure,
            cancellationToken);
    }

    /// <summary>Starts an embedded silo with explicit settings, which must not name a cluster.</summary>
    /// <exception cref="ArgumentException">The settings name a Redis cluster, or are invalid.</exception>
    public static async Task<EmbeddedCluster> StartAsync(SiloSettings settings, Action<ISiloBuilder>? configure = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Mode != SiloMode.Embedded)
            throw new ArgumentException($"An embedded cluster keeps its state locally; these settings name the cluster {settings.Cluster}.",
                nameof(settings));
        var host = SiloHost.Build(settings, FqTelemetry.ClientServiceName, withDefaults: false, configureSilo: configure);
        await HostStart.StartOrDisposeAsync(host, cancellationToken);
        return new EmbeddedCluster(host, FqStateFolder.Resolve(settings.StateFolder));
    }

    /// <summary>Stops the silo, letting grains write their state.</summary>
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

    /// <summary>Ports nothing listens on now; all probes stay open until every port is chosen, so none repeats.</summary>
    public static int[] FreeLoopbackPorts(int count)
    {
        var probes = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            probes.ForEach(p => p.Start());
            return probes.Select(p => ((IPEndPoint)p.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            probes.ForEach(p => p.Stop());
        }
    }
}
