using System.Globalization;
using FocusedQuantization.Telemetry;

namespace FocusedQuantization.Silo;

/// <summary>
/// The embedded default when several fq commands run at once on one state folder: the first hosts the silo and holds
/// an exclusive lock on <c>embedded.lock</c>; the others find the lock taken and connect to that silo's gateway (its
/// port is in <c>embedded.gateway</c>) instead of starting a second silo on the same database.
/// </summary>
internal static class EmbeddedSession
{
    private const string LockFileName = "embedded.lock", GatewayFileName = "embedded.gateway";
    private static readonly TimeSpan WaitForGatewayFile = TimeSpan.FromSeconds(30);

    /// <summary>Hosts the embedded silo, or joins the one another process on this state folder hosts.</summary>
    public static async Task<FqConnection> OpenAsync(FqConnectionOptions options, CancellationToken cancellationToken)
    {
        var folder = FqStateFolder.Resolve(options.StateFolder);
        options = options with { StateFolder = folder };
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
                    return await JoinAsync(options, gatewayPath, cancellationToken);
                }
                catch (Exception ex) when (attempt < 3 && ex is not OperationCanceledException)
                {
                    // The other process may just have finished and let its silo go: try to host it ourselves.
                }
            }
        }

        try
        {
            var ports = LoopbackPorts.Free(2);
            var settings = new SiloSettings { StateFolder = folder, SiloPort = ports[0], GatewayPort = ports[1], DashboardPort = options.DashboardPort };
            var host = SiloHost.Build(settings, FqTelemetry.ClientServiceName, withDefaults: false, configureSilo: silo =>
            {
                if (options.Notices is { } notices) WarningLines.AddTo(silo.Services, notices);
                if (options.EmbeddedTracker is { } tracker) silo.Services.AddEmbeddedTracker(tracker with { StateFolder = tracker.StateFolder ?? folder });
                options.ConfigureSilo?.Invoke(silo);
            });
            await HostStart.StartOrDisposeAsync(host, cancellationToken);
            File.WriteAllText(gatewayPath, ports[1].ToString(CultureInfo.InvariantCulture));
            return new FqConnection(host, options, $"embedded silo (state in {folder})", isEmbedded: true, new Lock(held, gatewayPath));
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    private static async Task<FqConnection> JoinAsync(FqConnectionOptions options, string gatewayPath, CancellationToken cancellationToken)
    {
        // The host writes the port right after its silo started: give it that long.
        var deadline = DateTime.UtcNow + WaitForGatewayFile;
        int port;
        while (!TryReadPort(gatewayPath, out port))
        {
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException(
                    $"Another fq process holds the embedded silo of {options.StateFolder} but published no gateway port in {gatewayPath}.");
            await Task.Delay(200, cancellationToken);
        }
        var host = await ClientHost.StartAsync(new FqClientSettings { GatewayPort = port, ConnectTimeout = TimeSpan.FromSeconds(10) },
            options.ConfigureClient, cancellationToken);
        return new FqConnection(host, options, $"embedded silo of another fq process (state in {options.StateFolder}, gateway {port})", isEmbedded: false);
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

    /// <summary>The state folder's lock, held while this process hosts its silo; released after the silo stopped.</summary>
    private sealed class Lock(FileStream held, string gatewayPath) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
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
}
