using System.Diagnostics;
using Orleans.Placement;
using FocusedQuantization.Compression.Training;
using FocusedQuantization.Grains.Execution;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Telemetry;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace FocusedQuantization.Grains.Sweeps;

/// <summary>
/// One trial: ensures the shared baseline and pruned checkpoint (ModelGrain), fans the per-layer searches out
/// (LayerGrain, spread over the silos), then fine-tunes, encodes and evaluates here, off the Orleans scheduler.
/// Its state is persistent, so a new activation after a silo died resumes the work, and a finished trial only
/// re-reports its outcome.
/// </summary>
// Spread by key over the silos: the default placement keeps calls local, which would pile every trial onto the
// silo of the sweep that started it.
[HashBasedPlacement]
public sealed class TrialGrain(
    [PersistentState("trial")] IPersistentState<TrialGrainState> state,
    IStageRunner stages,
    WorkerPool workers,
    ILocalSiloDetails silo,
    ILogger<TrialGrain> logger) : Grain, ITrialGrain
{
    private CancellationTokenSource? _cancellation;
    private Task? _work;

    private string SiloName => silo.SiloAddress.ToString();

    public Task Start(string sweepId, TrialConfig config)
    {
        if (state.State.State is TrialState.Completed or TrialState.Failed or TrialState.Cancelled) return ReportAsync(sweepId);
        if (_work is { IsCompleted: false }) return Task.CompletedTask;

        // Not written yet: the sweep holds the trial as running and re-sends Start until the outcome is in, so the
        // trial's own state only needs to be durable once it has an outcome to re-report.
        state.State.SweepId = sweepId;
        state.State.Config = config;
        state.State.State = TrialState.Running;
        state.State.Attempts++;
        state.State.Silo = SiloName;
        _cancellation = new CancellationTokenSource();
        // The sweep hands over its span's context: its timer-driven calls carry none, and a resumed trial must rejoin it.
        var traceParent = RequestContext.Get(FqTraceContext.RequestContextKey) as string ?? FqTraceContext.Capture(Activity.Current);
        _work = RunAsync(sweepId, config, traceParent, _cancellation.Token);
        return Task.CompletedTask;
    }

    public async Task Cancel()
    {
        if (state.State.State is TrialState.Completed or TrialState.Failed or TrialState.Cancelled) return;
        if (_cancellation is { } cancellation) await cancellation.CancelAsync();
        state.State.State = TrialState.Cancelled;
        await state.WriteStateAsync();
    }

    public Task<TrialState> GetState() => Task.FromResult(state.State.State);

    public Task<IReadOnlyList<string>> GetLayerSilos() => Task.FromResult<IReadOnlyList<string>>(state.State.LayerSilos.ToArray());

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_cancellation is { } cancellation) await cancellation.CancelAsync();
        if (_work is { } work) await work.ContinueWith(_ => { }, TaskScheduler.Current);
    }

    private async Task RunAsync(string sweepId, TrialConfig config, string? traceParent, CancellationToken cancellationToken)
    {
        // Leave Start's turn first: the rest runs as later turns of this activation.
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.ForceYielding);
        var sweep = GrainFactory.GetGrain<ISweepGrain>(sweepId);
        var trialId = this.GetPrimaryKeyString();
        using var span = TrialSpan.Start(traceParent, sweepId, trialId, config);
        void Progress(string stage, double fraction) => sweep.ReportProgress(trialId, stage, fraction, SiloName).Ignore();
        try
        {
            var baselineRequest = new BaselineRequest(config.Model, config.Dataset, config.Seed, config.Training);
            var model = GrainFactory.GetGrain<IModelGrain>(Keys.Of(baselineRequest));
            Progress("baseline", 0);
            var baseline = await model.EnsureBaseline(baselineRequest, cancellationToken);
            Progress("prune", 0);
            var pruned = await model.EnsurePruned(new PruneRequest(baselineRequest, config.TargetSparsity, config.PruneAlpha), cancellationToken);

            Progress("layers", 0);
            var layers = stages.LayerNames(config.Model, config.Dataset, config.Training);
            var searches = layers.Select(layer =>
            {
                var request = new LayerSearchRequest(pruned.Id, config.Model, config.Dataset, layer, config.CandidateBits,
                    config.WSep, config.OverflowRate, config.Coding, config.Seed, config.Training);
                return GrainFactory.GetGrain<ILayerGrain>(Keys.Of(request)).Search(request, cancellationToken);
            }).ToArray();
            var answers = await Task.WhenAll(searches);
            state.State.LayerSilos = answers.Select(a => a.Silo).Distinct().ToList();
            var bits = config.BitsPolicy == BitsPolicy.PerLayer && config.BudgetBitsPerWeight is { } budget
                ? stages.ChooseBits(answers, budget)
                : layers.ToDictionary(l => l, _ => config.Bits);

            var result = await stages.RunTrialAsync(trialId, config, baseline, pruned, bits, answers,
                (stage, fraction) => Progress(stage, fraction), cancellationToken);
            state.State.Result = result;
            state.State.State = TrialState.Completed;
            span.Completed(result);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled by the sweep, or the activation is going away (then a new one resumes the trial).
            if (state.State.State != TrialState.Cancelled) return;
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
            // failure: it stays Running, and the sweep's next tick starts it again here; the requests are idempotent
            // and their finished parts are kept, so the retry lands on a live silo and redoes only what was lost.
            logger.LogWarning(ex, "Trial {TrialId} lost a silo it depended on; it resumes on the sweep's next tick", trialId);
            span.Failed(ex, counts: false);
            return;
        }
        catch (Exception ex) when (ex is TrainingDivergedException or ModelCollapsedException)
        {
            // Numerical failure is the trial's outcome, not a fault to retry: the run is deterministic and would fail again.
            logger.LogWarning("Trial {TrialId} failed: {Reason}", trialId, ex.Message);
            span.Failed(ex);
            state.State.State = TrialState.Failed;
            state.State.Error = ex.Message;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidDataException or FileNotFoundException)
        {
            logger.LogWarning(ex, "Trial {TrialId} failed on bad input", trialId);
            span.Failed(ex);
            state.State.State = TrialState.Failed;
            state.State.Error = ex.Message;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Trial {TrialId} failed", trialId);
            span.Failed(ex);
            state.State.State = TrialState.Failed;
            state.State.Error = ex.Message;
        }
        state.State.Silo = SiloName;
        try
        {
            // The sweep records the outcome durably; the trial keeps its own copy only when the report did not get
            // through, so that the sweep's next Start finds it to re-report instead of running the trial again.
            await ReportAsync(sweepId);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Trial {TrialId} could not report its outcome; keeping it for the sweep's next call", trialId);
            await state.WriteStateAsync();
        }
    }

    /// <summary>Whether a call failed because its target's silo died or could not be reached, rather than on its own.</summary>
    private static bool IsSiloLoss(Exception ex) => ex switch
    {
        OrleansMessageRejectionException or ConnectionFailedException => true, // SiloUnavailableException is one of the former
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsSiloLoss),
        _ => ex.InnerException is { } inner && IsSiloLoss(inner),
    };

    private Task ReportAsync(string sweepId) =>
        GrainFactory.GetGrain<ISweepGrain>(sweepId).ReportOutcome(
            this.GetPrimaryKeyString(), state.State.State, state.State.Result, state.State.Error, state.State.Silo ?? SiloName);
}
