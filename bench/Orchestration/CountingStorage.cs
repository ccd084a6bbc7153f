using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Storage;

namespace FocusedQuantization.Benchmarks.Orchestration;

/// <summary>
/// Counts what the silo's default grain storage is asked to write: writes and serialized bytes, in total and per state
/// name prefix (a sweep's pages are "sweep-rows-N"). The bytes are those of the Orleans serializer the SQLite storage
/// uses, serialized once more here, a cost of microseconds per write next to the write itself.
/// </summary>
public sealed class CountingStorage
{
    private readonly ConcurrentDictionary<string, long> _bytesByState = new(StringComparer.Ordinal);
    private long _bytes, _writes;

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Bytes written under state names that start with <paramref name="prefix"/>.</summary>
    public long BytesOf(string prefix) => _bytesByState.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(e => e.Value);

    /// <summary>Wraps the default storage registered so far (call it last, from the silo's own configuration).</summary>
    public void WrapDefaultStorage(IServiceCollection services)
    {
        var name = ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME;
        var original = services.Last(d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService && Equals(d.ServiceKey, name));
        var factory = original.KeyedImplementationFactory ?? throw new InvalidOperationException("The default grain storage is not made by a factory.");
        services.AddKeyedSingleton<IGrainStorage>(name, (provider, key) =>
            new Counter(this, (IGrainStorage)factory(provider, key), provider.GetRequiredService<IGrainStorageSerializer>()));
    }

    private void Add(string stateName, long bytes)
    {
        Interlocked.Increment(ref _writes);
        Interlocked.Add(ref _bytes, bytes);
        // Page numbers and grain-specific suffixes folded: "sweep-rows-12" counts as "sweep-rows-".
        var kind = stateName.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
        _bytesByState.AddOrUpdate(kind, bytes, (_, total) => total + bytes);
    }

    private sealed class Counter(CountingStorage counts, IGrainStorage inner, IGrainStorageSerializer serializer) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            counts.Add(stateName, serializer.Serialize(grainState.State).ToArray().LongLength);
            return inner.WriteStateAsync(stateName, grainId, grainState);
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
    }
}
