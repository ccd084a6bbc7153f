using System.Collections.Concurrent;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Tracking;
using FocusedQuantization.Tracking.Outbox;
using Microsoft.Extensions.Logging;

namespace FocusedQuantization.Grains.Tracking;

/// <summary>
/// Sweep tracking through this silo's outbox: each call turns into a few local enqueues, delivered to the tracker in
/// order in the background. An enqueue that fails (a full disk) is logged and dropped rather than thrown.
/// </summary>
public sealed class OutboxSweepTracking(TrackingOutbox outbox, ILogger<OutboxSweepTracking> logger) : ISweepTracking
{
    // fq.pareto as last sent, per sweep and trial, so only changes are sent; an activation on another silo starts empty
    // and re-sends them all once, which is harmless since tags are last-write-wins.
    private readonly ConcurrentDictionary<string, Dictionary<string, string>> _paretoSent = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public void SweepLaunched(SweepStatus sweep) => Safely(sweep, "launch", () =>
    {
        var experiment = TrackingNames.Experiment(sweep.Spec.Name);
        var key = TrackingNames.SweepKey(sweep.SweepId);
        outbox.Enqueue(new CreateRunOperation(key, experiment, sweep.Spec.Name, SweepRunContent.Millis(sweep.CreatedAt),
            SweepRunContent.SweepTags(sweep.SweepId, sweep.Spec)));
        outbox.Enqueue(new LogBatchOperation(key, experiment, [], SweepRunContent.SweepParams(sweep.Spec), []));
    });

    /// <inheritdoc />
    public void TrialStarted(SweepStatus sweep, string trialId) => Safely(sweep, trialId, () =>
    {
        if (sweep.Trials.FirstOrDefault(t => t.TrialId == trialId) is not { } trial) return;
        CreateTrialRun(sweep, trial);
    });

    /// <inheritdoc />
    public void TrialEnded(SweepStatus sweep, string trialId, ParetoResult pareto) => Safely(sweep, trialId, () =>
    {
        if (sweep.Trials.FirstOrDefault(t => t.TrialId == trialId) is not { } trial) return;
        var experiment = TrackingNames.Experiment(sweep.Spec.Name);
        var key = TrackingNames.TrialKey(trialId);
        // Created again in case its start was never logged (tracking turned on mid-sweep); an existing run is found, not doubled.
        CreateTrialRun(sweep, trial);
        var changes = ParetoChanges(sweep.SweepId, pareto);
        var end = SweepRunContent.Millis(trial.FinishedAt);
        var tags = new List<MlflowRunTag>();
        if (trial.Silo is { } silo) tags.Add(new MlflowRunTag("fq.silo", silo));
        if (trial.Error is { } error) tags.Add(new MlflowRunTag("fq.error", error.Length > 4000 ? error[..4000] : error));
        tags.Add(new MlflowRunTag("fq.pareto", changes.GetValueOrDefault(trialId, IsOnFront(pareto, trialId))));
        IReadOnlyList<MlflowMetric> metrics = [];
        if (trial.Result is { } result)
        {
            metrics = SweepRunContent.TrialMetrics(result, end);
            tags.AddRange(SweepRunContent.LayerModeTags(result));
            tags.AddRange(SweepRunContent.RecoveryTags(result));
        }
        outbox.Enqueue(new LogBatchOperation(key, experiment, metrics, [], tags));
        outbox.Enqueue(new UpdateRunOperation(key, experiment, SweepRunContent.Status(trial.State), end));
        foreach (var (other, value) in changes.Where(c => c.Key != trialId))
            outbox.Enqueue(new SetTagOperation(TrackingNames.TrialKey(other), experiment, "fq.pareto", value));
    });

    /// <inheritdoc />
    public void SweepEnded(SweepStatus sweep, ParetoResult pareto) => Safely(sweep, "end", () =>
    {
        var experiment = TrackingNames.Experiment(sweep.Spec.Name);
        var end = SweepRunContent.Millis(sweep.FinishedAt);
        foreach (var (trial, value) in ParetoChanges(sweep.SweepId, pareto))
            outbox.Enqueue(new SetTagOperation(TrackingNames.TrialKey(trial), experiment, "fq.pareto", value));
        // Trials the sweep cut short while they ran have a RUNNING run that nothing else would close.
        foreach (var trial in sweep.Trials.Where(t => t.State == TrialState.Cancelled && t.StartedAt is not null))
            outbox.Enqueue(new UpdateRunOperation(TrackingNames.TrialKey(trial.TrialId), experiment, MlflowRunStatus.Killed,
                SweepRunContent.Millis(trial.FinishedAt ?? sweep.FinishedAt)));
        var key = TrackingNames.SweepKey(sweep.SweepId);
        var metrics = new List<MlflowMetric>
        {
            new("trials_completed", sweep.Trials.Count(t => t.State == TrialState.Completed), end),
            new("trials_failed", sweep.Trials.Count(t => t.State == TrialState.Failed), end),
        };
        if (double.IsFinite(pareto.Hypervolume)) metrics.Add(new MlflowMetric("hypervolume", pareto.Hypervolume, end));
        outbox.Enqueue(new LogBatchOperation(key, experiment, metrics, [], []));
        outbox.Enqueue(new UpdateRunOperation(key, experiment, SweepRunContent.Status(sweep.State), end));
        _paretoSent.TryRemove(sweep.SweepId, out _);
    });

    private void CreateTrialRun(SweepStatus sweep, TrialStatus trial)
    {
        var experiment = TrackingNames.Experiment(sweep.Spec.Name);
        var key = TrackingNames.TrialKey(trial.TrialId);
        outbox.Enqueue(new CreateRunOperation(key, experiment, trial.TrialId, SweepRunContent.Millis(trial.StartedAt),
            SweepRunContent.TrialTags(sweep.SweepId, trial.TrialId), TrackingNames.SweepKey(sweep.SweepId)));
        outbox.Enqueue(new LogBatchOperation(key, experiment, [], SweepRunContent.TrialParams(trial.Config), []));
    }

    /// <summary>fq.pareto of every completed trial whose value differs from the one last sent, recorded as sent.</summary>
    private Dictionary<string, string> ParetoChanges(string sweepId, ParetoResult pareto)
    {
        var sent = _paretoSent.GetOrAdd(sweepId, _ => new Dictionary<string, string>(StringComparer.Ordinal));
        var changes = new Dictionary<string, string>(StringComparer.Ordinal);
        lock (sent)
        {
            foreach (var trial in pareto.All.Where(t => t.State == TrialState.Completed))
            {
                var value = IsOnFront(pareto, trial.TrialId);
                if (sent.TryGetValue(trial.TrialId, out var previous) && previous == value) continue;
                sent[trial.TrialId] = value;
                changes[trial.TrialId] = value;
            }
        }
        return changes;
    }

    private static string IsOnFront(ParetoResult pareto, string trialId) =>
        pareto.Front.Any(f => f.TrialId == trialId) ? "true" : "false";

    private void Safely(SweepStatus sweep, string what, Action enqueue)
    {
        try
        {
            enqueue();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not record {What} of sweep {SweepId} for the tracker; the sweep goes on without it", what, sweep.SweepId);
        }
    }
}
