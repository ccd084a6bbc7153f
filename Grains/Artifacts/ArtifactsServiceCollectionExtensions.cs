using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Hosting;

namespace FocusedQuantization.Grains.Artifacts;

/// <summary>Registers how a silo moves checkpoints and data sets to and from the other silos.</summary>
public static class ArtifactsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the silo's file server (<see cref="ArtifactServer"/>, a GrainService), its client, the local artifact catalog
    /// and the fetcher the stage runner calls. Idempotent, except that every call's <paramref name="configure"/> applies.
    /// </summary>
    public static IServiceCollection AddFqArtifacts(this IServiceCollection services, Action<ArtifactOptions>? configure = null)
    {
        var options = services.AddOptions<ArtifactOptions>();
        if (configure is not null) options.Configure(configure);
        if (services.Any(d => d.ServiceType == typeof(ArtifactFetcher))) return services;
        services.TryAddSingleton<LocalArtifacts>();
        services.TryAddSingleton<IArtifactServerClient, ArtifactServerClient>();
        services.TryAddSingleton<ArtifactFetcher>();
        services.AddGrainService<ArtifactServer>();
        return services;
    }
}
