using System.Net;
using Microsoft.Extensions.Hosting;

namespace FocusedQuantization.Silo;

/// <summary>Turns a .NET host into a silo of the fq cluster.</summary>
public static class SiloHostBuilderExtensions
{
    /// <summary>
    /// Adds an Orleans silo that listens on loopback at the given ports, joins the other silos of this machine through
    /// the primary silo, and keeps grain state in memory (durable storage comes with the orchestration work).
    /// The host also gets an in-process cluster client, so its own services can call grains.
    /// </summary>
    /// <exception cref="ArgumentException">The settings are invalid; see <see cref="SiloSettings.Validate"/>.</exception>
    public static IHostApplicationBuilder AddFqSilo(this IHostApplicationBuilder builder, SiloSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var primary = settings.PrimarySiloPort is { } port ? new IPEndPoint(IPAddress.Loopback, port) : null;
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, primary, settings.ServiceId, settings.ClusterId)
            .AddMemoryGrainStorageAsDefault());
        return builder;
    }
}
