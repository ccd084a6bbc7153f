using System.Diagnostics;
using System.Runtime.CompilerServices;
using FocusedQuantization.Grains.Interfaces;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Grains.Tracking;
using FocusedQuantization.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Storage;

namespace FocusedQuantization.Grains.Sweeps;

/// <summary>
/// Runs a sweep: expands its spec, starts trials under the concurrency limit, records each outcome once in a page of
/// rows, keeps counts, the running set and the Pareto front incrementally, answers bounded queries and pushes every change
/// to its watchers. A timer drives it while its activation lives; a reminder brings it back after a silo or the whole
/// cluster died, and every tick re-sends Start to the running trials, which resumes the ones whose silo is gone and
/// collects outcomes whose one-way report was lost.
/// </summary>
/// <remarks>
/// Not reentrant, and no method interleaves but the read-only queries (with each other) and the watch enumeration
/// (which only reads). Calls out of the sweep (trial Start and Cancel, the registry) never call back into it.
/// </remarks>
public sealed class SweepGrain(
    [PersistentState("sweep")] IPersistentState<SweepGrainState> state,
    [FromKeyedServices(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME)] IGrainStorage storage,
    ISweepTracking tracking,
    ILogger<SweepGrain> logger) : Grain, ISweepGrain, IRemindable
{
    private const string ResumeReminder = "resume";
    private static readonly TimeSpan TickPeriod = TimeSpan.FromSeconds(2);

    private readonly Dictionary<int, TrialStatus> _running = [];
    private readonly Dictionary<int, PageState> _pages = [];
    private readonly IncrementalParetoFront _front = new();
    private readonly UpdateRing _updates = new();
    private HashSet<string> _tagged = new(StringComparer.Ordinal);
    private TrialSource _source = new PlannedTrials([]);
    private SweepEarlyStopping? _stopping;
    // The budget each running trial of an early-stopping sweep was started with (re-sent by the tick).
    private readonly Dictionary<int, TrialBudget> _budgets = [];
    // Stopped trials chosen for a late promotion, waiting for a free slot, in index order.
    private readonly SortedSet<int> _resumeQueue = [];
    private TrialStatus?[] _rows = [];
    private int _completed, _failed, _cancelled, _stopped;
    private int _next;
    private double _denseTop1 = double.NaN;
    private long _version;
    private IGrainTimer? _timer;

    private string SweepId => this.GetPrimaryKeyString();

    private SweepSpec Spec => state.State.Spec ?? throw new InvalidOperationException($"There is no sweep with id {SweepId}.");

    private int Total => _source.Total;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Versions go on from above anything an earlier activation can have handed out (1,000 changes a millisecond of its life).
        _version = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        if (state.State.Spec is not { } spec) return;
        _source = TrialSource.For(spec, await ReadWarmStartAsync());
        _stopping = spec.EarlyStopping is null ? null : new SweepEarlyStopping(spec);
        _rows = new TrialStatus?[Total];
        await LoadRowsAsync();
        // A late promotion cut short: its trials still stopped (their rows were cleared in memory only) go on from where they were.
        if (state.State.State == SweepState.Running)
            foreach (var index in state.State.LatePromoted)
                if (index >= 0 && index < Total && _rows[index] is { State: TrialState.Stopped }) _resumeQueue.Add(index);
        _tagged = FrontIds(spec.MaxTop1Drop);
        if (state.State.State == SweepState.Running)
        {
            // This activation may be on another silo than the one that launched the sweep, whose outbox may not have
            // delivered the parent run yet; logging it again here (found by its key, not doubled) lets the trials' child
            // runs, which name it as their parent, be delivered without waiting for that one.
            await tracking.SweepLaunched(SweepId, spec, state.State.CreatedAt);
            await StartDrivingAsync();
        }
    }

    public async Task<SweepStatus> Launch(SweepSpec spec)
    {
        if (state.State.Spec is not null) return Status();

        using var span = FqTelemetry.Source.StartActivity(FqSpans.Sweep);
        span?.SetTag(FqTags.SweepId, SweepId);
        TrialSource source;
        IReadOnlyList<TrialStatus> warmStart;
        try
        {
            warmStart = await WarmStartRowsAsync(spec);
            source = TrialSource.For(spec, warmStart);
        }
        catch (Exception ex)
        {
            span.RecordFailure(ex);
            throw;
        }
        span?.SetTag(FqTags.Trials, source.Total).SetTag(FqTags.Model, spec.Model);
        state.State.TraceParent = FqTraceContext.Capture(span ?? Activity.Current);
        state.State.Spec = spec;
        state.State.State = SweepState.Running;
        state.State.CreatedAt = DateTimeOffset.UtcNow;
        state.State.TrialCount = source.Total;
        _source = source;
        _stopping = spec.EarlyStopping is null ? null : new SweepEarlyStopping(spec);
        _rows = new TrialStatus?[source.Total];
        // The earlier sweep's rows as they were at launch: it may still be running, and a restart must ask the same.
        if (warmStart.Count > 0) await WriteWarmStartAsync(warmStart);
        // Logged before the state is saved: a launch that fails to save is retried and logged again (found by its key),
        // while a parent run logged after the save could be lost, and its trials' child runs would wait for it.
        await tracking.SweepLaunched(SweepId, spec, state.State.CreatedAt);
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<ISweepRegistryGrain>(0).Register(Summary());
        logger.LogInformation("Sweep {SweepId} ({Name}) launched with {Trials} trials", SweepId, spec.Name, source.Total);
        Publish(null, frontChanged: false);
        await StartDrivingAsync();
        return Status();
    }

    public Task<SweepStatus> GetStatus() => Task.FromResult(Status());

    public Task<TrialPage> GetTrials(int offset, int count, TrialState? filter = null)
    {
        _ = Spec;
        offset = Math.Max(0, offset);
        count = Math.Clamp(count, 0, SweepQueries.MaxPage);
        var trials = new List<TrialStatus>(Math.Min(count, 256));
        if (filter is not { } wanted)
        {
            for (var i = offset; i < Total && trials.Count < count; i++) trials.Add(Row(i));
            return Task.FromResult(new TrialPage(trials, offset, Total));
        }
        var matches = 0;
        for (var i = 0; i < Total; i++)
        {
            if (StateAt(i) != wanted) continue;
            if (matches >= offset && trials.Count < count) trials.Add(Row(i));
            matches++;
        }
        return Task.FromResult(new TrialPage(trials, offset, matches));
    }

    public async Task Cancel()
    {
        if (state.State.Spec is not { } spec || state.State.State != SweepState.Running) return;
        var now = DateTimeOffset.UtcNow;
        var cutShort = _running.Values.OrderBy(t => t.Index).ToArray();
        var pages = new HashSet<int>();
        foreach (var trial in cutShort)
        {
            _running.Remove(trial.Index);
            var row = trial with { State = TrialState.Cancelled, Stage = null, StageFraction = 1, FinishedAt = now };
            _rows[trial.Index] = row;
            _cancelled++;
            pages.Add(trial.Index / SweepRowPage.Size);
        }
        state.State.State = SweepState.Cancelled;
        state.State.FinishedAt = now;
        foreach (var page in pages) await SavePageAsync(page);
        await state.WriteStateAsync();
        foreach (var trial in cutShort) Publish(_rows[trial.Index], frontChanged: false);
        Publish(null, frontChanged: false);
        await tracking.SweepEnded(SweepId, spec, state.State.State, now, Counts(), Pareto(null).Hypervolume, cutShort.Select(t => t.TrialId).ToArray());
        foreach (var trial in cutShort)
        {
            try
            {
                await GrainFactory.GetGrain<ITrialGrain>(trial.TrialId).Cancel();
            }
            catch (Exception ex)
            {
                // Its run is closed KILLED above and the sweep never starts it again; a trial that cannot be reached
                // stops with its silo.
                logger.LogWarning(ex, "Could not tell trial {TrialId} to stop", trial.TrialId);
            }
        }
        await ReleaseCheckpointsAsync();
        await StopDrivingAsync();
        await GrainFactory.GetGrain<ISweepRegistryGrain>(0).Update(Summary());
    }

    public Task<ParetoResult> GetPareto(double? maxTop1Drop)
    {
        _ = Spec;
        return Task.FromResult(Pareto(maxTop1Drop));
    }

    public async IAsyncEnumerable<SweepUpdate> Watch(long afterVersion, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        _ = Spec;
        var last = afterVersion;
        // The state the watcher was last told: the stream ends once it has been told the end. (The grain's own state turns
        // Completed before the end's update is published, while the final write is awaited, and this method interleaves.)
        var told = SweepState.Running;
        while (true)
        {
            if (!_updates.CanReplayAfter(last, _version))
            {
                // Further behind than the ring reaches (or a new watcher): start over from a snapshot.
                var snapshot = Status();
                last = snapshot.Version;
                told = snapshot.State;
                yield return new SweepUpdate(snapshot.Version, snapshot.State, snapshot.Counts, null, snapshot.Front, snapshot);
            }
            var next = _updates.Next;
            foreach (var update in _updates.After(last))
            {
                last = update.Version;
                told = update.State;
                yield return update;
            }
            if (told != SweepState.Running && last >= _version) yield break;
            // Taken before the yields above: an update added while they were being sent completes it at once.
            await next.WaitAsync(cancellationToken);
        }
    }

    public Task TrialProgress(string trialId, string stage, double fraction, string silo)
    {
        if (IndexOf(trialId) is not { } index || !_running.TryGetValue(index, out var trial)) return Task.CompletedTask;
        var row = trial with { Stage = stage, StageFraction = fraction, Silo = silo };
        if (row == trial) return Task.CompletedTask;
        _running[index] = row;
        Publish(row, frontChanged: false);
        return Task.CompletedTask;
    }

    public async Task TrialFinished(TrialOutcome outcome)
    {
        if (state.State.Spec is null) return;
        if (await RecordAsync(outcome)) await ScheduleAsync();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.State != SweepState.Running)
        {
            // Ended, but the reminder is still there: the end was cut short (a crash) before it stopped driving, maybe
            // before every trial let go of its checkpoints.
            await ReleaseCheckpointsAsync();
            await StopDrivingAsync();
            return;
        }
        _timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = TickPeriod, Interleave = false });
    }

    private async Task StartDrivingAsync()
    {
        await this.RegisterOrUpdateReminder(ResumeReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        _timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = TickPeriod, Interleave = false });
    }

    private async Task StopDrivingAsync()
    {
        _timer?.Dispose();
        _timer = null;
        if (await this.GetReminder(ResumeReminder) is { } reminder) await this.UnregisterReminder(reminder);
    }

    /// <summary>Re-sends Start to the running trials (resuming any whose silo died, collecting lost outcomes), then schedules.</summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        if (state.State.State != SweepState.Running) return;
        var running = _running.Values.ToArray();
        var answers = await Task.WhenAll(running.Select(async trial =>
        {
            try
            {
                return await StartTrialAsync(trial);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Could not reach trial {TrialId}; retrying on the next tick", trial.TrialId);
                return null;
            }
        }));
        foreach (var outcome in answers)
            if (outcome is not null) await RecordAsync(outcome);
        await ScheduleAsync();
    }

    /// <summary>Starts pending trials up to the limit (collecting any that answer with an outcome), and ends the sweep when every trial has one.</summary>
    private async Task ScheduleAsync()
    {
        while (state.State.State == SweepState.Running && state.State.Spec is { } spec)
        {
            var toStart = new List<TrialStatus>();
            for (; _next < Total && _running.Count < spec.Concurrency; _next++)
            {
                if (_rows[_next] is not null || _running.ContainsKey(_next)) continue;
                // With early stopping, trial k is judged against trials 0..k-lag-1: they settle before it starts.
                if (_stopping is not null && !SettledBefore(_next - _stopping.Lag)) break;
                // An adaptive sweep's next trial may wait for an earlier one's outcome (see AdaptiveTrials).
                if (await _source.DecideAsync(_next, _rows) is not { } config) break;
                var trial = new TrialStatus(Keys.Trial(SweepId, _next), _next, TrialState.Running, null, config, null, 0, null,
                    DateTimeOffset.UtcNow, null, null, 1);
                if (_stopping is not null) _budgets[_next] = _stopping.Budget(config, 0);
                _running[_next] = trial;
                toStart.Add(trial);
                Publish(trial, frontChanged: false);
            }
            // Late promotions (early stopping, once every trial has settled) take the slots left.
            while (_resumeQueue.Count > 0 && _running.Count < spec.Concurrency)
            {
                var index = _resumeQueue.Min;
                _resumeQueue.Remove(index);
                if (_rows[index] is not { State: TrialState.Stopped, Config: { } config } row) continue;
                _rows[index] = null;
                _stopped--;
                _budgets[index] = _stopping!.ToTheEnd(config);
                // Where it was stopped, for its row (and the completed row after it) and the tracker.
                var rungs = _stopping.Rungs(config);
                var from = row.Summary is { } stoppedAt ? RungPosition.Of(rungs, stoppedAt.EpochsRun) : null;
                var trial = row with { State = TrialState.Running, Stage = null, StageFraction = 0, FinishedAt = null, StopReason = null, ResumedLateFrom = from };
                if (from is not null)
                    await tracking.TrialRung(SweepId, spec, trial.TrialId, from.Rung, null,
                        (from.Rung > 0 ? RungPosition.Passed(rungs.Take(from.Rung)) + "; " : "") + "resumed late from " + from.Describe());
                _running[index] = trial;
                toStart.Add(trial);
                Publish(trial, frontChanged: false);
                logger.LogInformation("Trial {TrialId} resumed from its checkpoint to the end of its schedule (a late promotion)", trial.TrialId);
            }
            if (toStart.Count == 0) break;
            var recorded = false;
            foreach (var trial in toStart)
            {
                TrialOutcome? outcome;
                try
                {
                    outcome = await StartTrialAsync(trial);
                }
                catch (Exception ex)
                {
                    logger.LogWarning(ex, "Could not start trial {TrialId}; retrying on the next tick", trial.TrialId);
                    continue;
                }
                // A trial that already has an outcome (this sweep started it before a restart) answers with it.
                if (outcome is not null) recorded |= await RecordAsync(outcome);
            }
            if (!recorded) break;
        }
        if (state.State.State != SweepState.Running || _completed + _failed + _cancelled + _stopped != Total || _resumeQueue.Count > 0) return;
        if (_stopping is not null && await LatePromotionsAsync() is { Count: > 0 } promotions)
        {
            // Every trial has settled: stopped trials that rank in the best 1/eta of their rung among all go on. Durable
            // before any of them starts (see SweepGrainState.LatePromoted).
            state.State.LatePromoted = [.. promotions];
            await state.WriteStateAsync();
            foreach (var index in promotions) _resumeQueue.Add(index);
            await ScheduleAsync();
            return;
        }
        await FinishAsync();
    }

    /// <summary>Starts (or re-ensures) a trial, handing it the sweep's trace context: a timer tick carries none.</summary>
    private async Task<TrialOutcome?> StartTrialAsync(TrialStatus trial)
    {
        if (state.State.TraceParent is { } traceParent) RequestContext.Set(FqTraceContext.RequestContextKey, traceParent);
        try
        {
            return await GrainFactory.GetGrain<ITrialGrain>(trial.TrialId).Start(SweepId, trial.Index, trial.Config!, Spec.Name, _budgets.GetValueOrDefault(trial.Index));
        }
        finally
        {
            RequestContext.Remove(FqTraceContext.RequestContextKey);
        }
    }

    /// <summary>Records an outcome once: its row, the counts, the front; logs fq.pareto changes, writes its page. False when it was known.</summary>
    private async Task<bool> RecordAsync(TrialOutcome outcome)
    {
        var spec = Spec;
        if (outcome.Index < 0 || outcome.Index >= Total || outcome.TrialId != Keys.Trial(SweepId, outcome.Index)) return false;
        // Exactly once: the first outcome wins; later ones (a resumed duplicate, a re-report, a trial cut short by Cancel) are ignored.
        if (_rows[outcome.Index] is not null || outcome.State is not (TrialState.Completed or TrialState.Failed or TrialState.Cancelled or TrialState.Stopped)) return false;
        // A pause the sweep has already let the trial go beyond: the trial answered a tick's Start with it before its own
        // report of it came. Judged again, it could be stopped while it runs on (a late promotion undone).
        if (outcome is { State: TrialState.Stopped, Summary: { } pausedAt } && _budgets.TryGetValue(outcome.Index, out var handed)
            && pausedAt.EpochsRun < handed.UntilEpoch) return false;
        // A trial started by an earlier activation may report before this one decided its config again: decide it now
        // (its inputs were settled then, so they are now).
        if ((_running.GetValueOrDefault(outcome.Index)?.Config ?? await _source.DecideAsync(outcome.Index, _rows)) is not { } config) return false;
        string? stopReason = null;
        if (outcome.State == TrialState.Stopped)
        {
            // Paused at a rung: it goes on (and nothing is recorded), or it is stopped there with the reason.
            if (_stopping is null || outcome.Summary is not { } paused) return false;
            var rung = _stopping.RungOf(config, paused);
            if (rung < 0) return false;
            // Off the scheduler: a non-dominated sort over every settled peer grows with the sweep (the grain's turn waits).
            var peers = SettledPeers(outcome.Index - _stopping.Lag).ToArray();
            var stopping = _stopping;
            var (goesOn, reason) = await Task.Run(() => stopping.Decide(outcome.Index, config, paused, rung, peers));
            if (goesOn) return await PromoteAsync(outcome, config, rung);
            stopReason = reason;
        }
        _running.Remove(outcome.Index, out var running);
        _budgets.Remove(outcome.Index);
        var row = new TrialStatus(outcome.TrialId, outcome.Index, outcome.State, outcome.Silo, config, null, 1,
            outcome.State is TrialState.Completed or TrialState.Stopped ? outcome.Summary : null, outcome.StartedAt ?? running?.StartedAt, outcome.FinishedAt,
            TrialStatus.Clip(outcome.Error), Math.Max(1, outcome.Attempts)) { StopReason = stopReason, ResumedLateFrom = running?.ResumedLateFrom };
        if (stopReason is not null) await tracking.TrialRung(SweepId, spec, row.TrialId, _stopping!.RungOf(config, row.Summary!), stopReason, null);
        var frontChanged = Add(row);
        logger.LogInformation("Trial {TrialId} {Outcome} on {Silo}", row.TrialId, row.State, row.Silo);
        Publish(row, frontChanged);
        // Logged before the page is saved: a crash in between re-records the outcome and re-logs it (tags are last-write-wins).
        var onFront = FrontIds(spec.MaxTop1Drop);
        var changes = onFront.Where(id => !_tagged.Contains(id)).Select(id => KeyValuePair.Create(id, true))
            .Concat(_tagged.Where(id => !onFront.Contains(id)).Select(id => KeyValuePair.Create(id, false)))
            .Where(c => c.Key != row.TrialId)
            .Append(KeyValuePair.Create(row.TrialId, onFront.Contains(row.TrialId)))
            .ToArray();
        _tagged = onFront;
        await tracking.ParetoChanged(SweepId, spec, changes);
        await SavePageAsync(row.Index / SweepRowPage.Size);
        return true;
    }

    /// <summary>
    /// A trial paused at a rung goes on to the next: the sweep tells it so (it resumes from its checkpoint) and keeps it
    /// running. False: nothing was recorded (unless the trial answered at once with a later outcome).
    /// </summary>
    private async Task<bool> PromoteAsync(TrialOutcome outcome, TrialConfig config, int rung)
    {
        var budget = _stopping!.Budget(config, rung + 1);
        _budgets[outcome.Index] = budget;
        var trial = _running.GetValueOrDefault(outcome.Index) ?? new TrialStatus(outcome.TrialId, outcome.Index, TrialState.Running, outcome.Silo, config,
            null, 0, null, outcome.StartedAt, null, null, Math.Max(1, outcome.Attempts));
        _running[outcome.Index] = trial;
        await tracking.TrialRung(SweepId, Spec, outcome.TrialId, rung, null, RungPosition.Passed(_stopping.Rungs(config).Take(rung + 1)));
        TrialOutcome? next;
        try
        {
            next = await StartTrialAsync(trial);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not tell trial {TrialId} to go on; retrying on the next tick", trial.TrialId);
            return false;
        }
        // A trial that had gone further already (this sweep restarted) answers at once with that outcome.
        if (next is null || (next.State == TrialState.Stopped && !(next.Summary?.EpochsRun > outcome.Summary?.EpochsRun))) return false;
        return await RecordAsync(next);
    }

    /// <summary>Whether trials 0..count-1 all have an outcome (settled); true when count is not positive.</summary>
    private bool SettledBefore(int count)
    {
        for (var i = 0; i < Math.Min(count, Total); i++)
            if (_rows[i] is null) return false;
        return true;
    }

    /// <summary>The settled trials 0..count-1 that have figures (completed or stopped): the peers of a rung decision.</summary>
    private IEnumerable<(int Index, TrialConfig Config, TrialSummary Summary)> SettledPeers(int count)
    {
        for (var i = 0; i < Math.Min(count, Total); i++)
            if (_rows[i] is { State: TrialState.Completed or TrialState.Stopped, Config: { } config, Summary: { } summary })
                yield return (i, config, summary);
    }

    /// <summary>The stopped trials a late promotion resumes, given every settled trial (ranked off the scheduler).</summary>
    private Task<IReadOnlyList<int>> LatePromotionsAsync()
    {
        var stopping = _stopping!;
        (int, TrialConfig, TrialSummary, bool)[] settled = [.. _rows.OfType<TrialStatus>()
            .Where(r => r is { State: TrialState.Completed or TrialState.Stopped, Config: not null, Summary: not null })
            .Select(r => (r.Index, r.Config!, r.Summary!, r.State == TrialState.Stopped))];
        return Task.Run(() => stopping.LatePromotions(settled));
    }

    /// <summary>Adds a finished row to the counts, the dense reference and the front; true when the front changed.</summary>
    private bool Add(TrialStatus row)
    {
        _rows[row.Index] = row;
        switch (row.State)
        {
            case TrialState.Completed: _completed++; break;
            case TrialState.Failed: _failed++; break;
            case TrialState.Cancelled: _cancelled++; break;
            case TrialState.Stopped: _stopped++; break;
        }
        if (row is not { State: TrialState.Completed, Summary: { } summary }) return false;
        var dense = summary.SelectionTop1Dense;
        var denseChanged = double.IsFinite(dense) && !(dense <= _denseTop1);
        if (denseChanged) _denseTop1 = dense;
        return _front.Add(new ParetoPoint(row.TrialId, summary.CompressionRatio, summary.SelectionTop1)) || denseChanged;
    }

    private async Task FinishAsync()
    {
        var spec = Spec;
        state.State.State = _completed > 0 || Total == 0 ? SweepState.Completed : SweepState.Failed;
        state.State.FinishedAt = DateTimeOffset.UtcNow;
        state.State.LatePromoted = [];
        logger.LogInformation("Sweep {SweepId} finished: {State}", SweepId, state.State.State);
        await state.WriteStateAsync();
        Publish(null, frontChanged: false);
        await tracking.SweepEnded(SweepId, spec, state.State.State, state.State.FinishedAt, Counts(), Pareto(null).Hypervolume, []);
        await ReleaseCheckpointsAsync();
        await StopDrivingAsync();
        await GrainFactory.GetGrain<ISweepRegistryGrain>(0).Update(Summary());
    }

    /// <summary>
    /// Once the sweep has ended (its state written: nothing is promoted any more, whatever activation comes next), every
    /// trial it started lets go of its paused checkpoints: a stopped one of the one it stopped at, the others of any a
    /// crash left listed. A trial it cancelled is told to stop again first (this may be the end replayed after a crash,
    /// which never told it), so that its run has ended. Early stopping only: no other trial pauses.
    /// </summary>
    private async Task ReleaseCheckpointsAsync()
    {
        if (_stopping is null) return;
        foreach (var batch in _rows.OfType<TrialStatus>().Chunk(16))
        {
            await Task.WhenAll(batch.Select(async row =>
            {
                try
                {
                    var trial = GrainFactory.GetGrain<ITrialGrain>(row.TrialId);
                    if (row.State == TrialState.Cancelled) await trial.Cancel();
                    await trial.ReleaseCheckpoints();
                }
                catch (Exception ex)
                {
                    // Left on disk, not lost: the end is not replayed for it, and nothing reads it again.
                    logger.LogWarning(ex, "Trial {TrialId} could not let go of its paused checkpoints", row.TrialId);
                }
            }));
        }
    }

    /// <summary>Writes one page of rows (its own record in the grain storage).</summary>
    private async Task SavePageAsync(int page)
    {
        if (!_pages.TryGetValue(page, out var stored)) _pages[page] = stored = new PageState();
        var first = page * SweepRowPage.Size;
        var last = Math.Min(Total, first + SweepRowPage.Size);
        stored.State = new SweepRowPage();
        for (var i = first; i < last; i++)
            if (_rows[i] is { } row) stored.State.Rows.Add(row);
        await storage.WriteStateAsync(SweepRowPage.StateName(page), this.GetGrainId(), stored);
    }

    /// <summary>Reads every page (a few at a time) and rebuilds the rows, counts, dense reference and front.</summary>
    private async Task LoadRowsAsync()
    {
        var pages = (Total + SweepRowPage.Size - 1) / SweepRowPage.Size;
        for (var start = 0; start < pages; start += 16)
        {
            var batch = Enumerable.Range(start, Math.Min(16, pages - start)).Select(async page =>
            {
                var stored = new PageState();
                await storage.ReadStateAsync(SweepRowPage.StateName(page), this.GetGrainId(), stored);
                return (page, stored);
            }).ToArray();
            foreach (var (page, stored) in await Task.WhenAll(batch))
            {
                _pages[page] = stored;
                foreach (var row in stored.State?.Rows ?? [])
                    if (row.Index >= 0 && row.Index < Total && _rows[row.Index] is null) Add(row);
            }
        }
    }

    /// <summary>Bumps the version and hands the change to the watchers.</summary>
    private void Publish(TrialStatus? trial, bool frontChanged)
    {
        _version++;
        _updates.Add(new SweepUpdate(_version, state.State.State, Counts(), trial, frontChanged ? Front(Spec.MaxTop1Drop) : null, null));
    }

    private SweepStatus Status()
    {
        var spec = Spec;
        return new SweepStatus(SweepId, state.State.State, spec, state.State.CreatedAt, state.State.FinishedAt, Counts(),
            _running.Values.OrderBy(t => t.Index).ToArray(), Front(spec.MaxTop1Drop), _version);
    }

    private ParetoResult Pareto(double? maxTop1Drop)
    {
        // Choices are made on validation accuracy (held out of the training data); test accuracy is only reported.
        var drop = maxTop1Drop ?? Spec.MaxTop1Drop;
        var dense = double.IsFinite(_denseTop1) ? _denseTop1 : 0;
        var points = _front.Ordered(drop is { } d ? dense - d : double.NegativeInfinity);
        // The reference is the dense model (CR 1) at the lowest accuracy the user accepts (default: 5 points below it).
        var referenceTop1 = dense - (drop ?? 5.0);
        var hypervolume = ParetoFront.Hypervolume(points, 1.0, referenceTop1);
        return new ParetoResult(points.Select(p => _rows[IndexOf(p.Id)!.Value]!).ToArray(), Total, _completed, hypervolume, 1.0, referenceTop1);
    }

    private IReadOnlyList<TrialStatus> Front(double? maxTop1Drop) => Pareto(maxTop1Drop).Front;

    private HashSet<string> FrontIds(double? maxTop1Drop) => Front(maxTop1Drop).Select(t => t.TrialId).ToHashSet(StringComparer.Ordinal);

    private TrialCounts Counts()
    {
        var finished = _completed + _failed + _cancelled + _stopped;
        var pending = Total - finished - _running.Count;
        // A cancelled sweep's pending trials are cancelled: they never start (and need no row to say so).
        return state.State.State == SweepState.Cancelled
            ? new TrialCounts(0, _running.Count, _completed, _failed, _cancelled + pending) { Stopped = _stopped }
            : new TrialCounts(pending, _running.Count, _completed, _failed, _cancelled) { Stopped = _stopped };
    }

    private TrialState StateAt(int index) =>
        _rows[index]?.State ?? (_running.ContainsKey(index) ? TrialState.Running
            : state.State.State == SweepState.Cancelled ? TrialState.Cancelled : TrialState.Pending);

    private TrialStatus Row(int index)
    {
        if (_rows[index] is { } row) return row;
        if (_running.TryGetValue(index, out var running)) return running;
        var cancelled = state.State.State == SweepState.Cancelled;
        // An adaptive sweep's pending trials have no config yet: it is chosen when a slot frees.
        return new TrialStatus(Keys.Trial(SweepId, index), index, cancelled ? TrialState.Cancelled : TrialState.Pending, null, _source.Known(index),
            null, 0, null, null, cancelled ? state.State.FinishedAt : null, null, 0);
    }

    private int? IndexOf(string trialId)
    {
        var slash = trialId.LastIndexOf('/');
        return slash > 0 && trialId.AsSpan(0, slash).SequenceEqual(SweepId)
            && int.TryParse(trialId.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
            && index < Total ? index : null;
    }

    private SweepSummary Summary() => new(
        SweepId, state.State.Spec?.Name ?? SweepId, state.State.State, Total, _completed, state.State.CreatedAt);

    /// <summary>The finished trials of the sweep the spec warm-starts from (at most <see cref="MaxWarmStart"/>), read at launch.</summary>
    private async Task<IReadOnlyList<TrialStatus>> WarmStartRowsAsync(SweepSpec spec)
    {
        if (spec.Strategy.WarmStart is not { Length: > 0 } earlier) return [];
        if (spec.Strategy.Kind is StrategyKind.Grid or StrategyKind.Random)
            throw new ArgumentException($"The sweep spec cannot be planned: warm_start needs an adaptive strategy (nsga2 or motpe), not {SweepVocabulary.Name(spec.Strategy.Kind)}.");
        if (earlier == SweepId) throw new ArgumentException("The sweep spec cannot be planned: a sweep cannot warm-start from itself.");
        var sweep = GrainFactory.GetGrain<ISweepGrain>(earlier);
        IReadOnlyList<TrialStatus> rows;
        try
        {
            rows = await sweep.AllTrialsAsync();
        }
        catch (InvalidOperationException)
        {
            throw new ArgumentException($"The sweep spec cannot be planned: warm_start names sweep '{earlier}', which does not exist.");
        }
        return [.. rows.Where(r => r.State is TrialState.Completed or TrialState.Failed && r.Config is not null).Take(MaxWarmStart)];
    }

    /// <summary>The most earlier trials a warm start takes (the first ones, in the earlier sweep's order).</summary>
    private const int MaxWarmStart = 10_000;

    private const string WarmStartState = "sweep-warm";

    private async Task WriteWarmStartAsync(IReadOnlyList<TrialStatus> rows)
    {
        var stored = new PageState { State = new SweepRowPage { Rows = [.. rows] } };
        await storage.WriteStateAsync(WarmStartState, this.GetGrainId(), stored);
    }

    private async Task<IReadOnlyList<TrialStatus>> ReadWarmStartAsync()
    {
        if (state.State.Spec?.Strategy.WarmStart is not { Length: > 0 }) return [];
        var stored = new PageState();
        await storage.ReadStateAsync(WarmStartState, this.GetGrainId(), stored);
        return stored.State.Rows;
    }

    /// <summary>A page's state and ETag as the storage sees it.</summary>
    private sealed class PageState : IGrainState<SweepRowPage>
    {
        [System.Diagnostics.CodeAnalysis.AllowNull]
        public SweepRowPage State { get => field ??= new(); set; }
        public string? ETag { get; set; }
        public bool RecordExists { get; set; }
    }
}
