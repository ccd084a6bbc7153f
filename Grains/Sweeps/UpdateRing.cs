using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Grains.Sweeps;

/// <summary>
/// The last <see cref="Capacity"/> updates of a sweep, oldest first, and a signal for watchers waiting on the next one.
/// Used on the sweep grain's scheduler only.
/// </summary>
internal sealed class UpdateRing(int capacity = UpdateRing.DefaultCapacity)
{
    public const int DefaultCapacity = 4096;

    private readonly SweepUpdate[] _items = new SweepUpdate[capacity];
    private int _start;
    private int _count;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Capacity => _items.Length;

    /// <summary>Completes when the next update is added.</summary>
    public Task Next => _next.Task;

    public void Add(SweepUpdate update)
    {
        if (_count == _items.Length)
        {
            _items[_start] = update;
            _start = (_start + 1) % _items.Length;
        }
        else
        {
            _items[(_start + _count) % _items.Length] = update;
            _count++;
        }
        var signal = _next;
        _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        signal.SetResult();
    }

    /// <summary>
    /// Whether every update after <paramref name="version"/> up to <paramref name="current"/> is still held: the watcher's
    /// version must be the current one, or no older than the one just before the oldest held. Versions are consecutive
    /// within an activation, and a new activation starts above every earlier one's, so a version from an earlier
    /// activation is never replayable here.
    /// </summary>
    public bool CanReplayAfter(long version, long current)
    {
        if (version == current) return true;
        if (version > current || _count == 0) return false;
        return version >= _items[_start].Version - 1;
    }

    /// <summary>The held updates after <paramref name="version"/>, oldest first (a copy).</summary>
    public SweepUpdate[] After(long version)
    {
        var result = new List<SweepUpdate>();
        for (var i = 0; i < _count; i++)
        {
            var item = _items[(_start + i) % _items.Length];
            if (item.Version > version) result.Add(item);
        }
        return [.. result];
    }
}
