using System.Diagnostics;
using Orleans.Placement;
using FocusedQuantization.Compression.Training;
using FocusedQuantization.Grains.Execution;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Grains.Tracking;
using FocusedQuantization.Telemetry;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace FocusedQuantization.Grains.Sweeps;

/// <summary>
/// One trial: ensures the shared baseline and pruned checkpoint (ModelGrain jobs), fans the per-layer searches out
/// (LayerGrain jobs, spread over the silos), then fine-tunes, encodes and evaluates here, off the Orleans scheduler.
/// </summary>
/// <remarks>
/// Calls go one way only: the trial asks its model and layer grains (request-response, answered at once or by a long
/// poll of at most 20 s) and tells its sweep with one-way calls. <see cref="Start"/> returns at once; the work runs in
/// the background as later turns of this activation. The outcome is written durably, then logged to the tracker, then
/// reported; a lost report is recovered by the sweep's next tick, whose Start returns the stored outcome. Every state
/// change happens synchronously inside one turn and writes go one after another, so nothing interleaves a mutation.
/// </remarks>
// Spread by key over the silos: the default placement keeps calls local, which would pile every trial onto the
// silo of the sweep that started it (docs/ARCHITECTURE.md, "Placement").
[HashBasedPlacement]
public sealed class TrialGrain(
    [PersistentState("trial")] IPersistentState<TrialGrainState> state,
    IStageRunner stages,
    WorkerPool workers,
    ITrialTracking tracking,
    ILocalSiloDetails silo,
    ILogger<TrialGrain> logger) : Grain, ITrialGrain
{
    private CancellationTokenSource? _cancellation;
    private Task? _work;
    private Task _writes = Task.CompletedTask;
    // Deletions of paused checkpoints under way, one after another, after the work reported (they never delay a report).
    private Task _deletes = Task.CompletedTask;

    private string SiloName => silo.SiloAddress.ToString();

    private string TrialId => this.GetPrimaryKeyString();

    private bool IsFinished => state.State.State is TrialState.Completed or TrialState.Failed or TrialState.Cancelled;

    /// <summary>Fine-tuning epochs done when the trial paused (stopped early), else null.</summary>
    private int? PausedAtEpoch => state.State.State == TrialState.Stopped ? state.State.Result?.PausedAtEpoch : null;

    /// <summary>
    /// The checkpoint the trial goes on from: that of its last pause, while it is stopped there or running from it (a
    /// resumed run cut short by a lost silo leaves it Running with that result, and must not start over). Else null.
    /// </summary>
    private string? PausedCheckpoint => state.State is { State: TrialState.Stopped or TrialState.Running, Result: { Paused: true } result } ? result.PausedCheckpointId : null;

    public Task<TrialOutcome?> Start(string sweepId, int index, TrialConfig config, string sweepName, TrialBudget? budget = null)
    {
        // In memory only: an outcome stored before the index was kept still answers under the index its sweep knows.
        state.State.Index = index;
        if (IsFinished) return Task.FromResult<TrialOutcome?>(Outcome());
        // Paused where this budget ends (or later): that is its outcome until the sweep lets it go further.
        if (PausedAtEpoch is { } paused && budget is not null && budget.UntilEpoch <= paused) return Task.FromResult<TrialOutcome?>(Outcome());
        if (_work is { IsCompleted: false }) return Task.FromResult<TrialOutcome?>(null);
        // A run resumed from a pause and cut short by a lost silo, asked again with a budget that ends at or before that
        // pause (a sweep that came back knows only the first rung's): paused there it is, and the sweep judges it again,
        // rather than a run that cannot pause before its resume point going to the end unjudged.
        if (state.State is { State: TrialState.Running, Result: { Paused: true, PausedAtEpoch: { } lastPause } } && budget is not null
            && budget.UntilEpoch <= lastPause)
        {
            state.State.State = TrialState.Stopped;
            return Task.FromResult<TrialOutcome?>(Outcome());
        }
        // A paused trial goes on from its checkpoint rather than starting over (unless it let it go: its sweep had ended).
        var resumeFrom = PausedCheckpoint;
        if (resumeFrom is not null && state.State.Discard.Contains(resumeFrom)) resumeFrom = null;
        var pausedAt = state.State.Result?.PausedAtEpoch ?? 0;
        var resuming = resumeFrom is null ? null : "resuming from " + (RungPosition.Of(budget?.RungEpochs ?? [], pausedAt)?.Describe()
            ?? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"epoch {pausedAt}/{state.State.Result!.ScheduleEpochs}"));

        // Not written yet: the sweep holds the trial as running and re-sends Start until the outcome is in, so the
        // trial's own state only needs to be durable once it has an outcome.
        state.State.SweepId = sweepId;
        state.State.SweepName = sweepName;
        state.State.Config = config;
        state.State.State = TrialState.Running;
        state.State.Attempts++;
        state.State.Silo = SiloName;
        state.State.StartedAt ??= DateTimeOffset.UtcNow;
        _cancellation = new CancellationTokenSource();
        // The sweep hands over its span's context: its timer-driven calls carry none, and a resumed trial must rejoin it.
        var traceParent = RequestContext.Get(FqTraceContext.RequestContextKey) as string ?? FqTraceContext.Capture(Activity.Current);
        _work = RunAsync(Run(), config, budget, resumeFrom, resuming, traceParent, _cancellation.Token);
        return Task.FromResult<TrialOutcome?>(null);
    }

    public async Task Cancel()
    {
        if (IsFinished) return;
        _cancellation?.Cancel();
        // Stopped at a rung, its paused checkpoint will never be resumed; a run under way lets go of its own when it ends.
        if (_work is null or { IsCompleted: true } && PausedCheckpoint is { } paused) LetGo(paused);
        state.State.State = TrialState.Cancelled;
        state.State.FinishedAt = DateTimeOffset.UtcNow;
        var discard = state.State.Discard.ToArray();
        var written = await WriteAsync();
        if (state.State.SweepId is not null && state.State.Config is not null)
            await tracking.TrialEnded(Run(), TrialState.Cancelled, null, null, state.State.Silo ?? SiloName, state.State.FinishedAt.Value);
        if (written) await DeleteAsync(discard);
    }

    public async Task ReleaseCheckpoints()
    {
        // A run of its own ends first (its sweep has ended, or cancelled it): then what it resumed from or paused at is known.
        if (_work is { } work) await work.ContinueWith(_ => { }, TaskScheduler.Current);
        await _deletes;
        if (PausedCheckpoint is { } paused) LetGo(paused);
        if (state.State.Discard.Count == 0) return;
        var discard = state.State.Discard.ToArray();
        // Durable first: a trial that reads its state again must not go looking for a checkpoint deleted meanwhile.
        if (await WriteAsync()) await DeleteAsync(discard);
    }

    public Task<TrialState> GetState() => Task.FromResult(state.State.State);

    public Task<TrialResult?> GetResult() => Task.FromResult(state.State.Result);

    public Task<IReadOnlyList<string>> GetLayerSilos() => Task.FromResult<IReadOnlyList<string>>(state.State.LayerSilos.ToArray());

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_cancellation is { } cancellation) await cancellation.CancelAsync();
        if (_work is { } work) await work.ContinueWith(_ => { }, TaskScheduler.Current);
        await _deletes;
        await _writes.ContinueWith(_ => { }, TaskScheduler.Current);
    }

    private TrialRunInfo Run() => new(state.State.SweepId!, state.State.SweepName ?? state.State.SweepId!, TrialId, state.State.Config!, state.State.StartedAt);

    private TrialOutcome Outcome() => new(TrialId, state.State.Index, state.State.State,
        state.State.Result is { } result ? TrialSummary.Of(result) : null, state.State.Error, state.State.Silo ?? SiloName,
        state.State.Attempts, state.State.StartedAt, state.State.FinishedAt ?? DateTimeOffset.UtcNow);

    private async Task RunAsync(
        TrialRunInfo run, TrialConfig config, TrialBudget? trialBudget, string? resumeFrom, string? resuming, string? traceParent, CancellationToken cancellationToken)
    {
        // Leave Start's turn first: the rest runs as later turns of this activation.
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.ForceYielding);
        var sweep = GrainFactory.GetGrain<ISweepGrain>(run.SweepId);
        var progress = new ProgressReports(sweep, TrialId, SiloName);
        using var span = TrialSpan.Start(traceParent, run.SweepId, TrialId, config);
        await tracking.TrialStarted(run);
        TrialResult? result = null;
        string? error = null;
        // A resumed run asks for its baseline, pruned checkpoint and layer searches again, but they are done: their jobs
        // (or the store) answer at once. Reported as stages they read as if they ran again; it says where it resumes instead.
        void Stage(string stage)
        {
            if (resuming is null) progress.Report(stage, 0);
        }

        if (resuming is not null) progress.Report(resuming, 0);
        try
        {
            // Refused before any work: the choice under a budget cannot also honour fixed widths.
            if (config.BitsPolicy == BitsPolicy.PerLayer && config.LayerBits is { Count: > 0 })
                throw new ArgumentException("Per-layer bit widths apply only to the uniform bits policy; the per-layer policy chooses every layer's width itself.");
            var baselineRequest = new BaselineRequest(config.Model, config.Dataset, config.Seed, config.Training);
            var model = GrainFactory.GetGrain<IModelGrain>(Keys.Of(baselineRequest));
            Stage("baseline");
            var baseline = await model.BaselineAsync(baselineRequest, cancellationToken);
            Stage("prune");
            var pruneRequest = StageRunner.PruneOf(config);
            var pruned = await model.PrunedAsync(pruneRequest, cancellationToken);

            Stage("layers");
            var layers = await stages.LayerNamesAsync(config.Model, config.Dataset, config.Training, cancellationToken);
            // Under the uniform policy a layer with its own width (LayerBits) is searched at that width.
            var uniform = config.BitsPolicy == BitsPolicy.PerLayer ? null : StageRunner.UniformBits(config, layers);
            var answers = await Task.WhenAll(layers.Select(layer =>
            {
                var request = new LayerSearchRequest(pruned.Id, config.Model, config.Dataset, layer,
                    uniform is not null && uniform[layer] != config.Bits ? [uniform[layer]] : config.CandidateBits,
                    config.WSep, config.OverflowRate, config.Coding, config.Seed, config.Training);
                return GrainFactory.GetGrain<ILayerGrain>(Keys.Of(request)).SearchAsync(request, cancellationToken);
            }));
            var bits = config.BitsPolicy == BitsPolicy.PerLayer && config.BudgetBitsPerWeight is { } budget
                ? stages.ChooseBits(answers, budget)
                : uniform ?? StageRunner.UniformBits(config, layers);

            var request = trialBudget is null ? null : new TrialRunRequest
            {
                RungEpochs = trialBudget.RungEpochs,
                PauseAfterEpoch = trialBudget.UntilEpoch,
                ResumeCheckpointId = resumeFrom,
            };
            result = await stages.RunTrialAsync(TrialId, config, baseline, pruned, bits, answers, progress.Report, cancellationToken, request);
            state.State.LayerSilos = answers.Select(a => a.Silo).Distinct().ToList();
            span.Completed(result);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled by the sweep (Cancel recorded it, and the checkpoint it resumed from is never needed again), or the
            // activation is going away (a new one resumes the trial, from that checkpoint).
            if (IsFinished) await LetGoAsync(resumeFrom);
            return;
        }
        catch (Exception) when (workers.IsStopping)
        {
            // This silo is shutting down and cut the work short: not the trial's failure. It stays Running and the
            // sweep's next tick, here or on another silo, starts it again.
            return;
        }
        catch (Exception ex) when (IsSiloLoss(ex))
        {
            // A grain this trial waits on (its model, a layer search) was on a silo that died. That is not the trial's
            // failure: it stays Running, and the sweep's next tick starts it again; the jobs are idempotent and their
            // finished parts are kept, so the retry lands on a live silo and redoes only what was lost.
            logger.LogWarning(ex, "Trial {TrialId} lost a silo it depended on; it resumes on the sweep's next tick", TrialId);
            span.Failed(ex, counts: false);
            return;
        }
        catch (Exception ex) when (ex is TrainingDivergedException or ModelCollapsedException or StageJobFailedException)
        {
            // Numerical failure is the trial's outcome, not a fault to retry: the run is deterministic and would fail again.
            logger.LogWarning("Trial {TrialId} failed: {Reason}", TrialId, ex.Message);
            span.Failed(ex);
            error = ex.Message;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidDataException or FileNotFoundException)
        {
            logger.LogWarning(ex, "Trial {TrialId} failed on bad input", TrialId);
            span.Failed(ex);
            error = ex.Message;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Trial {TrialId} failed", TrialId);
            span.Failed(ex);
            error = ex.Message;
        }
        // Cancel may have come while the last stage ended: it recorded the trial as cancelled, and that stands.
        if (IsFinished)
        {
            await LetGoAsync(resumeFrom, result?.PausedCheckpointId);
            return;
        }
        // A run that paused at its budget is stopped until its sweep decides; its result holds the rungs and the checkpoint.
        state.State.State = result is null ? TrialState.Failed : result.Paused ? TrialState.Stopped : TrialState.Completed;
        state.State.Result = result;
        state.State.Error = error;
        state.State.Silo = SiloName;
        state.State.FinishedAt = DateTimeOffset.UtcNow;
        // The checkpoint this run resumed from is behind it now (it paused further on, finished or failed): deleted once
        // the outcome that no longer names it is durable. Nothing else resumes from it: it is this trial's own.
        if (resumeFrom is not null && resumeFrom != result?.PausedCheckpointId) LetGo(resumeFrom);
        var discard = state.State.Discard.ToArray();
        var outcome = Outcome();
        // Durable first: if the report below is lost, the sweep's next Start finds the outcome here instead of a rerun.
        var written = await WriteAsync();
        await tracking.TrialEnded(run with { StartedAt = state.State.StartedAt, StartLogged = true }, outcome.State, result, error, outcome.Silo, outcome.FinishedAt);
        await sweep.TrialFinished(outcome);
        // Cancelled while it recorded this pause (Cancel leaves the checkpoint of a run under way to that run): nothing
        // resumes from it now.
        if (state.State.State == TrialState.Cancelled && result?.PausedCheckpointId is { } pausedHere) await LetGoAsync(pausedHere);
        // After the report, so that a promotion need not wait for it.
        if (written && discard.Length > 0) _deletes = DeleteAfter(_deletes, discard);
        // Done: the outcome is stored, so the activation need not linger; a later Start or query reads it back. A sweep
        // of 100,000 trials would otherwise hold 100,000 activations (each with its full result) until idle collection.
        // A paused trial is likely to be asked to go on at once: it stays.
        if (state.State.State != TrialState.Stopped) DeactivateOnIdle();
    }

    /// <summary>
    /// Writes the state after any write under way (a Cancel's and the work's end may meet); a failure is logged, not
    /// thrown. True when this write went through.
    /// </summary>
    private Task<bool> WriteAsync()
    {
        var previous = _writes;
        var next = Next();
        _writes = next;
        return next;

        async Task<bool> Next()
        {
            await previous.ContinueWith(_ => { }, TaskScheduler.Current);
            try
            {
                await state.WriteStateAsync();
                return true;
            }
            catch (Exception ex)
            {
                // The sweep records the outcome it is told (or asks for it again); the trial's own copy is the fallback.
                logger.LogWarning(ex, "Trial {TrialId} could not write its state", TrialId);
                return false;
            }
        }
    }

    /// <summary>Adds a paused checkpoint to those to delete (see <see cref="TrialGrainState.Discard"/>).</summary>
    private void LetGo(string checkpointId)
    {
        if (!state.State.Discard.Contains(checkpointId)) state.State.Discard.Add(checkpointId);
    }

    /// <summary>Lets go of the checkpoints of a run cut short by Cancel: written (the state is final), then deleted.</summary>
    private async Task LetGoAsync(params string?[] checkpointIds)
    {
        foreach (var id in checkpointIds.OfType<string>()) LetGo(id);
        if (state.State.Discard.Count == 0) return;
        var discard = state.State.Discard.ToArray();
        if (await WriteAsync()) await DeleteAsync(discard);
    }

    private async Task DeleteAfter(Task previous, string[] checkpointIds)
    {
        await previous;
        await DeleteAsync(checkpointIds);
    }

    /// <summary>
    /// Deletes checkpoints whose letting go is durable (<paramref name="checkpointIds"/> were in the list a write that went
    /// through held), wherever they are; one that cannot be deleted now stays listed. Never throws.
    /// </summary>
    private async Task DeleteAsync(string[] checkpointIds)
    {
        var deleted = 0;
        foreach (var id in checkpointIds)
        {
            try
            {
                await stages.DeletePausedAsync(id, CancellationToken.None);
                state.State.Discard.Remove(id);
                deleted++;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Trial {TrialId} could not delete its paused checkpoint {CheckpointId}; it tries again when its sweep ends", TrialId, id);
            }
        }
        // The shorter list is written at once only when the state is final. A stopped trial may be told to go on at any
        // moment, and its Running state must never be made durable (read back, it would not resume from its checkpoint):
        // its list is written with its next outcome (deleting again what is gone does nothing).
        if (deleted > 0 && IsFinished) await WriteAsync();
    }

    /// <summary>Whether a call failed because its target's silo died or could not be reached, rather than on its own.</summary>
    private static bool IsSiloLoss(Exception ex) => ex switch
    {
        OrleansMessageRejectionException or ConnectionFailedException => true, // SiloUnavailableException is one of the former
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsSiloLoss),
        _ => ex.InnerException is { } inner && IsSiloLoss(inner),
    };

    /// <summary>
    /// Progress to the sweep as one-way calls, at stage changes and every 5 % within a stage: each report is pushed to
    /// the sweep's watchers, so a report per batch would flood them. Called from worker threads too.
    /// </summary>
    private sealed class ProgressReports(ISweepGrain sweep, string trialId, string silo)
    {
        private readonly Lock _lock = new();
        private string? _stage;
        private double _fraction;

        public void Report(string stage, double fraction)
        {
            lock (_lock)
            {
                if (stage == _stage && fraction < _fraction + 0.05 && !(fraction >= 1 && _fraction < 1)) return;
                _stage = stage;
                _fraction = fraction;
            }
            sweep.TrialProgress(trialId, stage, fraction, silo).Ignore();
        }
    }
}
