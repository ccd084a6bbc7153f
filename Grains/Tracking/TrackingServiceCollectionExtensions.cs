using FocusedQuantization.Tracking.Outbox;
using Microsoft.Extensions.DependencyInjection;

namespace FocusedQuantization.Grains.Tracking;

/// <summary>Turns on experiment tracking for the sweep grains of a silo.</summary>
public static class TrackingServiceCollectionExtensions
{
    /// <summary>
    /// Adds this silo's outbox (one per silo process, on <paramref name="options"/>' file) delivering to
    /// <paramref name="target"/>, publishes its depth as a gauge, and makes the sweep and trial grains log through it.
    /// Without this call they log nothing (<see cref="NoSweepTracking"/>, registered by AddFqGrains).
    /// </summary>
    public static IServiceCollection AddFqTracking(this IServiceCollection services, OutboxOptions options, TrackingTarget target)
    {
        services.AddTrackingOutbox(options, target);
        services.AddSingleton<OutboxSweepTracking>();
        services.AddSingleton<ISweepTracking>(sp => sp.GetRequiredService<OutboxSweepTracking>());
        services.AddSingleton<ITrialTracking>(sp => sp.GetRequiredService<OutboxSweepTracking>());
        services.AddHostedService<OutboxDepthGauge>();
        return services;
    }
}
