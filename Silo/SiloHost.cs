using FocusedQuantization.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Dashboard;

namespace FocusedQuantization.Silo;

/// <summary>
/// Builds the host of a silo: a plain .NET host, or, when the settings give a dashboard port, a minimal Kestrel host that
/// also serves the Orleans dashboard on 127.0.0.1. The web stack is only loaded in the second case, so a silo without a
/// dashboard starts as fast as before.
/// </summary>
public static class SiloHost
{
    /// <summary>Builds (does not start) the host of a silo with <paramref name="settings"/> and the shared telemetry.</summary>
    /// <param name="settings">Ports, mode, ids, state folder and dashboard port.</param>
    /// <param name="serviceName">Telemetry service.name unless OTEL_SERVICE_NAME is set, e.g. <see cref="FqTelemetry.SiloServiceName"/>.</param>
    /// <param name="withDefaults">
    /// True for a process of its own (configuration from environment variables and appsettings, console logging); false for
    /// a silo embedded in another program, which reads and writes nothing of the sort.
    /// </param>
    /// <param name="configureHost">Further host configuration (logging levels), applied before the silo is added.</param>
    /// <param name="configureSilo">Further silo configuration (streams, options), applied last.</param>
    /// <exception cref="ArgumentException">The settings are invalid; see <see cref="SiloSettings.Validate"/>.</exception>
    public static IHost Build(SiloSettings settings, string serviceName, bool withDefaults,
        Action<IHostApplicationBuilder>? configureHost = null, Action<ISiloBuilder>? configureSilo = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        return settings.DashboardPort is { } port
            ? BuildWithDashboard(settings, port, serviceName, withDefaults, configureHost, configureSilo)
            : BuildPlain(settings, serviceName, withDefaults, configureHost, configureSilo);
    }

    private static IHost BuildPlain(SiloSettings settings, string serviceName, bool withDefaults,
        Action<IHostApplicationBuilder>? configureHost, Action<ISiloBuilder>? configureSilo)
    {
        // No args: the host must not read the calling program's command line as configuration.
        var builder = Host.CreateApplicationBuilder(withDefaults
            ? new HostApplicationBuilderSettings { Args = [] }
            : new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddFqTelemetry(serviceName);
        configureHost?.Invoke(builder);
        builder.AddFqSilo(settings, configureSilo);
        return builder.Build();
    }

    private static IHost BuildWithDashboard(SiloSettings settings, int port, string serviceName, bool withDefaults,
        Action<IHostApplicationBuilder>? configureHost, Action<ISiloBuilder>? configureSilo)
    {
        var builder = withDefaults
            ? WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] })
            : WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        if (!withDefaults)
        {
            builder.WebHost.UseKestrelCore();
            builder.Services.AddRouting();
        }
        // Unauthenticated and showing grain state: loopback only.
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddFqTelemetry(serviceName);
        configureHost?.Invoke(builder);
        builder.AddFqSilo(settings, configureSilo);
        var app = builder.Build();
        app.MapOrleansDashboard();
        return app;
    }
}
