using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FocusedQuantization.Grains.Execution;

/// <summary>
/// Runs CPU-bound work off the Orleans scheduler with at most <see cref="FqGrainsOptions.Workers"/> jobs at a time on
/// this silo, so that trials and layer searches queue instead of oversubscribing the cores (torch uses one thread each).
/// When the host stops, running jobs are cancelled and awaited before the process may exit.
/// </summary>
public sealed class WorkerPool(IOptions<FqGrainsOptions> options) : IHostedService, IDisposable
{
    // Long enough for any stage to reach its next cancellation check (one batch, one evaluation).
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(2);

    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Value.Workers));
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <summary>Whether the host is stopping: a job that ends now was cut short, not failed.</summary>
    public bool IsStopping => _stopping.IsCancellationRequested;

    /// <summary>Runs <paramref name="work"/> on the thread pool once a worker slot is free.</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, T> work, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        await _slots.WaitAsync(linked.Token);
        try
        {
            var job = Task.Run(() =>
            {
                // The pool owns torch's thread setting, which is per thread: one each, as the slots assume.
                Compression.Training.TorchThreads.Use();
                return work(linked.Token);
            }, linked.Token);
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
        finally
        {
            _slots.Release();
        }
    }

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
