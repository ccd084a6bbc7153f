using Microsoft.Extensions.Hosting;

namespace FocusedQuantization.Silo;

/// <summary>Starting a host that owns a silo or a cluster client.</summary>
internal static class HostStart
{
    /// <summary>
    /// Starts <paramref name="host"/> and returns it; a start that fails (a port taken, a cluster unreachable) disposes
    /// it first, so no half-started silo or client keeps its ports and threads.
    /// </summary>
    public static async Task<IHost> StartOrDisposeAsync(IHost host, CancellationToken cancellationToken)
    {
        try
        {
            await host.StartAsync(cancellationToken);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
