using System.Diagnostics;
using System.Globalization;
using FocusedQuantization.Compression.Models;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Quantization;
using FocusedQuantization.Compression.Stages;
using FocusedQuantization.Grains.Artifacts;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StageLayerSearchRequest = FocusedQuantization.Compression.Stages.LayerSearchRequest;
using SweepLayerSearchRequest = FocusedQuantization.Grains.Interfaces.Sweeps.LayerSearchRequest;

namespace FocusedQuantization.Grains.Execution;

/// <summary>
/// The one place where grain requests become Compression stages: maps the wire records to stage specs, runs the CPU
/// work in the silo's worker pool, and maps the answers back. Checkpoints live in the store under the state folder; the
/// inputs a stage needs (checkpoints, data sets) are made local first by <see cref="ArtifactFetcher"/>, from the silos that
/// hold them, and what a stage makes is registered so that other silos can fetch it. Data sets come from the silo's one
/// <see cref="DatasetCache"/>.
/// </summary>
public sealed class StageRunner(
    IOptions<FqGrainsOptions> options, WorkerPool workers, DatasetCache data, StageCounters counters, ILogger<StageRunner> logger, ArtifactFetcher artifacts)
    : IStageRunner
{
    // A damaged checkpoint set aside is worth a warning in the silo's log: it costs a retraining.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task<IReadOnlyList<string>>> _layerNames = new(StringComparer.Ordinal);

    private readonly CheckpointStore _store = new(options.Value.CheckpointFolder, warning => logger.LogWarning("{Warning}", warning));

    /// <summary>Trains (or finds) the dense baseline and its test accuracy.</summary>
    public async Task<CheckpointRef> EnsureBaselineAsync(BaselineRequest request, string silo, CancellationToken cancellationToken)
    {
        request = request with { Training = await LocalData(request.Dataset, request.Training, cancellationToken) };
        await artifacts.EnsureCheckpointAsync(Baseline(request).Id, required: false, cancellationToken);
        return await Registered(Traced(FqSpans.Baseline, span => span?.SetTag(FqTags.Model, request.Model), () => workers.RunOnDeviceAsync(request.Training.Device, (device, token) =>
        {
            var spec = Baseline(request) with { Device = device };
            var existed = _store.Exists(StageNames.Manifest(spec.Id));
            var id = BaselineStage.Ensure(spec, _store, data, Notices(spec.Id), token);
            if (!existed) counters.BaselineTrained(request.Seed);
            var evaluation = BaselineStage.Evaluation(spec, _store, data, token);
            return new CheckpointRef(id, evaluation.Top1Percent, evaluation.Top5Percent, silo);
        }, cancellationToken), (span, answer) => span?.SetTag(FqTags.Top1, answer.Top1)));
    }

    /// <summary>Prunes (or finds) a checkpoint of the baseline, masks included.</summary>
    public async Task<CheckpointRef> EnsurePrunedAsync(PruneRequest request, string silo, CancellationToken cancellationToken)
    {
        request = request with { Baseline = request.Baseline with { Training = await LocalData(request.Baseline.Dataset, request.Baseline.Training, cancellationToken) } };
        if (!await artifacts.EnsureCheckpointAsync(Prune(request).Id, required: false, cancellationToken))
            await artifacts.EnsureCheckpointAsync(Baseline(request.Baseline).Id, required: false, cancellationToken);
        return await Registered(Traced(FqSpans.Prune, span => span?.SetTag(FqTags.Model, request.Baseline.Model).SetTag(FqTags.Sparsity, request.TargetSparsity),
            () => workers.RunOnDeviceAsync(request.Baseline.Training.Device, (device, token) =>
            {
                var spec = Prune(request, device);
                var existed = _store.Exists(StageNames.Manifest(spec.Id));
                var id = PruneStage.Ensure(spec, _store, data, Notices(spec.Id), token);
                if (!existed) counters.CheckpointPruned();
                var evaluation = PruneStage.Evaluation(spec, _store, data, token);
                return new CheckpointRef(id, evaluation.Top1Percent, evaluation.Top5Percent, silo);
            }, cancellationToken), (span, answer) => span?.SetTag(FqTags.Top1, answer.Top1)));
    }

    /// <summary>One layer's rate-distortion points over the candidate widths.</summary>
    public async Task<LayerSearchAnswer> SearchLayerAsync(SweepLayerSearchRequest request, string silo, CancellationToken cancellationToken)
    {
        request = request with { Training = await LocalData(request.Dataset, request.Training, cancellationToken) };
        await artifacts.EnsureCheckpointAsync(request.PrunedCheckpointId, required: true, cancellationToken);
        return await Traced(FqSpans.LayerSearch, span => span?.SetTag(FqTags.Layer, request.Layer).SetTag(FqTags.Bits, request.CandidateBits.ToArray()),
            () => workers.RunOnDeviceAsync(request.Training.Device, (device, token) =>
            {
                var result = LayerSearch.Run(new StageLayerSearchRequest(
                    request.PrunedCheckpointId, request.Layer, request.CandidateBits.ToArray(), request.WSep, request.OverflowRate,
                    request.Coding.ToCompression(), request.Seed, DataDirectory: request.Training.DataDirectory,
                    TrainLimit: request.Training.TrainLimit, Validation: ValidationOf(request.Training), Device: device), _store, data, token);
                counters.LayerSearched();
                FqMetrics.LayerSearches.Add(1);
                return ToAnswer(result, silo);
            }, cancellationToken), (span, answer) => span?.SetTag(FqTags.Mode, SweepVocabulary.Join(answer.Points.Select(p => p.Mode).Distinct())));
    }

    /// <summary>The quantizable layers of a model, in order: built once per model on the worker threads, then remembered.</summary>
    public Task<IReadOnlyList<string>> LayerNamesAsync(string model, string dataset, TrainingSpec training, CancellationToken cancellationToken)
    {
        var name = ModelZoo.Canonicalize(model);
        var names = _layerNames.GetOrAdd(name, key => workers.RunQuickAsync<IReadOnlyList<string>>(() =>
        {
            using var module = ModelZoo.Create(key, null, seed: 0);
            return ModelZoo.QuantizableParameters(module);
        }));
        if (names.IsFaulted || names.IsCanceled) _layerNames.TryRemove(new(name, names));
        return names.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Each layer's width under a budget of coded bits per weight, from the layers' search answers: the choice
    /// <see cref="MixedPrecision.Choose"/> makes in process. A budget that even the cheapest widths exceed is refused
    /// (ArgumentException: the trial fails on bad input) rather than quietly overspent.
    /// </summary>
    public IReadOnlyDictionary<string, int> ChooseBits(IReadOnlyList<LayerSearchAnswer> answers, double budgetBitsPerWeight)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var choice = MixedPrecision.Choose(answers.Select(ToResult).ToArray(), budgetBitsPerWeight);
        if (!choice.WithinBudget)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"budget_bits_per_weight {budgetBitsPerWeight:G4} cannot be met: even the cheapest candidate width of every layer takes {choice.SmallestBitsPerWeight:F4} bits per weight; the budget must be at least {Math.Ceiling(choice.SmallestBitsPerWeight * 1000) / 1000:F3}."));
        return choice.BitsPerLayer;
    }

    /// <summary>A layer search result as it crosses the grain boundary.</summary>
    public static LayerSearchAnswer ToAnswer(LayerSearchResult result, string silo) => new(
        result.Layer, result.Weights, result.Separation,
        result.Points.Select(p => new LayerPoint(p.Bits, p.Mode.ToContract(), p.CodedBits, p.Mse, p.RelativeError, p.Top1)).ToArray(),
        result.Top1Reference, silo);

    /// <summary>The layer search result an answer carries, for the width choice.</summary>
    public static LayerSearchResult ToResult(LayerSearchAnswer answer) => new(
        answer.Layer, answer.Weights, answer.Separation,
        answer.Points.Select(p => new LayerSearchPoint(p.Bits, p.Mode.ToCompression(), p.CodedBits, p.Mse, p.RelativeError, p.Top1)).ToArray(),
        answer.Top1Reference);

    /// <summary>
    /// Fine-tunes, encodes and evaluates a trial; the .fqz goes to the model folder under the trial's id. With
    /// <paramref name="run"/>, evaluates rungs, pauses (the paused checkpoint is registered so any silo can resume it) or
    /// resumes from a paused checkpoint (fetched from the silo that holds it; one no silo can give is set aside and the
    /// trial starts again from its pruned checkpoint).
    /// </summary>
    public async Task<TrialResult> RunTrialAsync(
        string trialId, TrialConfig config, CheckpointRef baseline, CheckpointRef pruned, IReadOnlyDictionary<string, int> bits,
        IReadOnlyList<LayerSearchAnswer> answers, Action<string, double> progress, CancellationToken cancellationToken,
        TrialRunRequest? run = null, TrialRunHooks? hooks = null)
    {
        config = config with { Training = await LocalData(config.Dataset, config.Training, cancellationToken) };
        // Not required: a checkpoint no silo can give any more is made again here, as the trial stage does when it is missing.
        await artifacts.EnsureCheckpointAsync(baseline.Id, required: false, cancellationToken);
        await artifacts.EnsureCheckpointAsync(pruned.Id, required: false, cancellationToken);
        if (run?.ResumeCheckpointId is { } resumeId) await artifacts.EnsureCheckpointAsync(resumeId, required: false, cancellationToken);
        var result = await RunTrialOnWorkerAsync(trialId, config, baseline, bits, progress, RunOptions(trialId, run, hooks), cancellationToken);
        if (result.PausedCheckpointId is { } pausedId) await artifacts.RegisterCheckpointAsync(pausedId);
        return result;
    }

    /// <inheritdoc />
    public Task DeletePausedAsync(string checkpointId, CancellationToken cancellationToken) => artifacts.DiscardPausedAsync(checkpointId, cancellationToken);

    /// <summary>
    /// The trial stage's options for a run request and its hooks (the plain run when both are absent). Its paused
    /// checkpoints are the trial's own (Owner): a trial of the same settings elsewhere never resumes from, or loses, them.
    /// </summary>
    private static TrialRunOptions RunOptions(string trialId, TrialRunRequest? run, TrialRunHooks? hooks)
    {
        if (run is null && hooks is null) return TrialRunOptions.Default;
        var rung = hooks?.Rung;
        return new TrialRunOptions
        {
            Owner = trialId,
            RungEpochs = run?.RungEpochs ?? [],
            EvaluateEveryEpoch = run?.EveryEpoch ?? false,
            StopAfterEpoch = run?.PauseAfterEpoch,
            ResumeFrom = run?.ResumeCheckpointId,
            OnEstimate = hooks?.Estimated,
            OnRung = rung is null ? null : r => rung(ToOutcome(r)) ? RungDecision.Pause : RungDecision.Continue,
        };
    }

    private static RungOutcome ToOutcome(RungEvaluation rung) => new(rung.Epoch, rung.ValidationTop1, rung.TestTop1);

    private Task<TrialResult> RunTrialOnWorkerAsync(
        string trialId, TrialConfig config, CheckpointRef baseline, IReadOnlyDictionary<string, int> bits, Action<string, double> progress,
        TrialRunOptions runOptions, CancellationToken cancellationToken)
    {
        // Activity.Current (the trial's span) flows into the worker through the ExecutionContext that Task.Run captures.
        return workers.RunOnDeviceAsync(config.Training.Device, (device, token) =>
        {
            var spec = new TrialSpec(
                Prune(PruneOf(config), device),
                config.Bits, bits, config.WSep, config.OverflowRate, config.ScheduleScale, config.FineTuneLearningRate,
                config.Coding.ToCompression(), config.Seed, config.FineTune.ToCompression());
            var output = Path.Combine(options.Value.ModelFolder, trialId.Replace('/', '_') + ".fqz");
            using var spans = new TrialStageSpans();
            Compression.Stages.TrialOutcome outcome;
            try
            {
                outcome = TrialStage.Run(spec, _store, data, output, runOptions, new ActionProgress(p =>
                {
                    if (p.Notice) logger.LogWarning("Trial {TrialId}, {Stage}: {Notice}", trialId, p.Stage, p.Detail);
                    spans.Enter(p.Stage);
                    progress(p.Stage, p.Fraction);
                }), token);
            }
            catch (Exception ex)
            {
                spans.Fail(ex);
                throw;
            }
            var rungs = outcome.Rungs.Select(ToOutcome).ToArray();
            if (outcome.Pause is { } pause)
            {
                // No file and no final figures: what is known of the trial so far, and where it goes on from. The dense
                // validation figure comes along: an early-stopping sweep measures a rung's top-1 drop from it.
                var dense = BaselineStage.ValidationEvaluation(spec.Prune.Baseline, _store, data, token);
                return new TrialResult(double.NaN, double.NaN, double.NaN, spec.Prune.TargetSparsity ?? double.NaN, 0, outcome.DenseBytes,
                    baseline.Top1, baseline.Top5, [], "")
                {
                    ValidationTop1Dense = dense.Top1Percent,
                    Rungs = rungs,
                    EstimatedCompressedBytes = outcome.EstimatedCompressedBytes,
                    PausedAtEpoch = pause.Epoch,
                    PausedCheckpointId = pause.CheckpointId,
                    ScheduleEpochs = pause.Epochs,
                };
            }
            var report = outcome.Report!;
            var validation = report.Validation ?? throw new InvalidOperationException("A trial's report has no validation figures.");
            spans.Finish(report, data.Get(spec.Prune.Baseline.TrainData).Count, data.Get(spec.Prune.Baseline.TestData).Count);
            counters.TrialRun();
            return new TrialResult(
                report.CompressionRatio, report.Top1Compressed, report.Top5Compressed, report.Sparsity, report.CompressedBytes, report.DenseBytes,
                baseline.Top1, baseline.Top5,
                report.Layers.Select(l => new LayerOutcome(l.Name, ContractEnums.LayerModeOfReport(l.Mode), l.Bits, l.Weights, l.Sparsity, l.CodedBits) { Separation = l.Separation }).ToArray(),
                output)
            {
                ValidationTop1 = validation.Top1Compressed,
                ValidationTop5 = validation.Top5Compressed,
                ValidationTop1Dense = validation.Top1Dense,
                FineTuneEpochs = report.FineTuneEpochs.Select(e => new EpochOutcome(e.Epoch, e.Loss, e.AccuracyPercent, e.Duration.TotalSeconds)).ToArray(),
                Recoveries = report.Recoveries.Select(r => $"{r.Stage}: {r.Describe()}").ToArray(),
                Rungs = rungs,
                EstimatedCompressedBytes = outcome.EstimatedCompressedBytes,
                ScheduleEpochs = report.FineTuneEpochs.Count,
            };
        }, cancellationToken);
    }

    /// <summary>The training settings with the data directory where this silo has the data set (fetched from another silo if need be).</summary>
    private async Task<TrainingSpec> LocalData(string dataset, TrainingSpec training, CancellationToken cancellationToken) =>
        training with { DataDirectory = await artifacts.ResolveDataDirectoryAsync(dataset, training.DataDirectory, cancellationToken) };

    /// <summary>The checkpoint a stage answered with, once this silo is registered as one of its holders.</summary>
    private async Task<CheckpointRef> Registered(Task<CheckpointRef> stage)
    {
        var answer = await stage;
        await artifacts.RegisterCheckpointAsync(answer.Id);
        return answer;
    }

    /// <summary>Progress of a shared checkpoint's stage: only its notices (recoveries from divergence) reach the silo's log.</summary>
    private ActionProgress Notices(string checkpointId) => new(p =>
    {
        if (p.Notice) logger.LogWarning("Checkpoint {CheckpointId}, {Stage}: {Notice}", checkpointId, p.Stage, p.Detail);
    });

    /// <summary>Runs <paramref name="work"/> inside a span named <paramref name="name"/>, timing it as a stage; failures mark the span.</summary>
    private static async Task<T> Traced<T>(string name, Action<Activity?> describe, Func<Task<T>> work, Action<Activity?, T> describeAnswer)
    {
        using var span = FqTelemetry.Source.StartActivity(name);
        describe(span);
        var clock = Stopwatch.StartNew();
        try
        {
            var answer = await work();
            describeAnswer(span, answer);
            FqMetrics.RecordStage(name["fq.".Length..], clock.Elapsed);
            return answer;
        }
        catch (Exception ex)
        {
            span.RecordFailure(ex);
            throw;
        }
    }

    private static BaselineSpec Baseline(BaselineRequest request) => new(
        request.Model, request.Dataset, request.Training.BaselineEpochs, request.Training.LearningRate, request.Training.BatchSize,
        request.Seed, request.Training.TrainLimit, request.Training.DataDirectory, request.Training.TestLimit, Validation: ValidationOf(request.Training),
        Weights: request.Training.Weights is { } weights ? new Compression.Models.WeightsFile(weights, request.Training.WeightsSha256 ?? "") : null,
        Device: request.Training.Device);

    private static Compression.Data.ValidationSplit? ValidationOf(TrainingSpec training) =>
        training.Validation is { } value ? Compression.Data.ValidationSplit.FromNumber(value) : null;

    // The device a stage runs on: the one its worker slot gave ("cuda:N"), else the spec's.
    // Per-layer targets go into the pruned checkpoint's id only when there are some (PruneSpec.Canonical).
    private static PruneSpec Prune(PruneRequest request, string? device = null) => new(
        Baseline(request.Baseline) with { Device = device ?? request.Baseline.Training.Device }, request.TargetSparsity, request.PruneAlpha, request.Baseline.Training.PruneEpochs, request.Baseline.Seed)
    {
        LayerSparsity = request.LayerSparsity is { Count: > 0 } layers ? layers : null,
    };

    /// <summary>The prune request of a trial's config, its per-layer targets included.</summary>
    public static PruneRequest PruneOf(TrialConfig config) =>
        new(new BaselineRequest(config.Model, config.Dataset, config.Seed, config.Training), config.TargetSparsity, config.PruneAlpha)
        {
            LayerSparsity = config.LayerSparsity is { Count: > 0 } layers ? layers : null,
        };

    /// <summary>
    /// The width of every layer under the uniform policy: the trial's Bits, or the layer's own from LayerBits. Under the
    /// per-layer policy the widths are chosen from the layer searches (<see cref="ChooseBits"/>), and LayerBits is refused:
    /// the choice under a budget cannot also honour fixed widths.
    /// </summary>
    public static IReadOnlyDictionary<string, int> UniformBits(TrialConfig config, IReadOnlyList<string> layers)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(layers);
        if (config.BitsPolicy != BitsPolicy.Uniform)
        {
            if (config.LayerBits is { Count: > 0 })
                throw new ArgumentException("Per-layer bit widths apply only to the uniform bits policy; the per-layer policy chooses every layer's width itself.");
            throw new ArgumentException("Uniform widths asked of a trial with the per-layer bits policy.");
        }
        if (config.LayerBits?.Keys.Where(k => !layers.Contains(k)).Order(StringComparer.Ordinal).ToArray() is { Length: > 0 } unknown)
            throw new ArgumentException($"Per-layer bits name {string.Join(", ", unknown)}, which the model does not have; its layers: {string.Join(", ", layers)}.");
        return layers.ToDictionary(l => l, l => config.LayerBits is not null && config.LayerBits.TryGetValue(l, out var bits) ? bits : config.Bits, StringComparer.Ordinal);
    }

    /// <summary>Reports synchronously on the worker thread (Progress&lt;T&gt; would post to a captured context).</summary>
    private sealed class ActionProgress(Action<PipelineProgress> action) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) => action(value);
    }
}
