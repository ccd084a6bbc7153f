using Orleans.Concurrency;

namespace FocusedQuantization.Grains.Interfaces.Sweeps;

/// <summary>
/// A sweep, keyed by its id: expands the spec into trials, runs them under the concurrency limit, keeps one small row per
/// finished trial, answers bounded status, paging and Pareto queries and pushes its changes to watchers. Survives silo
/// deaths: its state is persistent and a reminder resumes it.
/// </summary>
/// <remarks>
/// Calls into the sweep never wait on a call back out of it: trials answer <see cref="ITrialGrain.Start"/> at once and
/// report with the one-way <see cref="TrialFinished"/> and <see cref="TrialProgress"/>. No mutator interleaves; the
/// queries are read-only (they interleave with each other only).
/// </remarks>
[Alias("fq.ISweepGrain")]
public interface ISweepGrain : IGrainWithStringKey
{
    /// <summary>Accepts the spec and starts the sweep; launching the same id again returns its status.</summary>
    [Alias("Launch")]
    Task<SweepStatus> Launch(SweepSpec spec);

    /// <summary>The header, the counts per state, the running trials and the front: bounded whatever the sweep's size.</summary>
    [ReadOnly, Alias("GetStatus")]
    Task<SweepStatus> GetStatus();

    /// <summary>
    /// Up to <paramref name="count"/> trials (at most 1,000) from <paramref name="offset"/> in index order, all of them or
    /// those in <paramref name="state"/>; the page's total is how many match.
    /// </summary>
    [ReadOnly, Alias("GetTrials")]
    Task<TrialPage> GetTrials(int offset, int count, TrialState? state = null);

    /// <summary>Stops the sweep: pending trials are cancelled, running ones are told to stop.</summary>
    [Alias("Cancel")]
    Task Cancel();

    /// <summary>The non-dominated completed trials (CR against validation top-1), within a top-1 drop from dense (default: the spec's).</summary>
    [ReadOnly, Alias("GetPareto")]
    Task<ParetoResult> GetPareto(double? maxTop1Drop);

    /// <summary>
    /// Every change after <paramref name="afterVersion"/>, as it happens, until the sweep ends (the last update carries its
    /// final state) or the caller stops. A watcher that reconnects with the last version it saw misses nothing: the
    /// sweep keeps a ring of recent updates, and one further behind gets a snapshot first. -1 starts with a snapshot.
    /// </summary>
    [Alias("Watch")]
    IAsyncEnumerable<SweepUpdate> Watch(long afterVersion, CancellationToken cancellationToken = default);

    /// <summary>A running trial's stage progress (best effort).</summary>
    [OneWay, Alias("TrialProgress")]
    Task TrialProgress(string trialId, string stage, double fraction, string silo);

    /// <summary>
    /// A trial's outcome, recorded once however often it arrives. One-way: the trial wrote it durably first, and the
    /// sweep's tick asks again (<see cref="ITrialGrain.Start"/> returns it) if this report is lost.
    /// </summary>
    [OneWay, Alias("TrialFinished")]
    Task TrialFinished(TrialOutcome outcome);
}
