namespace FocusedQuantization.Compression.Training;

/// <summary>Settings of a <see cref="Trainer"/>.</summary>
public sealed record TrainerOptions
{
    /// <summary>Epochs run by <see cref="Trainer.Train"/>; default 1.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Images per batch; default 64. The last batch of an epoch may be smaller.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Initial learning rate; default 0.01.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>The optimiser; default <see cref="OptimizerKind.Sgd"/>.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;

    /// <summary>SGD momentum (ignored by Adam); default 0.9.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Whether SGD uses Nesterov momentum; default false.</summary>
    public bool Nesterov { get; init; }

    /// <summary>L2 weight decay applied by the optimiser to every parameter; default 5e-4 (Caffe's LeNet setting).</summary>
    public double WeightDecay { get; init; } = 5e-4;

    /// <summary>
    /// Step decay: every this many epochs the rate is multiplied by <see cref="LearningRateDecay"/>; default 0 (no decay).
    /// </summary>
    public int LearningRateStepEpochs { get; init; }

    /// <summary>Factor of the step decay; default 0.1.</summary>
    public double LearningRateDecay { get; init; } = 0.1;

    /// <summary>
    /// Learning rate as a function of the 0-based epoch, applied at the start of each epoch; default null. When set it
    /// overrides the step decay; when neither is set the rate stays whatever <see cref="Trainer.LearningRate"/> holds.
    /// </summary>
    public Func<int, double>? LearningRateSchedule { get; init; }

    /// <summary>Seed of the batch shuffling; default 0. The same seed and initial weights give the same trained weights.</summary>
    public long Seed { get; init; }

    /// <summary>Torch intra-op threads, set process-wide when the trainer is created; default 1 (steady on a shared CPU).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Progress is reported every this many batches and after the last batch of an epoch; default 10.</summary>
    public int ProgressEveryBatches { get; init; } = 10;

    /// <summary>
    /// The stage this training belongs to, named by a <see cref="TrainingDivergedException"/> (e.g. "baseline", "prune",
    /// "quantize (fine-tune)"); default "training".
    /// </summary>
    public string Stage { get; init; } = "training";

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (Epochs < 0) throw new ArgumentException($"Epochs must not be negative, got {Epochs}.");
        if (BatchSize < 1) throw new ArgumentException($"Batch size must be at least 1, got {BatchSize}.");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"Learning rate must be positive and finite, got {LearningRate}.");
        if (Momentum is < 0 or >= 1) throw new ArgumentException($"Momentum must be in [0, 1), got {Momentum}.");
        if (!(WeightDecay >= 0)) throw new ArgumentException($"Weight decay must not be negative, got {WeightDecay}.");
        if (LearningRateStepEpochs < 0) throw new ArgumentException($"Learning-rate step must not be negative, got {LearningRateStepEpochs}.");
        if (!(LearningRateDecay > 0)) throw new ArgumentException($"Learning-rate decay must be positive, got {LearningRateDecay}.");
        if (Threads < 1) throw new ArgumentException($"Threads must be at least 1, got {Threads}.");
        if (string.IsNullOrWhiteSpace(Stage)) throw new ArgumentException("The stage name must not be empty.");
        if (ProgressEveryBatches < 1) throw new ArgumentException($"Progress interval must be at least 1 batch, got {ProgressEveryBatches}.");
    }
}
