using System.Globalization;
using System.Net;
using FocusedQuantization.Grains.Interfaces;
using FocusedQuantization.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Serialization;

namespace FocusedQuantization.Silo;

/// <summary>
/// The embedded default when several fq commands run at once on one state folder: the first hosts the silo and holds
/// an exclusive lock on <c>embedded.lock</c>; the others find the lock taken and connect to that silo's gateway (its
/// port is in <c>embedded.gateway</c>) instead of starting a second silo on the same database.
/// </summary>
public static class EmbeddedSession
{
    private const string LockFileName = "embedded.lock", GatewayFileName = "embedded.gateway";
    private static readonly TimeSpan WaitForGatewayFile = TimeSpan.FromSeconds(30);

    /// <summary>Hosts the embedded silo, or joins the one another process on this state folder hosts.</summary>
    public static async Task<IFqCluster> OpenAsync(string? stateFolder, Action<ISiloBuilder>? configureSilo = null, CancellationToken cancellationToken = default)
    {
        var folder = FqStateFolder.Resolve(stateFolder);
        Directory.CreateDirectory(folder);
        var lockPath = Path.Combine(folder, LockFileName);
        var gatewayPath = Path.Combine(folder, GatewayFileName);
        FileStream? held = null;
        for (var attempt = 1; held is null; attempt++)
        {
            try
            {
                held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                try
                {
                    return await JoinAsync(folder, gatewayPath, cancellationToken);
                }
                catch (Exception ex) when (attempt < 3 && ex is not OperationCanceledException)
                {
                    // The other process may just have finished and let its silo go: try to host it ourselves.
                }
            }
        }

        try
        {
            var ports = EmbeddedCluster.FreeLoopbackPorts(2);
            var cluster = await EmbeddedCluster.StartAsync(
                new SiloSettings
                {
                    StateFolder = folder, SiloPort = ports[0], GatewayPort = ports[1], DashboardPort = SiloSettings.DashboardPortFromEnvironment(),
                }, configureSilo, cancellationToken);
            File.WriteAllText(gatewayPath, ports[1].ToString(CultureInfo.InvariantCulture));
            return new Hosted(cluster, held, gatewayPath);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    private static async Task<IFqCluster> JoinAsync(string folder, string gatewayPath, CancellationToken cancellationToken)
    {
        // The host writes the port right after its silo started: give it that long.
        var deadline = DateTime.UtcNow + WaitForGatewayFile;
        int port;
        while (!TryReadPort(gatewayPath, out port))
        {
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"Another fq process holds the embedded silo of {folder} but published no gateway port in {gatewayPath}.");
            await Task.Delay(200, cancellationToken);
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var defaults = new SiloSettings();
        builder.Services.AddFqTelemetry(FqTelemetry.ClientServiceName);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ServiceId = defaults.ServiceId;
                o.ClusterId = defaults.ClusterId;
            });
            client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, port));
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = defaults.ResponseTimeout);
            client.AddActivityPropagation();
            client.Services.AddSerializer(s => s.AddAssembly(typeof(IClusterInfoGrain).Assembly));
            var connecting = System.Diagnostics.Stopwatch.StartNew();
            client.UseConnectionRetryFilter(async (_, token) =>
            {
                if (connecting.Elapsed > TimeSpan.FromSeconds(10)) return false;
                await Task.Delay(250, token);
                return true;
            });
        });
        var host = builder.Build();
        await HostStart.StartOrDisposeAsync(host, cancellationToken);
        return new Joined(host, $"embedded silo of another fq process (state in {folder}, gateway {port})");
    }

    private static bool TryReadPort(string path, out int port)
    {
        port = 0;
        try
        {
            return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out port) && port > 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>This process hosts the silo; disposing stops it, then releases the lock.</summary>
    private sealed class Hosted(EmbeddedCluster cluster, FileStream held, string gatewayPath) : IFqCluster
    {
        public IClusterClient Client => cluster.Client;
        public IServiceProvider Services => cluster.Services;
        public string Description => cluster.Description;

        /// <summary>The hosted cluster itself.</summary>
        public EmbeddedCluster Cluster => cluster;

        public async ValueTask DisposeAsync()
        {
            await cluster.DisposeAsync();
            try
            {
                File.Delete(gatewayPath);
            }
            catch (IOException)
            {
            }
            await held.DisposeAsync();
        }
    }

    /// <summary>A client of another process's embedded silo.</summary>
    private sealed class Joined(IHost host, string description) : IFqCluster
    {
        public IClusterClient Client => host.Services.GetRequiredService<IClusterClient>();
        public IServiceProvider Services => host.Services;
        public string Description => description;

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    /// <summary>True when <paramref name="cluster"/> hosts its silo in this process.</summary>
    public static bool HostsSilo(IFqCluster cluster) => cluster is Hosted or EmbeddedCluster;
}
