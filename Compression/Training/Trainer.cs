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
    private readonly (string Name, Tensor Tensor)[] parameters;
    private readonly Device device;
    private DatasetTensors? tensors;
    private double learningRate;

    /// <summary>Creates a trainer for <paramref name="model"/>; sets torch's thread count to <see cref="TrainerOptions.Threads"/>.</summary>
    public Trainer(nn.Module<Tensor, Tensor> model, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Options = options ?? new TrainerOptions();
        Options.Validate();
        TorchThreads.Use(Options.Threads);
        Model = model;
        parameters = model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).ToArray();
        // Batches follow the model: made on the CPU, moved to the model's device (not at all on the CPU).
        device = ComputeDevice.Of(model);
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
        IImageSet data,
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
    /// and throws <see cref="OperationCanceledException"/>. A non-finite loss (checked before backward), parameter
    /// (checked after every step) or buffer (checked at the end of the epoch), or a divergence a hook reports, throws
    /// <see cref="TrainingDivergedException"/> naming <see cref="TrainerOptions.Stage"/>, the epoch, the batch and the
    /// layer; the epoch does not count as completed, and the model is only fit to use again after <see cref="Restore"/>.
    /// An <see cref="ImageDataset"/> is batched from one tensor of the whole set; an <see cref="IBatchSource"/> makes
    /// its batches (augmented from <see cref="TrainerOptions.Seed"/> and the epoch) in the same seeded order.
    /// </summary>
    public EpochSummary TrainEpoch(
        IImageSet data,
        ITrainingHooks? hooks = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        hooks ??= NoHooks;
        cancellationToken.ThrowIfCancellationRequested();
        // In memory: batches are index_selects of one tensor of the whole set. Otherwise the source makes them.
        var set = data is ImageDataset inMemory ? TensorsOf(inMemory) : null;
        var source = set is null
            ? data as IBatchSource ?? throw new ArgumentException($"Data set '{data.Name}' is neither in memory nor a batch source.", nameof(data))
            : null;
        if (data.Count == 0) throw new ArgumentException($"Data set '{data.Name}' is empty.");
        var count = set?.Count ?? data.Count;
        var epoch = EpochsCompleted;
        ApplySchedule(epoch);
        var clock = Stopwatch.StartNew();
        var batchSize = Options.BatchSize;
        var batches = (int)((count + batchSize - 1) / batchSize);
        Model.train();
        try
        {
            hooks.OnEpochStart(epoch);
        }
        catch (TrainingDivergedException diverged) when (diverged.Stage is null)
        {
            throw diverged.At(Options.Stage, epoch + 1, null, batches);
        }
        double lossSum = 0;
        long correct = 0, seen = 0;

        void RunBatch(Tensor images, Tensor labels, long length, int batch)
        {
            images = ComputeDevice.On(images, device);
            labels = ComputeDevice.On(labels, device);
            try
            {
                optimizer.ZeroGrad();
                hooks.BeforeForward(Step);
                var logits = Model.forward(images);
                var loss = nn.functional.cross_entropy(logits, labels);
                // Read before backward: a non-finite loss stops the epoch before it reaches the weights.
                var lossValue = loss.item<float>();
                if (!float.IsFinite(lossValue)) throw new TrainingDivergedException($"loss {TrainingDivergedException.Describe(lossValue)}");
                loss.backward();
                hooks.BeforeOptimizerStep(Step);
                optimizer.Step();
                ThrowIfNonFinite(parameters, "weight");
                hooks.AfterOptimizerStep(Step);
                Step++;

                lossSum += lossValue * length;
                correct += logits.argmax(1).eq(labels).sum().item<long>();
                seen += length;
            }
            catch (TrainingDivergedException diverged) when (diverged.Stage is null)
            {
                throw diverged.At(Options.Stage, epoch + 1, batch + 1, batches);
            }
            if (progress is not null && ((batch + 1) % Options.ProgressEveryBatches == 0 || batch + 1 == batches))
                progress.Report(new TrainingProgress(epoch, batch + 1, batches, lossSum / seen, 100.0 * correct / seen, learningRate, Step));
        }

        using (var order = torch.randperm(count, generator: generator))
        {
            if (set is not null)
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
                    RunBatch(images, labels, length, batch);
                }
            }
            else
            {
                var positions = Array.ConvertAll(order.data<long>().ToArray(), p => (int)p);
                var batch = 0;
                foreach (var host in source!.TrainingBatches(positions, batchSize, Options.Seed, epoch, cancellationToken))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    // A batch whose every image was skipped as unreadable takes no step.
                    if (host.Count > 0)
                    {
                        using var scope = torch.NewDisposeScope();
                        var images = torch.tensor(host.Pixels, [host.Count, data.Channels, data.Height, data.Width]);
                        var labels = torch.tensor(host.Labels);
                        RunBatch(images, labels, host.Count, batch);
                    }
                    batch++;
                }
            }
        }
        if (seen == 0) throw new InvalidDataException($"No image of '{data.Name}' could be read: all {count} were skipped as unreadable.");
        try
        {
            // Batch norm's running statistics change in the forward pass, not in the step: checked once per epoch.
            ThrowIfNonFinite(Model.named_buffers().Select(b => (b.name, b.buffer)), "buffer");
            hooks.OnEpochEnd(epoch);
        }
        catch (TrainingDivergedException diverged) when (diverged.Stage is null)
        {
            throw diverged.At(Options.Stage, epoch + 1, batches, batches);
        }
        EpochsCompleted++;
        return new EpochSummary(epoch, lossSum / seen, 100.0 * correct / seen, learningRate, batches, clock.Elapsed);
    }

    /// <summary>
    /// Copies what the next epoch depends on: the model's parameters and buffers, the optimiser's state, the shuffling
    /// generator, the step and epoch counters and the learning rate. Take it between epochs.
    /// </summary>
    public TrainerSnapshot Snapshot() =>
        new(this, Model.state_dict(), optimizer.SaveState(), generator.get_state(), Step, EpochsCompleted, learningRate);

    /// <summary>Puts the trainer and its model back to a snapshot this trainer took; the next epoch runs as it would have then.</summary>
    public void Restore(TrainerSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!ReferenceEquals(snapshot.Owner, this)) throw new ArgumentException("The snapshot was taken of another trainer.", nameof(snapshot));
        using (torch.no_grad())
        {
            foreach (var (name, tensor) in Model.state_dict()) tensor.copy_(snapshot.State[name]);
        }
        optimizer.LoadState(snapshot.Optimizer);
        generator.set_state(snapshot.Generator);
        Step = snapshot.Step;
        EpochsCompleted = snapshot.EpochsCompleted;
        LearningRate = snapshot.LearningRate;
    }

    /// <summary>
    /// Writes what the next epoch depends on besides the model's own state: the optimiser's state, the shuffling
    /// generator, the step and epoch counters and the learning rate, so that <see cref="LoadState"/> on a trainer of the
    /// same model and options (in another process) goes on exactly as this one would. Take it between epochs.
    /// </summary>
    public void SaveState(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(StateMagic);
        writer.Write((int)Options.Optimizer);
        using (var state = optimizer.SaveState()) state.Write(writer);
        using (var generatorState = generator.get_state()) TensorBytes.Write(writer, generatorState);
        writer.Write(Step);
        writer.Write(EpochsCompleted);
        writer.Write(learningRate);
    }

    /// <summary>
    /// Puts back a state <see cref="SaveState"/> wrote (for this model, with the model's state loaded separately);
    /// <see cref="InvalidDataException"/> when it is damaged or of another optimiser or model.
    /// </summary>
    public void LoadState(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        try
        {
            if (reader.ReadString() != StateMagic) throw new InvalidDataException("The saved trainer state does not start with its header.");
            var kind = (OptimizerKind)reader.ReadInt32();
            if (kind != Options.Optimizer) throw new InvalidDataException($"The saved trainer state is of a {kind} optimiser, this trainer's is {Options.Optimizer}.");
            using (var state = OptimizerState.Read(reader, optimizer, parameters.Select(p => p.Tensor).ToArray())) optimizer.LoadState(state);
            using (var generatorState = TensorBytes.Read(reader)) generator.set_state(generatorState);
            Step = reader.ReadInt64();
            EpochsCompleted = reader.ReadInt32();
            var rate = reader.ReadDouble();
            if (Step < 0 || EpochsCompleted < 0 || !(rate > 0) || double.IsInfinity(rate)) throw new InvalidDataException("The saved trainer state has impossible counters.");
            LearningRate = rate;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The saved trainer state is truncated.", e);
        }
    }

    private const string StateMagic = "fq-trainer-state-1";

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

    private static void ThrowIfNonFinite(IEnumerable<(string Name, Tensor Tensor)> tensors, string kind)
    {
        foreach (var (name, tensor) in tensors)
        {
            if (NonFinite.Find(tensor) is { } bad)
                throw new TrainingDivergedException($"{kind} {name} {TrainingDivergedException.Describe(bad.Value)} at index {bad.Index}", name);
        }
    }

    private sealed class NullHooks : ITrainingHooks;
}
