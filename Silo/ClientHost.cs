using Microsoft.Extensions.Hosting;

namespace FocusedQuantization.Silo;

/// <summary>Builds and starts the host of an external client (<see cref="FqHostingExtensions.AddFqClient(IHostApplicationBuilder, FqClientSettings, Action{IClientBuilder}?)"/>).</summary>
internal static class ClientHost
{
    /// <summary>A started host carrying a client with <paramref name="settings"/>; it reads no configuration of its own.</summary>
    public static async Task<IHost> StartAsync(FqClientSettings settings, Action<IClientBuilder>? configure, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddFqClient(settings, configure);
        return await HostStart.StartOrDisposeAsync(builder.Build(), cancellationToken);
    }
}
