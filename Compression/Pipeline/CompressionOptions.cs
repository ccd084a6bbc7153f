namespace FocusedQuantization.Compression.Pipeline;

/// <summary>
/// One run of the focused-compression pipeline: baseline, pruning, focused quantization with fine-tuning, coding.
/// </summary>
public sealed record CompressionOptions
{
    /// <summary>Model zoo name. Default lenet5.</summary>
    public string Model { get; init; } = "lenet5";

    /// <summary>Data set name (fashion-mnist or mnist). Default fashion-mnist.</summary>
    public string Dataset { get; init; } = "fashion-mnist";

    /// <summary>Folder holding the data set's IDX files; null searches the usual places.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Bit width of every quantized layer before entropy coding, 3..8. Default 5 (the paper's).</summary>
    public int Bits { get; init; } = 5;

    /// <summary>Wasserstein separation at or above which a layer is recentralized. Default 2.0 (the paper's).</summary>
    public double WSep { get; init; } = 2.0;

    /// <summary>Fraction of values allowed to overflow the top shift level; null = 1/(2^n + 1) (the paper's).</summary>
    public double? OverflowRate { get; init; }

    /// <summary>Overall fraction of quantizable weights to prune. Default 0.92. Ignored when PruneAlpha is set.</summary>
    public double TargetSparsity { get; init; } = 0.92;

    /// <summary>DNS alpha for every layer (t = mean|W| + alpha std|W|); null derives per-layer alphas from TargetSparsity.</summary>
    public double? PruneAlpha { get; init; }

    /// <summary>Epochs of baseline training. Default 6.</summary>
    public int BaselineEpochs { get; init; } = 6;

    /// <summary>Epochs of DNS pruning with retraining. Default 4.</summary>
    public int PruneEpochs { get; init; } = 4;

    /// <summary>Scale on the paper's fine-tuning schedule (3 epochs per step, 10 for the last). Default 1/3.</summary>
    public double ScheduleScale { get; init; } = 1.0 / 3.0;

    /// <summary>Learning rate of baseline training (SGD with momentum 0.9). Default 0.02.</summary>
    public double LearningRate { get; init; } = 0.02;

    /// <summary>Learning rate at the start of quantized fine-tuning. Default 0.002.</summary>
    public double FineTuneLearningRate { get; init; } = 0.002;

    /// <summary>Mini-batch size. Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Seed for initialisation, shuffling and component sampling. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Use only the first N training images (quick runs); null uses all.</summary>
    public int? TrainLimit { get; init; }

    /// <summary>Use only the first N test images; null uses all.</summary>
    public int? TestLimit { get; init; }

    /// <summary>A baseline checkpoint to load instead of training one; null trains (or reuses the cached one).</summary>
    public string? BaselineCheckpoint { get; init; }

    /// <summary>Folder where trained baselines are cached; null uses ~/.cache/fq/checkpoints.</summary>
    public string? CacheDirectory { get; init; }
}
