using System.Diagnostics;
using Orleans.Runtime;
using FocusedQuantization.Grains.Interfaces;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Grains.Tracking;
using FocusedQuantization.Telemetry;
using Microsoft.Extensions.Logging;

namespace FocusedQuantization.Grains.Sweeps;

/// <summary>
/// Runs a sweep: expands its spec, starts trials under the concurrency limit, records each outcome once, and answers
/// status and Pareto queries. A timer drives it while its activation lives; a reminder brings it back after a silo or
/// the whole cluster died, and every tick re-ensures the running trials, which resumes the ones whose silo is gone.
/// </summary>
public sealed class SweepGrain(
    [PersistentState("sweep")] IPersistentState<SweepGrainState> state,
    ILogger<SweepGrain> logger) : Grain, ISweepGrain, IRemindable
{
    private const string ResumeReminder = "resume";
    private static readonly TimeSpan TickPeriod = TimeSpan.FromSeconds(2);
    private readonly Dictionary<string, (string Stage, double Fraction)> _progress = [];
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private IGrainTimer? _timer;

    private string SweepId => this.GetPrimaryKeyString();

    private ISweepTracking Tracking => ServiceProvider.GetService(typeof(ISweepTracking)) as ISweepTracking ?? NoSweepTracking.Instance;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Spec is not null && state.State.State == SweepState.Running)
        {
            // This activation may be on another silo than the one that launched the sweep, whose outbox may not have
            // delivered the parent run yet; logging it again here (found by its key, not doubled) lets this silo's
            // outbox deliver the trials' child runs without waiting for that one.
            Tracking.SweepLaunched(Status());
            await StartDrivingAsync();
        }
    }

    public async Task<SweepStatus> Launch(SweepSpec spec)
    {
        if (state.State.Spec is not null) return Status();

        using var span = FqTelemetry.Source.StartActivity(FqSpans.Sweep);
        span?.SetTag(FqTags.SweepId, SweepId);
        IReadOnlyList<TrialConfig> configs;
        try
        {
            configs = SweepPlan.Expand(spec);
        }
        catch (Exception ex)
        {
            span.RecordFailure(ex);
            throw;
        }
        span?.SetTag(FqTags.Trials, configs.Count).SetTag(FqTags.Model, spec.Model);
        state.State.TraceParent = FqTraceContext.Capture(span ?? Activity.Current);
        state.State.Spec = spec;
        state.State.State = SweepState.Running;
        state.State.CreatedAt = DateTimeOffset.UtcNow;
        state.State.Trials = configs.Select((config, index) => new TrialStatus(
            Keys.Trial(SweepId, index), index, TrialState.Pending, null, config, null, 0, null, null, null, null, 0)).ToList();
        // Logged before the state is saved: a launch that fails to save is retried and logged again (found by its key),
        // while a parent run logged after the save could be lost, and its trials' child runs would wait for it.
        Tracking.SweepLaunched(Status());
        await SaveAsync();
        await GrainFactory.GetGrain<ISweepRegistryGrain>(0).Register(Summary());
        logger.LogInformation("Sweep {SweepId} ({Name}) launched with {Trials} trials", SweepId, spec.Name, configs.Count);
        await StartDrivingAsync();
        return Status();
    }

    public Task<SweepStatus> GetStatus() => Task.FromResult(Status());

    public async Task Cancel()
    {
        if (state.State.Spec is null || state.State.State != SweepState.Running) return;
        var running = state.State.Trials.Where(t => t.State == TrialState.Running).ToArray();
        for (var i = 0; i < state.State.Trials.Count; i++)
        {
            var trial = state.State.Trials[i];
            if (trial.State is TrialState.Pending or TrialState.Running)
                state.State.Trials[i] = trial with { State = TrialState.Cancelled, FinishedAt = DateTimeOffset.UtcNow };
        }
        state.State.State = SweepState.Cancelled;
        state.State.FinishedAt = DateTimeOffset.UtcNow;
        await SaveAsync();
        Tracking.SweepEnded(Status(), await GetPareto(null));
        await Task.WhenAll(running.Select(t => GrainFactory.GetGrain<ITrialGrain>(t.TrialId).Cancel()));
        await StopDrivingAsync();
        await GrainFactory.GetGrain<ISweepRegistryGrain>(0).Update(Summary());
    }

    public Task<ParetoResult> GetPareto(double? maxTop1Drop)
    {
        var completed = state.State.Trials.Where(t => t.State == TrialState.Completed && t.Result is not null).ToArray();
        // Choices are made on validation accuracy (held out of the training data); test accuracy is only reported.
        var denseTop1 = completed.Length == 0 ? 0 : completed.Max(t => t.Result!.SelectionTop1Dense);
        var drop = maxTop1Drop ?? state.State.Spec?.MaxTop1Drop;
        var eligible = drop is { } d ? completed.Where(t => t.Result!.SelectionTop1 >= denseTop1 - d).ToArray() : completed;
        var front = ParetoFront.Compute(eligible.Select(t => new ParetoPoint(t.TrialId, t.Result!.CompressionRatio, t.Result.SelectionTop1)));
        var byId = completed.ToDictionary(t => t.TrialId);
        // The reference is the dense model (CR 1) at the lowest accuracy the user accepts (default: 5 points below it).
        var referenceTop1 = denseTop1 - (drop ?? 5.0);
        var hypervolume = ParetoFront.Hypervolume(front, 1.0, referenceTop1);
        return Task.FromResult(new ParetoResult(front.Select(p => byId[p.Id]).ToArray(), state.State.Trials.ToArray(), hypervolume, 1.0, referenceTop1));
    }

    public Task ReportProgress(string trialId, string stage, double fraction, string silo)
    {
        _progress[trialId] = (stage, fraction);
        var index = state.State.Trials.FindIndex(t => t.TrialId == trialId);
        if (index >= 0 && state.State.Trials[index] is { State: TrialState.Running } trial && trial.Silo != silo)
            state.State.Trials[index] = trial with { Silo = silo };
        return Task.CompletedTask;
    }

    public async Task ReportOutcome(string trialId, TrialState outcome, TrialResult? result, string? error, string silo)
    {
        var index = state.State.Trials.FindIndex(t => t.TrialId == trialId);
        if (index < 0) return;
        var trial = state.State.Trials[index];
        // Exactly once: the first terminal report wins; later ones (a resumed duplicate, a re-report) are ignored.
        if (trial.State is TrialState.Completed or TrialState.Failed or TrialState.Cancelled) return;
        state.State.Trials[index] = trial with
        {
            State = outcome,
            Result = result,
            Error = error,
            Silo = silo,
            Stage = null,
            StageFraction = 1,
            FinishedAt = DateTimeOffset.UtcNow,
        };
        _progress.Remove(trialId);
        logger.LogInformation("Trial {TrialId} {Outcome} on {Silo}", trialId, outcome, silo);
        Tracking.TrialEnded(Status(), trialId, await GetPareto(null));
        // The outcome and the trials it lets start are saved together, in one write.
        await ScheduleAsync(forceSave: true);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.State != SweepState.Running)
        {
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

    /// <summary>Starts pending trials up to the limit, and re-ensures running ones (resuming any whose silo died).</summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        if (state.State.State != SweepState.Running) return;
        foreach (var trial in state.State.Trials.Where(t => t.State == TrialState.Running).ToArray())
        {
            try
            {
                await StartTrialAsync(trial);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Could not reach trial {TrialId}; retrying on the next tick", trial.TrialId);
            }
        }
        await ScheduleAsync();
    }

    private async Task ScheduleAsync(bool forceSave = false)
    {
        if (state.State.State != SweepState.Running || state.State.Spec is null) return;
        var trials = state.State.Trials;
        var running = trials.Count(t => t.State == TrialState.Running);
        var toStart = new List<TrialStatus>();
        for (var i = 0; i < trials.Count && running < state.State.Spec.Concurrency; i++)
        {
            if (trials[i].State != TrialState.Pending) continue;
            trials[i] = trials[i] with { State = TrialState.Running, StartedAt = DateTimeOffset.UtcNow, Attempts = trials[i].Attempts + 1 };
            toStart.Add(trials[i]);
            running++;
        }

        if (trials.All(t => t.State is TrialState.Completed or TrialState.Failed or TrialState.Cancelled))
        {
            state.State.State = trials.Any(t => t.State == TrialState.Completed) || trials.Count == 0 ? SweepState.Completed : SweepState.Failed;
            state.State.FinishedAt = DateTimeOffset.UtcNow;
            logger.LogInformation("Sweep {SweepId} finished: {State}", SweepId, state.State.State);
        }
        if (forceSave || toStart.Count > 0 || state.State.State != SweepState.Running) await SaveAsync();
        if (toStart.Count > 0)
        {
            var status = Status();
            foreach (var trial in toStart) Tracking.TrialStarted(status, trial.TrialId);
        }
        foreach (var trial in toStart)
            await StartTrialAsync(trial);
        if (state.State.State != SweepState.Running)
        {
            Tracking.SweepEnded(Status(), await GetPareto(null));
            await StopDrivingAsync();
            await GrainFactory.GetGrain<ISweepRegistryGrain>(0).Update(Summary());
        }
    }

    /// <summary>Starts (or re-ensures) a trial, handing it the sweep's trace context: a timer tick carries none.</summary>
    private async Task StartTrialAsync(TrialStatus trial)
    {
        if (state.State.TraceParent is { } traceParent) RequestContext.Set(FqTraceContext.RequestContextKey, traceParent);
        try
        {
            await GrainFactory.GetGrain<ITrialGrain>(trial.TrialId).Start(SweepId, trial.Config);
        }
        finally
        {
            RequestContext.Remove(FqTraceContext.RequestContextKey);
        }
    }

    private async Task SaveAsync()
    {
        // ReportOutcome and Cancel interleave with other turns; one write at a time keeps the ETag chain intact.
        await _writeLock.WaitAsync();
        try
        {
            await state.WriteStateAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private SweepStatus Status()
    {
        var spec = state.State.Spec ?? throw new InvalidOperationException($"There is no sweep with id {SweepId}.");
        var trials = state.State.Trials
            .Select(t => t.State == TrialState.Running && _progress.TryGetValue(t.TrialId, out var p) ? t with { Stage = p.Stage, StageFraction = p.Fraction } : t)
            .ToArray();
        return new SweepStatus(SweepId, state.State.State, spec, trials, state.State.CreatedAt, state.State.FinishedAt);
    }

    private SweepSummary Summary() => new(
        SweepId, state.State.Spec?.Name ?? SweepId, state.State.State, state.State.Trials.Count,
        state.State.Trials.Count(t => t.State == TrialState.Completed), state.State.CreatedAt);
}
