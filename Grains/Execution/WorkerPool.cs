using Microsoft.Extensions.Options;

namespace FocusedQuantization.Grains.Execution;

/// <summary>
/// Runs CPU-bound work off the Orleans scheduler with at most <see cref="FqGrainsOptions.Workers"/> jobs at a time on
/// this silo, so that trials and layer searches queue instead of oversubscribing the cores (torch uses one thread each).
/// </summary>
public sealed class WorkerPool(IOptions<FqGrainsOptions> options)
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Value.Workers));

    /// <summary>Runs <paramref name="work"/> on the thread pool once a worker slot is free.</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, T> work, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(() => work(cancellationToken), cancellationToken);
        }
        finally
        {
            _slots.Release();
        }
    }
}
