using System.Collections.Concurrent;

namespace FocusedQuantization.Grains.Execution;

/// <summary>How many times each expensive stage really ran on this silo (cached answers do not count).</summary>
public sealed class StageCounters
{
    private int _baselines, _prunings, _layerSearches, _trials;

    // Per seed as well, so a count can be read for one sweep while another sweep's baseline still trains beside it.
    private readonly ConcurrentDictionary<int, int> _baselinesBySeed = new();

    public int BaselinesTrained => Volatile.Read(ref _baselines);
    public int BaselinesTrainedWithSeed(int seed) => _baselinesBySeed.GetValueOrDefault(seed);
    public int CheckpointsPruned => Volatile.Read(ref _prunings);
    public int LayerSearches => Volatile.Read(ref _layerSearches);
    public int TrialsRun => Volatile.Read(ref _trials);

    internal void BaselineTrained(int seed)
    {
        Interlocked.Increment(ref _baselines);
        _baselinesBySeed.AddOrUpdate(seed, 1, (_, count) => count + 1);
    }
    internal void CheckpointPruned() => Interlocked.Increment(ref _prunings);
    internal void LayerSearched() => Interlocked.Increment(ref _layerSearches);
    internal void TrialRun() => Interlocked.Increment(ref _trials);
}
