using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace FocusedQuantization.Grains.Execution;

/// <summary>How grain state is serialized wherever fq's grains run: silos, and the test clusters that host them.</summary>
public static class StateSerialization
{
    /// <summary>
    /// Grain state through Orleans' own version-tolerant serializer (the [Id]s of the records), not Newtonsoft JSON with
    /// type names: JSON records the concrete type of every IReadOnlyList, including the compiler's hidden ones for
    /// collection expressions, and then refuses to read them back, so a grain reactivated from its state would fail.
    /// </summary>
    public static IServiceCollection UseOrleansStateSerializer(this IServiceCollection services) =>
        services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
}
