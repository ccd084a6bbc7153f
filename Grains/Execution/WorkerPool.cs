using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FocusedQuantization.Grains.Execution;

/// <summary>
/// Runs CPU-bound work off the Orleans scheduler with at most <see cref="FqGrainsOptions.Workers"/> jobs at a time on
/// this silo, so that trials and layer searches queue instead of oversubscribing the cores (torch uses one thread each).
/// When the host stops, running jobs are cancelled and awaited before the process may exit.
/// Jobs on a CUDA device (<see cref="RunOnDeviceAsync{T}"/>) take that device's slot instead (<see cref="GpuSlots"/>: one
/// job per device at a time) and no worker slot, so CPU jobs keep running beside them.
/// </summary>
public sealed class WorkerPool(IOptions<FqGrainsOptions> options) : IHostedService, IDisposable
{
    // Long enough for any stage to reach its next cancellation check (one batch, one evaluation).
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(2);

    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Value.Workers));
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private readonly GpuSlots _gpus = new(options.Value.GpuDevices ?? CudaDevices());

    /// <summary>The CUDA device slots of this silo.</summary>
    public GpuSlots Gpus => _gpus;

    /// <summary>Whether the host is stopping: a job that ends now was cut short, not failed.</summary>
    public bool IsStopping => _stopping.IsCancellationRequested;

    /// <summary>Runs <paramref name="work"/> on the thread pool once a worker slot is free.</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, T> work, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        await _slots.WaitAsync(linked.Token);
        try
        {
            return await Launch(() => work(linked.Token), linked.Token);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on <paramref name="device"/> ("cpu", "cuda" or "cuda:N"; null is the CPU), passing
    /// it the device it runs on: the CPU in a worker slot, as <see cref="RunAsync{T}"/>; a CUDA device once its slot
    /// is free ("cuda": the first free device, passed as "cuda:N"), without taking a worker slot.
    /// </summary>
    public async Task<T> RunOnDeviceAsync<T>(string? device, Func<string, CancellationToken, T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var text = Compression.Training.ComputeDevice.Normalize(device);
        if (text == Compression.Training.ComputeDevice.Cpu) return await RunAsync(token => work(text, token), cancellationToken);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var index = await _gpus.AcquireAsync(Compression.Training.ComputeDevice.CudaIndex(text), linked.Token);
        try
        {
            return await Launch(() => work($"cuda:{index}", linked.Token), linked.Token);
        }
        finally
        {
            _gpus.Release(index);
        }
    }

    private async Task<T> Launch<T>(Func<T> work, CancellationToken cancellationToken)
    {
        var job = Task.Run(() =>
        {
            // The pool owns torch's thread setting, which is per thread: one each, as the slots assume.
            Compression.Training.TorchThreads.Use();
            return work();
        }, cancellationToken);
        _running.TryAdd(job, 0);
        try
        {
            return await job;
        }
        finally
        {
            _running.TryRemove(job, out _);
        }
    }

    private static int CudaDevices() => TorchSharp.torch.cuda.is_available() ? TorchSharp.torch.cuda.device_count() : 0;

    /// <summary>
    /// Runs short work (building a model to read its layer names) on the thread pool with torch's thread setting, without
    /// a worker slot: it must not queue behind hours of training, and it is too small to oversubscribe the cores.
    /// </summary>
    public Task<T> RunQuickAsync<T>(Func<T> work) => Task.Run(() =>
    {
        Compression.Training.TorchThreads.Use();
        return work();
    }, _stopping.Token);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Cancels the running jobs and waits for them. Torch must not be inside a call when the process exits: libtorch's
    /// static destructors would run under it and corrupt the heap ("corrupted double-linked list").
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        var running = _running.Keys.ToArray();
        try
        {
            await Task.WhenAll(running).WaitAsync(DrainTimeout, cancellationToken);
        }
        catch (Exception) when (running.All(t => t.IsCompleted))
        {
            // The jobs ended by cancellation or failure; their callers see that. Only their end matters here.
        }
        catch (TimeoutException)
        {
            // A job that never reaches a cancellation check; nothing more can be done from here.
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _slots.Dispose();
    }
}
