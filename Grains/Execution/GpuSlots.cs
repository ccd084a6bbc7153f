namespace FocusedQuantization.Grains.Execution;

/// <summary>
/// One slot per CUDA device of a silo: a job on "cuda:N" waits for device N, a job on "cuda" for whichever device is
/// free first; waiters are served in arrival order. At most one job runs on a device at a time (a GPU job fills its
/// device; two would only contend for its memory and time), while CPU jobs run beside them in the worker slots.
/// </summary>
public sealed class GpuSlots
{
    private readonly object _gate = new();
    private readonly bool[] _busy;
    private readonly LinkedList<Waiter> _waiters = new();

    /// <summary>Slots for <paramref name="devices"/> CUDA devices (0: a CPU-only silo, where every GPU job is refused).</summary>
    public GpuSlots(int devices)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(devices);
        _busy = new bool[devices];
    }

    /// <summary>The number of CUDA devices scheduled.</summary>
    public int Devices => _busy.Length;

    /// <summary>Devices running a job now.</summary>
    public int Busy
    {
        get
        {
            lock (_gate) return _busy.Count(b => b);
        }
    }

    /// <summary>
    /// Waits for device <paramref name="index"/> (null: any device) and returns the device index taken; release it
    /// with <see cref="Release"/>. An index beyond the devices, or any GPU on a silo without one, throws
    /// <see cref="ArgumentException"/> at once.
    /// </summary>
    public Task<int> AcquireAsync(int? index, CancellationToken cancellationToken)
    {
        if (_busy.Length == 0)
            throw new ArgumentException(
                $"A job asks for CUDA, but this silo has no CUDA device: it runs a CPU-only libtorch or has no GPU. Build fq with {Compression.Training.ComputeDevice.CudaPackages}, or run on cpu.");
        if (index is { } wanted && (wanted < 0 || wanted >= _busy.Length))
            throw new ArgumentException($"A job asks for cuda:{wanted}, but this silo has {_busy.Length} CUDA device(s) (cuda:0 to cuda:{_busy.Length - 1}).");
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            // A free device has no waiter that could take it (Release hands a device to the first such waiter at once).
            if (FreeDevice(index) is { } free)
            {
                _busy[free] = true;
                return Task.FromResult(free);
            }
            var waiter = new Waiter(index);
            var node = _waiters.AddLast(waiter);
            waiter.Registration = cancellationToken.Register(() =>
            {
                lock (_gate)
                {
                    // Only a waiter still queued is cancelled; one already given a device keeps it (and releases it).
                    if (node.List is null) return;
                    _waiters.Remove(node);
                }
                waiter.Completion.TrySetCanceled(cancellationToken);
            });
            return waiter.Completion.Task;
        }
    }

    /// <summary>Frees device <paramref name="index"/> and hands it to the first waiter that can take it.</summary>
    public void Release(int index)
    {
        Waiter? next = null;
        lock (_gate)
        {
            if (!_busy[index]) throw new InvalidOperationException($"cuda:{index} is not taken.");
            _busy[index] = false;
            for (var node = _waiters.First; node is not null; node = node.Next)
            {
                if (node.Value.Index is { } wanted && wanted != index) continue;
                _waiters.Remove(node);
                _busy[index] = true;
                next = node.Value;
                break;
            }
        }
        if (next is null) return;
        next.Registration.Dispose();
        next.Completion.TrySetResult(index);
    }

    private int? FreeDevice(int? index)
    {
        if (index is { } wanted) return _busy[wanted] ? null : wanted;
        for (var i = 0; i < _busy.Length; i++)
            if (!_busy[i]) return i;
        return null;
    }

    private sealed class Waiter(int? index)
    {
        public int? Index { get; } = index;

        public TaskCompletionSource<int> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }
    }
}
