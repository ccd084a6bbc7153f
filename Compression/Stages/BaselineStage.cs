using System.Text.Json;
using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Models;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Stages;

/// <summary>Trains (or finds, or imports) the dense baseline of a <see cref="BaselineSpec"/> in a checkpoint store.</summary>
public static class BaselineStage
{
    /// <summary>
    /// Makes sure the baseline is in <paramref name="store"/>, with its evaluation on <see cref="BaselineSpec.TestData"/>,
    /// and returns its id. A baseline already there is not trained again; concurrent calls in one process for the
    /// same spec train once; a damaged one is set aside and trained again. Runs synchronously on the caller's thread; cancellation is observed between batches.
    /// </summary>
    public static string Ensure(BaselineSpec spec, CheckpointStore store, DatasetCache data, IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(data);
        spec.Validate();
        progress ??= new Progress<PipelineProgress>();
        var id = spec.Id;
        return store.WithLock(id, () =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            TorchThreads.Use();
            using var trained = StageCheckpoint.IsReusable(store, id) ? null : Make(spec, id, store, data, progress, cancellationToken);
            if (trained is null) progress.Report(new PipelineProgress(PipelineStage.Baseline, 0, $"reusing {id}"));
            StageEvaluations.Ensure(store, data, id, spec.ValidationData, () => trained, spec.Device);
            var evaluation = StageEvaluations.Ensure(store, data, id, spec.TestData, () => trained, spec.Device);
            progress.Report(new PipelineProgress(PipelineStage.Baseline, 1, $"top-1 {evaluation.Top1Percent:F2} %"));
            return id;
        });
    }

    /// <summary>The baseline's accuracy on <see cref="BaselineSpec.ValidationData"/>, the figure choices are made on (making the baseline first if needed).</summary>
    public static EvaluationResult ValidationEvaluation(BaselineSpec spec, CheckpointStore store, DatasetCache data, CancellationToken cancellationToken = default)
    {
        var id = Ensure(spec, store, data, null, cancellationToken);
        return StageEvaluations.Ensure(store, data, id, spec.ValidationData, () => null, spec.Device);
    }

    /// <summary>The baseline's accuracy on <see cref="BaselineSpec.TestData"/> (making the baseline first if needed).</summary>
    public static EvaluationResult Evaluation(BaselineSpec spec, CheckpointStore store, DatasetCache data, CancellationToken cancellationToken = default)
    {
        var id = Ensure(spec, store, data, null, cancellationToken);
        return StageEvaluations.Ensure(store, data, id, spec.TestData, () => null, spec.Device);
    }

    private static nn.Module<Tensor, Tensor> Make(BaselineSpec spec, string id, CheckpointStore store, DatasetCache data, IProgress<PipelineProgress> progress, CancellationToken cancellationToken)
    {
        var train = data.Get(spec.TrainData);
        var modelName = ModelZoo.Canonicalize(spec.Model);
        var shape = new ModelShape(train.Channels, train.Height, train.Width, train.Classes);
        if (spec.Weights is { } weightsFile) return Import(spec, id, store, weightsFile, modelName, shape, progress);
        var model = ModelZoo.Create(modelName, shape, spec.Seed);
        try
        {
            ComputeDevice.MoveTo(model, spec.Device);
            if (model is TorchScriptNetwork script)
            {
                progress.Report(new PipelineProgress(PipelineStage.Baseline, 0, $"using the weights of {script.Path}"));
                script.CheckFits(shape, train.Name);
            }
            if (spec.ImportPath is { } path)
            {
                progress.Report(new PipelineProgress(PipelineStage.Baseline, 0, $"loading {path}"));
                Checkpoint.Load(model, path);
            }
            IReadOnlyList<TrainingRecovery> recoveries = [];
            if (spec.ImportPath is null && spec.Epochs > 0 && model is not TorchScriptNetwork)
            {
                var epochs = spec.Epochs;
                using var trainer = new Trainer(model, new TrainerOptions
                {
                    Epochs = epochs,
                    BatchSize = spec.BatchSize,
                    LearningRate = spec.LearningRate,
                    Seed = spec.Seed,
                    Stage = PipelineStage.Baseline,
                });
                var epochProgress = new EpochProgress(PipelineStage.Baseline, epochs, progress);
                var recovery = new DivergenceRecovery(PipelineStage.Baseline, epochs, progress);
                for (var epoch = 0; epoch < epochs; epoch++)
                {
                    // Cosine decay to a tenth: a short, well-behaved schedule for small baselines. Set per epoch here
                    // rather than as the trainer's schedule, so that a retry can run the epoch at a lower rate.
                    var scheduled = spec.LearningRate * (0.55 + 0.45 * Math.Cos(Math.PI * epoch / epochs));
                    recovery.RunEpoch(trainer, null, scheduled, rate =>
                    {
                        trainer.LearningRate = rate;
                        return trainer.TrainEpoch(train, null, epochProgress, cancellationToken);
                    });
                }
                recoveries = recovery.Recoveries;
            }
            Save(store, id, spec.Canonical, "baseline", modelName, DataSource.Parse(spec.Dataset).Name, shape, model, parent: null, recoveries);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The baseline of PyTorch weights: the model built for the class count the weights have (which must be the data
    /// set's), the file's tensors loaded into it (checked key by key and shape by shape), stored as the baseline.
    /// </summary>
    private static nn.Module<Tensor, Tensor> Import(
        BaselineSpec spec, string id, CheckpointStore store, WeightsFile file, string modelName, ModelShape dataShape, IProgress<PipelineProgress> progress)
    {
        progress.Report(new PipelineProgress(PipelineStage.Baseline, 0, $"loading {file.Path}"));
        file.Verify();
        using var weights = StateDict.Read(file.Path);
        var classes = weights.ClassesFor(modelName) ?? dataShape.Classes;
        if (classes != dataShape.Classes)
            throw new ArgumentException(
                $"The weights in '{file.Path}' are for {classes} classes and the data set {spec.Dataset} has {dataShape.Classes}: " +
                "give a data set with the classes the network was trained on (in the same order).");
        var shape = dataShape with { Classes = classes };
        var model = ModelZoo.Create(modelName, shape, spec.Seed);
        try
        {
            weights.LoadInto(model, modelName);
            Save(store, id, spec.Canonical, "baseline", modelName, DataSource.Parse(spec.Dataset).Name, shape, model, parent: null, []);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes a stage checkpoint: the model state first, the manifest last (it marks the checkpoint complete), recording
    /// the size and hash of the state and of <paramref name="writtenBefore"/> (files of the checkpoint already in the store),
    /// and the divergences the stage recovered from.
    /// </summary>
    internal static void Save(
        CheckpointStore store, string id, string settings, string kind, string modelName, string dataset, ModelShape shape,
        nn.Module<Tensor, Tensor> model, string? parent, IReadOnlyList<TrainingRecovery> recoveries, params string[] writtenBefore)
    {
        // Checkpoints are written from the CPU, whatever device the stage ran on: the same file either way.
        var device = ComputeDevice.Of(model);
        if (device.type != DeviceType.CPU) model.cpu();
        try
        {
            store.Save(StageNames.Checkpoint(id), stream => Checkpoint.Save(model, stream));
        }
        finally
        {
            if (device.type != DeviceType.CPU) model.to(device);
        }
        // Hashed as they are on disk, so what a later load compares against is what was actually stored.
        var files = writtenBefore.Prepend(StageNames.Checkpoint(id)).Select(store.Describe).ToArray();
        var named = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var layers = ModelZoo.QuantizableParameters(model);
        var manifest = new CheckpointManifest(
            id, kind, modelName, dataset, StageCheckpoint.FormatShape(shape), layers, layers.Select(l => (int)named[l].numel()).ToArray(), parent, settings, files,
            recoveries.Count > 0 ? recoveries : null);
        store.SaveText(StageNames.Manifest(id), JsonSerializer.Serialize(manifest, ReportJson.Options));
    }
}
