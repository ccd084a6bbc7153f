using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Grains.Tracking;

/// <summary>
/// What the sweep grain tells the experiment tracker: its parent run and which trials are on the front (fq.pareto).
/// Each call is a durable local enqueue done off the grain scheduler; it never throws, so logging can never fail a sweep.
/// The trials log their own child runs (<see cref="ITrialTracking"/>).
/// </summary>
public interface ISweepTracking
{
    /// <summary>The sweep started: its parent run, with the spec as params and tags.</summary>
    Task SweepLaunched(string sweepId, SweepSpec spec, DateTimeOffset createdAt);

    /// <summary>fq.pareto of each trial whose membership of the front changed (a finished trial's own value always).</summary>
    Task ParetoChanged(string sweepId, SweepSpec spec, IReadOnlyList<KeyValuePair<string, bool>> changes);

    /// <summary>
    /// A trial's rung decision in an early-stopping sweep: fq.rung (the last rung it reached, 0-based) and, when it was
    /// stopped, fq.stop_reason and the status KILLED; when it goes on, the status RUNNING again and fq.promoted, its rung
    /// history ("passed rungs at epochs 1, 3", "...; resumed late from rung 2/3 (epoch 3/8)").
    /// </summary>
    Task TrialRung(string sweepId, SweepSpec spec, string trialId, int rung, string? stopReason, string? promotion);

    /// <summary>
    /// The sweep ended (or was cancelled): its totals, hypervolume, status and end time; <paramref name="cutShort"/> are the
    /// trials it cancelled while they ran, whose runs are closed KILLED.
    /// </summary>
    Task SweepEnded(string sweepId, SweepSpec spec, SweepState state, DateTimeOffset? finishedAt, TrialCounts counts, double hypervolume,
        IReadOnlyList<string> cutShort);
}

/// <summary>A trial's child run: whose sweep it is, its id and config, and when it started.</summary>
public sealed record TrialRunInfo(string SweepId, string SweepName, string TrialId, TrialConfig Config, DateTimeOffset? StartedAt)
{
    /// <summary>
    /// Whether this run's start was logged through this silo's outbox by the same activation: then its end need not
    /// create it again (the outbox delivers in order, so the create is ahead of the end), two operations less a trial.
    /// </summary>
    public bool StartLogged { get; init; }
}

/// <summary>
/// What a trial grain tells the tracker about its own child run: created with its config when it starts, its metrics,
/// per-layer tags, recoveries and final status when it ends. Durable local enqueues off the grain scheduler; never throws.
/// </summary>
public interface ITrialTracking
{
    /// <summary>The trial started: its child run, RUNNING, with the config as params.</summary>
    Task TrialStarted(TrialRunInfo run);

    /// <summary>The trial has an outcome: its metrics and tags (completed), its error (failed), its status and end time.</summary>
    Task TrialEnded(TrialRunInfo run, TrialState state, TrialResult? result, string? error, string silo, DateTimeOffset finishedAt);
}
