namespace FocusedQuantization.Grains.Execution;

/// <summary>How many times each expensive stage really ran on this silo (cached answers do not count).</summary>
public sealed class StageCounters
{
    private int _baselines, _prunings, _layerSearches, _trials;

    public int BaselinesTrained => Volatile.Read(ref _baselines);
    public int CheckpointsPruned => Volatile.Read(ref _prunings);
    public int LayerSearches => Volatile.Read(ref _layerSearches);
    public int TrialsRun => Volatile.Read(ref _trials);

    internal void BaselineTrained() => Interlocked.Increment(ref _baselines);
    internal void CheckpointPruned() => Interlocked.Increment(ref _prunings);
    internal void LayerSearched() => Interlocked.Increment(ref _layerSearches);
    internal void TrialRun() => Interlocked.Increment(ref _trials);
}
