using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace FocusedQuantization.Grains.Interfaces.Tests;

/// <summary>The real Orleans serializer, configured the way a silo or client configures it.</summary>
public sealed class OrleansSerializerFixture : IDisposable
{
    private readonly ServiceProvider services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    /// <summary>The serializer resolved from the container.</summary>
    public Serializer Serializer => services.GetRequiredService<Serializer>();

    /// <summary>Serializes the value to bytes and reads it back, as a grain call or a storage write would.</summary>
    public T RoundTrip<T>(T value) => Serializer.Deserialize<T>(Serializer.SerializeToArray(value))!;

    /// <inheritdoc />
    public void Dispose() => services.Dispose();
}
