using System.Diagnostics;
using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Training.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Training;

/// <summary>
/// Trains a classifier with cross-entropy, SGD (momentum, weight decay) or Adam, seeded shuffling and an optional
/// learning-rate schedule, calling <see cref="ITrainingHooks"/> around every step. The optimiser state (momentum) and
/// the shuffling generator live as long as the trainer, so training may be split over several calls.
/// </summary>
public sealed class Trainer : IDisposable
{
    private static readonly ITrainingHooks NoHooks = new NullHooks();
    private readonly IParameterOptimizer optimizer;
    private readonly Generator generator;
    private DatasetTensors? tensors;
    private double learningRate;

    /// <summary>Creates a trainer for <paramref name="model"/>; sets torch's thread count to <see cref="TrainerOptions.Threads"/>.</summary>
    public Trainer(nn.Module<Tensor, Tensor> model, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Options = options ?? new TrainerOptions();
        Options.Validate();
        torch.set_num_threads(Options.Threads);
        Model = model;
        optimizer = Options.Optimizer switch
        {
            OptimizerKind.Sgd => new SgdOptimizer(model.parameters(), Options.LearningRate, Options.Momentum, Options.WeightDecay, Options.Nesterov),
            OptimizerKind.Adam => new AdamOptimizer(model.parameters(), Options.LearningRate, weightDecay: Options.WeightDecay),
            _ => throw new ArgumentException($"Unknown optimizer {Options.Optimizer}."),
        };
        generator = new Generator(unchecked((ulong)Options.Seed));
        learningRate = Options.LearningRate;
    }

    /// <summary>The options in effect.</summary>
    public TrainerOptions Options { get; }

    /// <summary>The model being trained.</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>Epochs completed over the trainer's lifetime; the next epoch's 0-based index.</summary>
    public int EpochsCompleted { get; private set; }

    /// <summary>Optimiser steps taken over the trainer's lifetime; the next step's 0-based index.</summary>
    public long Step { get; private set; }

    /// <summary>
    /// The learning rate of the next step. Settable between epochs (or calls), e.g. by a fine-tuner; a configured
    /// schedule overwrites it at the start of each epoch.
    /// </summary>
    public double LearningRate
    {
        get => learningRate;
        set
        {
            if (!(value > 0) || double.IsInfinity(value))
                throw new ArgumentException($"Learning rate must be positive and finite, got {value}.", nameof(value));
            learningRate = value;
            optimizer.LearningRate = value;
        }
    }

    /// <summary>Runs <see cref="TrainerOptions.Epochs"/> epochs over <paramref name="data"/>.</summary>
    public IReadOnlyList<EpochSummary> Train(
        ImageDataset data,
        ITrainingHooks? hooks = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var summaries = new List<EpochSummary>(Options.Epochs);
        for (var i = 0; i < Options.Epochs; i++)
            summaries.Add(TrainEpoch(data, hooks, progress, cancellationToken));
        return summaries;
    }

    /// <summary>
    /// Runs one epoch over <paramref name="data"/> in a fresh seeded order. Per batch: zero_grad, BeforeForward,
    /// forward, loss, backward, BeforeOptimizerStep, step, AfterOptimizerStep. Cancellation is checked before each batch
    /// and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public EpochSummary TrainEpoch(
        ImageDataset data,
        ITrainingHooks? hooks = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        hooks ??= NoHooks;
        cancellationToken.ThrowIfCancellationRequested();
        var set = TensorsOf(data);
        var epoch = EpochsCompleted;
        ApplySchedule(epoch);
        var clock = Stopwatch.StartNew();
        var batchSize = Options.BatchSize;
        var batches = (int)((set.Count + batchSize - 1) / batchSize);
        Model.train();
        hooks.OnEpochStart(epoch);
        double lossSum = 0;
        long correct = 0, seen = 0;
        using (var order = torch.randperm(set.Count, generator: generator))
        {
            for (var batch = 0; batch < batches; batch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = torch.NewDisposeScope();
                long start = (long)batch * batchSize;
                var length = Math.Min(batchSize, set.Count - start);
                var indices = order.narrow(0, start, length);
                var images = set.Images.index_select(0, indices);
                var labels = set.Labels.index_select(0, indices);

                optimizer.ZeroGrad();
                hooks.BeforeForward(Step);
                var logits = Model.forward(images);
                var loss = nn.functional.cross_entropy(logits, labels);
                loss.backward();
                hooks.BeforeOptimizerStep(Step);
                optimizer.Step();
                hooks.AfterOptimizerStep(Step);
                Step++;

                lossSum += loss.item<float>() * length;
                correct += logits.argmax(1).eq(labels).sum().item<long>();
                seen += length;
                if (progress is not null && ((batch + 1) % Options.ProgressEveryBatches == 0 || batch + 1 == batches))
                    progress.Report(new TrainingProgress(epoch, batch + 1, batches, lossSum / seen, 100.0 * correct / seen, learningRate, Step));
            }
        }
        hooks.OnEpochEnd(epoch);
        EpochsCompleted++;
        return new EpochSummary(epoch, lossSum / seen, 100.0 * correct / seen, learningRate, batches, clock.Elapsed);
    }

    /// <summary>Frees the optimiser, the generator and the cached data tensors (not the model).</summary>
    public void Dispose()
    {
        tensors?.Dispose();
        tensors = null;
        optimizer.Dispose();
        generator.Dispose();
    }

    private void ApplySchedule(int epoch)
    {
        if (Options.LearningRateSchedule is { } schedule)
            LearningRate = schedule(epoch);
        else if (Options.LearningRateStepEpochs > 0)
            LearningRate = Options.LearningRate * Math.Pow(Options.LearningRateDecay, epoch / Options.LearningRateStepEpochs);
    }

    private DatasetTensors TensorsOf(ImageDataset data)
    {
        // One copy of the whole set per data set object, reused across epochs and calls.
        if (tensors is not null && ReferenceEquals(tensors.Source, data)) return tensors;
        tensors?.Dispose();
        tensors = null;
        tensors = new DatasetTensors(data);
        return tensors;
    }

    private sealed class NullHooks : ITrainingHooks;
}
