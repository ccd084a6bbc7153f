using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Models;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Retraining;
using FocusedQuantization.Compression.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Stages;

/// <summary>Prunes a baseline with DNS and retraining, and stores the pruned weights with their masks.</summary>
public static class PruneStage
{
    /// <summary>
    /// Makes sure the pruned checkpoint of <paramref name="spec"/> (weights, masks, evaluation) is in
    /// <paramref name="store"/>, making its baseline first if needed, and returns its id. A checkpoint already there
    /// is not made again; concurrent calls in one process for the same spec prune once; a damaged one is set aside and
    /// made again.
    /// </summary>
    public static string Ensure(PruneSpec spec, CheckpointStore store, DatasetCache data, IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(data);
        spec.Validate();
        progress ??= new Progress<PipelineProgress>();
        var id = spec.Id;
        if (!StageCheckpoint.IsReusable(store, id)) BaselineStage.Ensure(spec.Baseline, store, data, progress, cancellationToken);
        return store.WithLock(id, () =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            TorchThreads.Use();
            using var pruned = StageCheckpoint.IsReusable(store, id) ? null : Make(spec, id, store, data, progress, cancellationToken);
            if (pruned is null) progress.Report(new PipelineProgress(PipelineStage.Prune, 0, $"reusing {id}"));
            StageEvaluations.Ensure(store, data, id, spec.Baseline.ValidationData, () => pruned, spec.Baseline.Device);
            var evaluation = StageEvaluations.Ensure(store, data, id, spec.Baseline.TestData, () => pruned, spec.Baseline.Device);
            progress.Report(new PipelineProgress(PipelineStage.Prune, 1, $"top-1 {evaluation.Top1Percent:F2} %"));
            return id;
        });
    }

    /// <summary>The pruned checkpoint's accuracy on the baseline's validation images (making it first if needed).</summary>
    public static EvaluationResult ValidationEvaluation(PruneSpec spec, CheckpointStore store, DatasetCache data, CancellationToken cancellationToken = default)
    {
        var id = Ensure(spec, store, data, null, cancellationToken);
        return StageEvaluations.Ensure(store, data, id, spec.Baseline.ValidationData, () => null, spec.Baseline.Device);
    }

    /// <summary>The pruned checkpoint's accuracy on the baseline's test data (making it first if needed).</summary>
    public static EvaluationResult Evaluation(PruneSpec spec, CheckpointStore store, DatasetCache data, CancellationToken cancellationToken = default)
    {
        var id = Ensure(spec, store, data, null, cancellationToken);
        return StageEvaluations.Ensure(store, data, id, spec.Baseline.TestData, () => null, spec.Baseline.Device);
    }

    /// <summary>
    /// Each layer's target sparsity: its own where <see cref="PruneSpec.LayerSparsity"/> names it, and for the other
    /// layers the whole-model target allocated over them alone by <see cref="SparsityAllocation"/>. A per-layer target
    /// naming no quantizable layer of the model is refused with the layers there are.
    /// </summary>
    public static double[] Targets(IReadOnlyList<string> layers, IReadOnlyList<int> sizes, PruneSpec spec)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(spec);
        var target = spec.TargetSparsity ?? throw new ArgumentException("Pruning to a sparsity needs a target sparsity.");
        var own = spec.LayerSparsity ?? new Dictionary<string, double>();
        var unknown = own.Keys.Where(k => !layers.Contains(k)).Order(StringComparer.Ordinal).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentException($"Per-layer sparsity names {string.Join(", ", unknown)}, which the model does not have; its layers: {string.Join(", ", layers)}.");
        var rest = Enumerable.Range(0, layers.Count).Where(i => !own.ContainsKey(layers[i])).ToArray();
        var shared = SparsityAllocation.Allocate(rest.Select(i => sizes[i]).ToArray(), target);
        var targets = new double[layers.Count];
        for (var i = 0; i < layers.Count; i++) targets[i] = own.TryGetValue(layers[i], out var sparsity) ? sparsity : 0;
        for (var r = 0; r < rest.Length; r++) targets[rest[r]] = shared[r];
        return targets;
    }

    private static nn.Module<Tensor, Tensor> Make(PruneSpec spec, string id, CheckpointStore store, DatasetCache data, IProgress<PipelineProgress> progress, CancellationToken cancellationToken)
    {
        var baseline = spec.Baseline;
        var train = data.Get(baseline.TrainData);
        var baselineCheckpoint = StageCheckpoint.Load(store, baseline.Id);
        var model = baselineCheckpoint.Model;
        try
        {
            ComputeDevice.MoveTo(model, baseline.Device);
            var named = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
            var weights = ModelZoo.QuantizableParameters(model).Select(name => new ShadowedWeight(name, named[name])).ToArray();
            var epochs = spec.Epochs;
            var batches = (train.Count + baseline.BatchSize - 1) / baseline.BatchSize;
            var totalSteps = Math.Max(1L, (long)epochs * batches);
            var pruner = spec.PruneAlpha is { } alpha
                ? PruningRetrainer.WithAlpha(weights, alpha, totalSteps)
                : PruningRetrainer.ToSparsity(weights, Targets(weights.Select(w => w.Name).ToArray(), weights.Select(w => w.Count).ToArray(), spec), totalSteps);
            IReadOnlyList<TrainingRecovery> recoveries = [];
            if (epochs > 0)
            {
                var rate = baseline.LearningRate * 0.5;
                using var trainer = new Trainer(model, new TrainerOptions
                {
                    Epochs = epochs,
                    BatchSize = baseline.BatchSize,
                    LearningRate = rate,
                    Seed = spec.Seed + 1,
                    Stage = PipelineStage.Prune,
                });
                var epochProgress = new EpochProgress(PipelineStage.Prune, epochs, progress);
                var recovery = new DivergenceRecovery(PipelineStage.Prune, epochs, progress);
                for (var epoch = 0; epoch < epochs; epoch++)
                {
                    // The cosine schedule is applied here rather than by the trainer, so that a retry can lower it.
                    var scheduled = rate * (0.55 + 0.45 * Math.Cos(Math.PI * epoch / epochs));
                    recovery.RunEpoch(trainer, pruner, scheduled, retryRate =>
                    {
                        trainer.LearningRate = retryRate;
                        return trainer.TrainEpoch(train, pruner, epochProgress, cancellationToken);
                    });
                }
                recoveries = recovery.Recoveries;
            }
            pruner.Finish();
            var masks = weights.Select((w, i) => (w.Name, pruner.Masks[i])).ToArray();
            store.Save(StageNames.Masks(id), stream => MaskFile.Write(stream, masks));
            var manifest = baselineCheckpoint.Manifest;
            BaselineStage.Save(store, id, spec.Canonical, "pruned", manifest.Model, manifest.Dataset,
                StageCheckpoint.ParseShape(manifest.Shape), model, parent: baseline.Id, recoveries, StageNames.Masks(id));
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
