using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Grains.Sweeps;

/// <summary>
/// A grain's stage jobs by key: one task per key, shared by every asker. Used on the grain's scheduler only, and only
/// synchronously between awaits, so it needs no lock. A failed job is started again by the next Ensure; a job cut short by
/// its silo stopping answers Lost, so the asker ensures it again (on whichever silo then hosts the grain).
/// </summary>
internal sealed class JobTable<T>(Func<bool> siloStopping)
{
    private readonly Dictionary<string, Task<T>> _jobs = new(StringComparer.Ordinal);

    /// <summary>Starts the job unless it runs or is done (a failed or lost one starts again); answers at once.</summary>
    public StageJob<T> Ensure(string key, Func<Task<T>> start)
    {
        if (!_jobs.TryGetValue(key, out var job) || job.IsFaulted || job.IsCanceled)
            _jobs[key] = job = start();
        return StateOf(job);
    }

    /// <summary>The job's state once it ends or <paramref name="upTo"/> passes (at most <see cref="StageJobs.MaxWait"/>).</summary>
    public async Task<StageJob<T>> WaitAsync(string key, TimeSpan upTo, CancellationToken cancellationToken)
    {
        if (!_jobs.TryGetValue(key, out var job)) return StageJob<T>.Lost;
        if (!job.IsCompleted)
        {
            var limit = upTo < TimeSpan.Zero ? TimeSpan.Zero : upTo > StageJobs.MaxWait ? StageJobs.MaxWait : upTo;
            await System.Threading.Tasks.Task.WhenAny(job, System.Threading.Tasks.Task.Delay(limit, cancellationToken));
        }
        return StateOf(job);
    }

    /// <summary>The task of a job, for work that depends on it inside the same grain (pruning needs its baseline).</summary>
    public Task<T> JobOf(string key, Func<Task<T>> start)
    {
        Ensure(key, start);
        return _jobs[key];
    }

    private StageJob<T> StateOf(Task<T> job)
    {
        if (!job.IsCompleted) return StageJob<T>.Running;
        if (job.IsCompletedSuccessfully) return new StageJob<T>(JobStatus.Done, job.Result, null);
        // Cut short because this silo is stopping: not the work's failure; the asker tries again elsewhere.
        if (job.IsCanceled || siloStopping()) return StageJob<T>.Lost;
        var error = job.Exception!.InnerExceptions is [var single] ? single : job.Exception;
        return new StageJob<T>(JobStatus.Failed, default, error.Message);
    }
}
