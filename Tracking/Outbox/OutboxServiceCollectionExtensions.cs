using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FocusedQuantization.Tracking.Outbox;

/// <summary>Registers a tracking outbox and its delivery loop in a host.</summary>
public static class OutboxServiceCollectionExtensions
{
    /// <summary>
    /// Adds one <see cref="TrackingOutbox"/> on <paramref name="options"/>' file, delivering to <paramref name="target"/>,
    /// with its delivery loop as a hosted service (started and, within <see cref="OutboxOptions.DrainOnStop"/>, drained
    /// with the host).
    /// </summary>
    public static IServiceCollection AddTrackingOutbox(this IServiceCollection services, OutboxOptions options, TrackingTarget target)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(target);
        services.AddSingleton(target);
        services.AddSingleton(sp => new TrackingOutbox(options, sp.GetRequiredService<TrackingTarget>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger<TrackingOutbox>()));
        services.AddHostedService(sp => sp.GetRequiredService<TrackingOutbox>());
        return services;
    }
}
