using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Tracking;
using FocusedQuantization.Tracking.Outbox;
using Microsoft.Extensions.Logging;

namespace FocusedQuantization.Grains.Tracking;

/// <summary>
/// Sweep and trial tracking through this silo's outbox: each call turns into a few local inserts, delivered to the
/// tracker in order in the background. The inserts are synchronous SQLite writes, so they run on the thread pool, off
/// the grain scheduler; the returned task ends once they are durable. An insert that fails (a full disk) is logged and
/// dropped rather than thrown. Holds no per-sweep state: the sweep grain knows which trials joined or left its front.
/// </summary>
public sealed class OutboxSweepTracking(TrackingOutbox outbox, ILogger<OutboxSweepTracking> logger) : ISweepTracking, ITrialTracking
{
    /// <inheritdoc />
    public Task SweepLaunched(string sweepId, SweepSpec spec, DateTimeOffset createdAt) => Safely(sweepId, "launch", () =>
    {
        var experiment = TrackingNames.Experiment(spec.Name);
        var key = TrackingNames.SweepKey(sweepId);
        outbox.Enqueue(new CreateRunOperation(key, experiment, spec.Name, SweepRunContent.Millis(createdAt), SweepRunContent.SweepTags(sweepId, spec)));
        outbox.Enqueue(new LogBatchOperation(key, experiment, [], SweepRunContent.SweepParams(spec), []));
    });

    /// <inheritdoc />
    public Task ParetoChanged(string sweepId, SweepSpec spec, IReadOnlyList<KeyValuePair<string, bool>> changes) =>
        changes.Count == 0 ? Task.CompletedTask : Safely(sweepId, "front", () =>
        {
            var experiment = TrackingNames.Experiment(spec.Name);
            foreach (var (trial, onFront) in changes)
                outbox.Enqueue(new SetTagOperation(TrackingNames.TrialKey(trial), experiment, "fq.pareto", onFront ? "true" : "false"));
        });

    /// <inheritdoc />
    public Task TrialRung(string sweepId, SweepSpec spec, string trialId, int rung, string? stopReason, string? promotion) => Safely(sweepId, trialId, () =>
    {
        var experiment = TrackingNames.Experiment(spec.Name);
        var key = TrackingNames.TrialKey(trialId);
        outbox.Enqueue(new LogBatchOperation(key, experiment, [], [], SweepRunContent.RungTags(rung, stopReason, promotion)));
        outbox.Enqueue(new UpdateRunOperation(key, experiment, stopReason is null ? MlflowRunStatus.Running : MlflowRunStatus.Killed,
            stopReason is null ? null : SweepRunContent.Millis(null)));
    });

    /// <inheritdoc />
    public Task SweepEnded(string sweepId, SweepSpec spec, SweepState state, DateTimeOffset? finishedAt, TrialCounts counts, double hypervolume,
        IReadOnlyList<string> cutShort) => Safely(sweepId, "end", () =>
    {
        var experiment = TrackingNames.Experiment(spec.Name);
        var end = SweepRunContent.Millis(finishedAt);
        // Trials the sweep cut short while they ran have a RUNNING run that nothing else may close (their grain may be gone).
        foreach (var trial in cutShort)
            outbox.Enqueue(new UpdateRunOperation(TrackingNames.TrialKey(trial), experiment, MlflowRunStatus.Killed, end));
        var key = TrackingNames.SweepKey(sweepId);
        var metrics = new List<MlflowMetric>
        {
            new("trials_completed", counts.Completed, end),
            new("trials_failed", counts.Failed, end),
        };
        if (double.IsFinite(hypervolume)) metrics.Add(new MlflowMetric("hypervolume", hypervolume, end));
        outbox.Enqueue(new LogBatchOperation(key, experiment, metrics, [], []));
        outbox.Enqueue(new UpdateRunOperation(key, experiment, SweepRunContent.Status(state), end));
    });

    /// <inheritdoc />
    public Task TrialStarted(TrialRunInfo run) => Safely(run.SweepId, run.TrialId, () => CreateTrialRun(run));

    /// <inheritdoc />
    public Task TrialEnded(TrialRunInfo run, TrialState state, TrialResult? result, string? error, string silo, DateTimeOffset finishedAt) =>
        Safely(run.SweepId, run.TrialId, () =>
        {
            var experiment = TrackingNames.Experiment(run.SweepName);
            var key = TrackingNames.TrialKey(run.TrialId);
            // Created again unless its start went through this outbox (a trial resumed elsewhere, tracking turned on
            // mid-sweep); an existing run is found, not doubled.
            if (!run.StartLogged) CreateTrialRun(run);
            var end = SweepRunContent.Millis(finishedAt);
            var tags = new List<MlflowRunTag> { new("fq.silo", silo) };
            if (error is not null) tags.Add(new MlflowRunTag("fq.error", error.Length > 4000 ? error[..4000] : error));
            IReadOnlyList<MlflowMetric> metrics = [];
            if (result is not null)
            {
                metrics = SweepRunContent.TrialMetrics(result, end);
                tags.AddRange(SweepRunContent.LayerModeTags(result));
                tags.AddRange(SweepRunContent.RecoveryTags(result));
            }
            outbox.Enqueue(new LogBatchOperation(key, experiment, metrics, [], tags));
            outbox.Enqueue(new UpdateRunOperation(key, experiment, SweepRunContent.Status(state), end));
        });

    private void CreateTrialRun(TrialRunInfo run)
    {
        var experiment = TrackingNames.Experiment(run.SweepName);
        var key = TrackingNames.TrialKey(run.TrialId);
        outbox.Enqueue(new CreateRunOperation(key, experiment, run.TrialId, SweepRunContent.Millis(run.StartedAt),
            SweepRunContent.TrialTags(run.SweepId, run.TrialId), TrackingNames.SweepKey(run.SweepId)));
        outbox.Enqueue(new LogBatchOperation(key, experiment, [], SweepRunContent.TrialParams(run.Config), []));
    }

    /// <summary>Runs the inserts on the thread pool (they block on SQLite), logging instead of throwing.</summary>
    private Task Safely(string sweepId, string what, Action enqueue) => Task.Run(() =>
    {
        try
        {
            enqueue();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not record {What} of sweep {SweepId} for the tracker; the sweep goes on without it", what, sweepId);
        }
    });
}
