using FocusedQuantization.Grains.Artifacts;
using FocusedQuantization.Grains.Tracking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FocusedQuantization.Grains.Execution;

/// <summary>Registers what the sweep grains need on a silo.</summary>
public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the worker pool, the stage runner, the artifact transfer between silos, the silo's data set cache (one per
    /// host, shared by all its stages) and (unless tracking is added) tracking that does nothing; <paramref name="configure"/>
    /// sets the state folder and workers.
    /// </summary>
    public static IServiceCollection AddFqGrains(this IServiceCollection services, Action<FqGrainsOptions>? configure = null)
    {
        var options = services.AddOptions<FqGrainsOptions>();
        if (configure is not null) options.Configure(configure);
        services.TryAddSingleton<StageCounters>();
        services.TryAddSingleton<Compression.Stages.DatasetCache>();
        services.AddSingleton<WorkerPool>();
        // A hosted service too, so that stopping the host cancels and awaits running torch work before the process exits.
        services.AddHostedService(provider => provider.GetRequiredService<WorkerPool>());
        services.TryAddSingleton<IStageRunner, StageRunner>();
        // Checkpoints and data sets move between the silos through the cluster: no shared folder is needed.
        services.AddFqArtifacts();
        // Tracking off unless AddFqTracking registers the outbox's (whichever of the two calls comes first).
        services.TryAddSingleton<NoSweepTracking>();
        services.TryAddSingleton<ISweepTracking>(sp => sp.GetRequiredService<NoSweepTracking>());
        services.TryAddSingleton<ITrialTracking>(sp => sp.GetRequiredService<NoSweepTracking>());
        return services;
    }
}
