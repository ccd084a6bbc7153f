using System.Diagnostics;
using System.Globalization;
using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.IO;
using FocusedQuantization.Compression.Models;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Quantization;
using FocusedQuantization.Compression.Retraining;
using FocusedQuantization.Compression.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Stages;

/// <summary>
/// Runs one trial from a pruned checkpoint: focused quantization with incremental fine-tuning (each layer at its own
/// width), coding into a .fqz file, and evaluation of the model decoded back from that file.
/// </summary>
public static class TrialStage
{
    /// <summary>The stage name of fine-tuning in divergence messages and recoveries.</summary>
    public const string FineTuneStage = "quantize (fine-tune)";

    /// <summary>
    /// Runs the trial and writes its compressed model to <paramref name="outputPath"/> atomically. Makes the pruned
    /// checkpoint (and its baseline) first when the store lacks them. Runs synchronously on the caller's thread on its
    /// own model, so trials may run concurrently; cancellation is observed between batches.
    /// </summary>
    /// <remarks>
    /// A fine-tuning epoch that diverges is rolled back and retried at half its learning rate (at most
    /// <see cref="DivergenceRecovery.MaxRetries"/> times per trial, each recorded in the report's Recoveries); one that
    /// still diverges throws <see cref="TrainingDivergedException"/>. A decoded model whose top-1 is below twice chance
    /// throws <see cref="ModelCollapsedException"/> and its file is deleted: neither is ever a result.
    /// </remarks>
    public static CompressionReport Run(
        TrialSpec spec, CheckpointStore store, DatasetCache data, string outputPath, IProgress<PipelineProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        Run(spec, store, data, outputPath, progress, fineTuneHooks: null, cancellationToken);

    /// <summary>
    /// <see cref="Run(TrialSpec, CheckpointStore, DatasetCache, string, IProgress{PipelineProgress}?, CancellationToken)"/> with
    /// hooks that <paramref name="fineTuneHooks"/> makes for the trial's model called after the fine-tuner's own (a seam
    /// for tests that make training diverge); their state is not rolled back on a retry.
    /// </summary>
    internal static CompressionReport Run(
        TrialSpec spec, CheckpointStore store, DatasetCache data, string outputPath, IProgress<PipelineProgress>? progress,
        Func<nn.Module<Tensor, Tensor>, ITrainingHooks>? fineTuneHooks, CancellationToken cancellationToken) =>
        Run(spec, store, data, outputPath, TrialRunOptions.Default, progress, fineTuneHooks, cancellationToken).Report
        ?? throw new InvalidOperationException("A trial run without a pause paused.");

    /// <summary>
    /// Runs the trial as <see cref="Run(TrialSpec, CheckpointStore, DatasetCache, string, IProgress{PipelineProgress}?, CancellationToken)"/>
    /// does, with rung evaluations, the size estimate, a pause or a resume as <paramref name="options"/> asks. A paused run
    /// writes no .fqz: it saves a checkpoint into <paramref name="store"/> and says so in the outcome; resuming from it
    /// writes the bytes (and reports the figures) an uninterrupted run would.
    /// </summary>
    public static TrialOutcome Run(
        TrialSpec spec, CheckpointStore store, DatasetCache data, string outputPath, TrialRunOptions options,
        IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Run(spec, store, data, outputPath, options, progress, fineTuneHooks: null, cancellationToken);

    internal static TrialOutcome Run(
        TrialSpec spec, CheckpointStore store, DatasetCache data, string outputPath, TrialRunOptions options, IProgress<PipelineProgress>? progress,
        Func<nn.Module<Tensor, Tensor>, ITrainingHooks>? fineTuneHooks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        spec.Validate();
        options.Validate();
        progress ??= new Progress<PipelineProgress>();
        var prune = spec.Prune;
        var baseline = prune.Baseline;
        var prunedId = store.Exists(StageNames.Manifest(prune.Id)) ? prune.Id : PruneStage.Ensure(prune, store, data, progress, cancellationToken);
        var dense = BaselineStage.Evaluation(baseline, store, data, cancellationToken);
        var pruned = PruneStage.Evaluation(prune, store, data, cancellationToken);
        var denseValidation = BaselineStage.ValidationEvaluation(baseline, store, data, cancellationToken);
        var prunedValidation = PruneStage.ValidationEvaluation(prune, store, data, cancellationToken);
        TorchThreads.Use();

        var seconds = new Dictionary<string, double>();
        var clock = Stopwatch.StartNew();
        var sets = new TrialData(data.Get(baseline.TrainData), data.Get(baseline.ValidationData), data.Get(baseline.TestData));
        var resumed = options.ResumeFrom is { } resumeId ? PausedRun.TryOpen(spec, store, resumeId, prunedId, progress) : null;
        using var checkpoint = resumed?.Checkpoint ?? StageCheckpoint.Load(store, prunedId);
        var manifest = StageCheckpoint.ReadManifest(store, prunedId);
        var model = ComputeDevice.MoveTo(checkpoint.Model, baseline.Device);
        if (spec.BitsPerLayer?.Keys.FirstOrDefault(k => !manifest.Layers.Contains(k)) is { } unknown)
            throw new ArgumentException($"Bits are given for '{unknown}', which {manifest.Model} does not have. Its layers: {string.Join(", ", manifest.Layers)}.");

        // Recoveries of the baseline and pruning stages are kept in their manifests, as those checkpoints may be reused.
        var recoveries = new List<TrainingRecovery>();
        recoveries.AddRange(StageCheckpoint.ReadManifest(store, baseline.Id).Recoveries ?? []);
        recoveries.AddRange(manifest.Recoveries ?? []);
        var widths = manifest.Layers.Select(spec.BitsOf).ToArray();
        var metadata = Metadata(spec, manifest, widths, model);
        var run = FineTune(spec, model, checkpoint.Masks!, sets, options, resumed, metadata, store, prunedId, manifest, progress, fineTuneHooks, clock, cancellationToken);
        recoveries.AddRange(run.Recoveries);
        if (run.Pause is { } pause)
            return new TrialOutcome(null, pause, run.Rungs, run.EstimatedBytes, run.DenseBytes);
        FocusedFineTuner? tuner = run.Tuner;
        var quantized = tuner!.Finish();
        // The only thing the report needs of the fine-tuner: with it unreferenced from here on, its per-layer buffers
        // (several copies of the weights) can be freed before encoding and decoding.
        var separations = tuner.Layers.Select(l => l.ModeSeparation).ToArray();
        tuner = null;
        run = run with { Tuner = null };
        seconds[PipelineStage.Quantize] = Math.Round(run.EarlierSeconds + Lap(clock), 2);

        progress.Report(new PipelineProgress(PipelineStage.Encode, 0, "coding"));
        var compressed = new CompressedModel(
            manifest.Model,
            quantized.Select(q => new QuantizedLayer(q.Name, q.Shape, q.Parameters, q.Symbols)).ToArray(),
            ModelState.FloatTensors(model),
            metadata);
        var bytes = FqzFile.ToBytes(compressed, spec.Coding);
        var paperBytes = spec.Coding == CodingMode.Paper ? bytes.LongLength : FqzFile.ToBytes(compressed, CodingMode.Paper).LongLength;
        AtomicFile.Write(outputPath, stream => stream.Write(bytes));
        progress.Report(new PipelineProgress(PipelineStage.Encode, 1, $"{bytes.Length:N0} bytes"));
        seconds[PipelineStage.Encode] = Lap(clock);

        // Evaluate what a user of the file gets: the model decoded from the bytes just written.
        progress.Report(new PipelineProgress(PipelineStage.Evaluate, 0, "decoding and evaluating"));
        var decoded = FqzFile.Read(outputPath);
        using var restored = ComputeDevice.MoveTo(ModelState.Restore(decoded), baseline.Device);
        var final = Evaluator.Evaluate(restored, sets.Test);
        var finalValidation = Evaluator.Evaluate(restored, sets.Validation);
        progress.Report(new PipelineProgress(PipelineStage.Evaluate, 1, $"validation top-1 {finalValidation.Top1Percent:F2} %, test top-1 {final.Top1Percent:F2} %"));
        // Judged on validation, as every choice is; the test figure is only reported.
        if (AccuracyCollapse.IsCollapsed(finalValidation.Top1Percent, sets.Validation.Classes))
        {
            // No file that looks like a result is left behind.
            File.Delete(outputPath);
            throw AccuracyCollapse.Failure("The compressed model", finalValidation.Top1Percent, sets.Validation.Classes);
        }
        seconds[PipelineStage.Evaluate] = Lap(clock);

        var breakdown = FqzFile.Inspect(bytes);
        var coded = breakdown.Layers.ToDictionary(l => l.Name);
        var layers = decoded.Layers.Select((layer, i) => FqzInspection.Describe(
            layer, coded[layer.Name].PayloadBits + 8 * coded[layer.Name].TableBytes, separations[i])).ToArray();
        long weightCount = layers.Sum(l => l.Weights);
        var report = new CompressionReport
        {
            Model = manifest.Model,
            Dataset = manifest.Dataset,
            Bits = widths.Max(),
            Coding = CodingModes.NameOf(spec.Coding),
            DenseBytes = decoded.DenseBytes,
            CompressedBytes = bytes.LongLength,
            CompressionRatio = (double)decoded.DenseBytes / bytes.LongLength,
            PaperCodingBytes = paperBytes,
            PaperCodingCompressionRatio = (double)decoded.DenseBytes / paperBytes,
            Sparsity = layers.Sum(l => l.Sparsity * l.Weights) / Math.Max(1, weightCount),
            Top1Dense = dense.Top1Percent,
            Top5Dense = dense.Top5Percent,
            Top1Pruned = pruned.Top1Percent,
            Top5Pruned = pruned.Top5Percent,
            Top1Compressed = final.Top1Percent,
            Top5Compressed = final.Top5Percent,
            Validation = new ValidationFigures(baseline.EffectiveValidation.Describe(), sets.Validation.Count,
                denseValidation.Top1Percent, denseValidation.Top5Percent, prunedValidation.Top1Percent, prunedValidation.Top5Percent,
                finalValidation.Top1Percent, finalValidation.Top5Percent),
            Layers = layers,
            StageSeconds = seconds,
            FineTuneEpochs = run.Epochs,
            Recoveries = recoveries,
            Rungs = run.Rungs,
            EstimatedCompressedBytes = run.EstimatedBytes,
            Options = OptionsOf(spec),
        };
        return new TrialOutcome(report, null, run.Rungs, run.EstimatedBytes, report.DenseBytes);
    }

    /// <summary>
    /// Deletes paused checkpoint <paramref name="id"/> (<see cref="TrialPause.CheckpointId"/>) from <paramref name="store"/>:
    /// for when nothing will resume from it any more. False when it was not there. Refuses (ArgumentException) any other
    /// kind of checkpoint: baselines and pruned checkpoints are shared by trials and are never deleted.
    /// </summary>
    public static bool DeletePaused(CheckpointStore store, string id)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        if (!id.StartsWith(PausedRun.Kind + "-", StringComparison.Ordinal)) throw new ArgumentException($"'{id}' is not a paused trial's checkpoint.", nameof(id));
        string? kind;
        try
        {
            kind = store.Exists(StageNames.Manifest(id)) ? StageCheckpoint.ReadManifest(store, id).Kind : null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // A damaged manifest of a paused id: its files go all the same.
            kind = null;
        }
        if (kind is not null && kind != PausedRun.Kind) throw new ArgumentException($"Checkpoint '{id}' is a {kind} checkpoint, not a paused trial.", nameof(id));
        return store.Delete(id);
    }

    /// <summary>The training, validation and test images of a trial.</summary>
    private sealed record TrialData(Data.IImageSet Train, Data.IImageSet Validation, Data.IImageSet Test);

    /// <summary>
    /// What fine-tuning left: the fine-tuner of a finished schedule (null when paused), or where it paused; the epochs
    /// and recoveries of the fine-tuning (earlier runs' included), its rungs, the size estimate, and seconds spent by
    /// earlier runs of a resumed trial.
    /// </summary>
    private sealed record FineTuneRun(
        FocusedFineTuner? Tuner, TrialPause? Pause, IReadOnlyList<EpochSummary> Epochs, IReadOnlyList<TrainingRecovery> Recoveries,
        IReadOnlyList<RungEvaluation> Rungs, long EstimatedBytes, long DenseBytes, double EarlierSeconds);

    /// <summary>The .fqz metadata of a trial (shape, data set, widths, seed, where the weights came from).</summary>
    private static Dictionary<string, string> Metadata(TrialSpec spec, CheckpointManifest manifest, int[] widths, nn.Module<Tensor, Tensor> model)
    {
        var metadata = new Dictionary<string, string>
        {
            [ModelState.ShapeKey] = manifest.Shape,
            [ModelState.DatasetKey] = manifest.Dataset,
            ["bits"] = widths.Distinct().Count() == 1
                ? widths[0].ToString(CultureInfo.InvariantCulture)
                : string.Join(',', widths.Select(b => b.ToString(CultureInfo.InvariantCulture))),
            ["seed"] = spec.Seed.ToString(CultureInfo.InvariantCulture),
        };
        if (spec.Prune.Baseline.Weights is { } weights)
        {
            // Where the network came from: which PyTorch weights were compressed.
            metadata[ModelState.WeightsFileKey] = Path.GetFileName(weights.Path);
            metadata[ModelState.WeightsSha256Key] = weights.Sha256;
        }
        return metadata.WithTorchScript(model);
    }

    /// <summary>
    /// The .fqz size if every weight were quantized now by the layers' current plans: the file the trial would write
    /// with the symbols of the weights as they are. Fine-tuning moves the weights and re-estimates the plans, so the
    /// final file differs by what that changes in the symbols' statistics (docs/ALGORITHM.md gives the measured error).
    /// </summary>
    private static long EstimateBytes(FocusedFineTuner tuner, CheckpointManifest manifest, nn.Module<Tensor, Tensor> model, Dictionary<string, string> metadata, CodingMode coding)
    {
        var snapped = tuner.SnappedLayers();
        var compressed = new CompressedModel(
            manifest.Model,
            snapped.Select(q => new QuantizedLayer(q.Name, q.Shape, q.Parameters, q.Symbols)).ToArray(),
            ModelState.FloatTensors(model),
            metadata);
        return FqzFile.ToBytes(compressed, coding).LongLength;
    }

    private static FineTuneRun FineTune(
        TrialSpec spec, nn.Module<Tensor, Tensor> model, IReadOnlyList<(string Name, bool[] Mask)> masks, TrialData sets, TrialRunOptions options,
        PausedRun? resumed, Dictionary<string, string> metadata, CheckpointStore store, string prunedId, CheckpointManifest manifest,
        IProgress<PipelineProgress> progress, Func<nn.Module<Tensor, Tensor>, ITrainingHooks>? extraHooks, Stopwatch clock,
        CancellationToken cancellationToken)
    {
        var named = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        var weights = masks.Select(m => (new ShadowedWeight(m.Name, named[m.Name]), m.Mask)).ToArray();
        var schedule = new FineTuneSchedule { LearningRate = spec.FineTuneLearningRate, Mode = spec.FineTune }.Scaled(spec.ScheduleScale);
        var quantization = new QuantizationOptions { Bits = spec.Bits, SeparationThreshold = spec.WSep, OverflowRate = spec.OverflowRate, Seed = spec.Seed };
        FocusedFineTuner tuner;
        if (resumed is not null)
        {
            progress.Report(new PipelineProgress(PipelineStage.Quantize, 0, $"resuming {resumed.Id} after epoch {resumed.Progress.EpochsDone}"));
            tuner = resumed.Tuner(weights, quantization, schedule, spec.BitsPerLayer);
        }
        else
        {
            progress.Report(new PipelineProgress(PipelineStage.Quantize, 0, "planning layers"));
            try
            {
                tuner = new FocusedFineTuner(weights, quantization, schedule, spec.BitsPerLayer);
            }
            catch (TrainingDivergedException diverged) when (diverged.Stage is null)
            {
                throw diverged.At(FineTuneStage, epoch: null);
            }
        }
        var total = tuner.Epochs.Count;
        // What the .fqz restores, 4 bytes a value: the quantized weights and every other float tensor.
        var denseBytes = 4 * (weights.Sum(w => (long)w.Item1.Count) + ModelState.FloatTensors(model).Sum(t => (long)t.Values.Length));
        var estimated = resumed?.Progress.EstimatedCompressedBytes ?? EstimateBytes(tuner, manifest, model, metadata, spec.Coding);
        if (resumed is null)
        {
            progress.Report(new PipelineProgress(PipelineStage.Quantize, 0, $"estimated {estimated:N0} bytes"));
            options.OnEstimate?.Invoke(estimated);
        }
        IRestorableHooks hooks = extraHooks is null ? tuner : new ChainedHooks(tuner, extraHooks(model));
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = total,
            BatchSize = spec.Prune.Baseline.BatchSize,
            LearningRate = schedule.LearningRate,
            Seed = spec.Seed + 2,
            WeightDecay = 0,
            Stage = FineTuneStage,
        });
        var epochs = new List<EpochSummary>(resumed?.Progress.Summaries ?? []);
        var rungs = new List<RungEvaluation>(resumed?.Progress.Rungs ?? []);
        var earlier = resumed?.Progress.Recoveries ?? [];
        var earlierSeconds = resumed?.Progress.Seconds ?? 0;
        if (resumed is not null) resumed.LoadTrainer(trainer);
        var start = trainer.EpochsCompleted;
        if (start != epochs.Count || start >= total)
            throw new InvalidDataException($"Checkpoint '{resumed?.Id}' records {epochs.Count} epochs but its trainer {start} of {total}.");
        var epochProgress = new EpochProgress(PipelineStage.Quantize, total, progress, firstEpoch: 0);
        var recovery = new DivergenceRecovery(PipelineStage.Quantize, total, progress, earlier.Count);
        for (var index = start; index < total; index++)
        {
            var epoch = tuner.Epochs[index];
            epochs.Add(recovery.RunEpoch(trainer, hooks, epoch.LearningRate, rate =>
            {
                trainer.LearningRate = rate;
                // The weights' rate and alpha's rate are cut together, and restored for the next epoch.
                tuner.LearningRateScale = rate / epoch.LearningRate;
                return trainer.TrainEpoch(sets.Train, hooks, epochProgress, cancellationToken);
            }));
            var done = index + 1;
            var decision = RungDecision.Continue;
            if (options.IsRung(done))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var rung = Evaluate(tuner, model, sets, done, options.RungWeights);
                rungs.Add(rung);
                progress.Report(new PipelineProgress(PipelineStage.Quantize, (double)done / total, string.Create(CultureInfo.InvariantCulture,
                    $"rung {done}/{total}: validation top-1 {rung.ValidationTop1:F2} %, test top-1 {rung.TestTop1:F2} %")));
                decision = options.OnRung?.Invoke(rung) ?? RungDecision.Continue;
            }
            if (done < total && (decision == RungDecision.Pause || options.StopAfterEpoch == done))
            {
                var fineTuneRecoveries = earlier.Concat(recovery.Recoveries).ToArray();
                var seconds = earlierSeconds + clock.Elapsed.TotalSeconds;
                var state = new PausedProgress(spec.Canonical, prunedId, done, total, estimated, seconds, epochs, fineTuneRecoveries, rungs);
                var id = PausedRun.Save(spec, store, state, model, masks, manifest, tuner, trainer, options.Owner);
                progress.Report(new PipelineProgress(PipelineStage.Quantize, (double)done / total, $"paused after epoch {done}/{total}: {id}"));
                return new FineTuneRun(null, new TrialPause(done, total, id, Math.Round(seconds, 2)), epochs, recovery.Recoveries, rungs, estimated, denseBytes, earlierSeconds);
            }
        }
        // The report lists the fine-tuning's recoveries of every run of the trial.
        return new FineTuneRun(tuner, null, epochs, earlier.Concat(recovery.Recoveries).ToArray(), rungs, estimated, denseBytes, earlierSeconds);
    }

    /// <summary>
    /// The rung evaluation after <paramref name="epoch"/> epochs: the rung's weights put in the model, validation and
    /// test top-1 measured, the parameters put back exactly, so that fine-tuning goes on as if nothing had happened.
    /// </summary>
    private static RungEvaluation Evaluate(FocusedFineTuner tuner, nn.Module<Tensor, Tensor> model, TrialData sets, int epoch, RungWeights weights)
    {
        var restore = tuner.LoadRungWeights(snapped: weights == RungWeights.Snapped);
        try
        {
            var validation = Evaluator.Evaluate(model, sets.Validation);
            var test = Evaluator.Evaluate(model, sets.Test);
            return new RungEvaluation(epoch, validation.Top1Percent, test.Top1Percent);
        }
        finally
        {
            restore();
        }
    }

    /// <summary>The fine-tuner's hooks followed by extra ones; only the fine-tuner's state is saved and restored.</summary>
    private sealed class ChainedHooks(IRestorableHooks first, ITrainingHooks then) : IRestorableHooks
    {
        public Action SaveState() => first.SaveState();

        public void OnEpochStart(int epoch)
        {
            first.OnEpochStart(epoch);
            then.OnEpochStart(epoch);
        }

        public void BeforeForward(long step)
        {
            first.BeforeForward(step);
            then.BeforeForward(step);
        }

        public void BeforeOptimizerStep(long step)
        {
            first.BeforeOptimizerStep(step);
            then.BeforeOptimizerStep(step);
        }

        public void AfterOptimizerStep(long step)
        {
            first.AfterOptimizerStep(step);
            then.AfterOptimizerStep(step);
        }

        public void OnEpochEnd(int epoch)
        {
            first.OnEpochEnd(epoch);
            then.OnEpochEnd(epoch);
        }
    }

    /// <summary>The pipeline options that describe this trial (for the report).</summary>
    private static CompressionOptions OptionsOf(TrialSpec spec)
    {
        var prune = spec.Prune;
        var baseline = prune.Baseline;
        return new CompressionOptions
        {
            Model = ModelZoo.Canonicalize(baseline.Model),
            Dataset = baseline.Dataset,
            DataDirectory = baseline.DataDirectory,
            AllowDownload = baseline.AllowDownload,
            Bits = spec.Bits,
            WSep = spec.WSep,
            OverflowRate = spec.OverflowRate,
            TargetSparsity = prune.TargetSparsity ?? new CompressionOptions().TargetSparsity,
            PruneAlpha = prune.PruneAlpha,
            BaselineEpochs = baseline.Epochs,
            PruneEpochs = prune.Epochs,
            ScheduleScale = spec.ScheduleScale,
            LearningRate = baseline.LearningRate,
            FineTuneLearningRate = spec.FineTuneLearningRate,
            FineTune = spec.FineTune,
            BatchSize = baseline.BatchSize,
            Seed = spec.Seed,
            TrainLimit = baseline.TrainLimit,
            TestLimit = baseline.TestLimit,
            BaselineCheckpoint = baseline.ImportPath,
            Weights = baseline.Weights?.Path,
            Coding = spec.Coding,
            Validation = baseline.Validation,
            Device = baseline.EffectiveDevice,
        };
    }

    private static double Lap(Stopwatch clock)
    {
        var elapsed = clock.Elapsed.TotalSeconds;
        clock.Restart();
        return Math.Round(elapsed, 2);
    }
}
