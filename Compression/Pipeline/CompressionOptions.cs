using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Retraining;

namespace FocusedQuantization.Compression.Pipeline;

/// <summary>
/// One run of the focused-compression pipeline: baseline, pruning, focused quantization with fine-tuning, coding.
/// </summary>
public sealed record CompressionOptions
{
    /// <summary>Model zoo name. Default lenet5.</summary>
    public string Model { get; init; } = "lenet5";

    /// <summary>Data set: fashion-mnist, mnist, imagefolder:PATH, cifar10:PATH or cifar100:PATH (see <see cref="Data.DataSource"/>). Default fashion-mnist.</summary>
    public string Dataset { get; init; } = "fashion-mnist";

    /// <summary>Image folders: the side of the square crop the model receives (training: random-resized crop; evaluation: resize to 256/224 of it, centre crop); null: 224, or the size the data set name gives.</summary>
    public int? ImageSize { get; init; }

    /// <summary>Image folders: skip (and count) unreadable images instead of stopping. Default false.</summary>
    public bool SkipBadImages { get; init; }

    /// <summary>Folder holding the data set's IDX files; null searches the usual places.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>When false, a data set found nowhere on disk is an error rather than a download. Default true.</summary>
    public bool AllowDownload { get; init; } = true;

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

    /// <summary>Learning rate at the start of each step of quantized fine-tuning. Default 0.001 (the paper's).</summary>
    public double FineTuneLearningRate { get; init; } = new FineTuneSchedule().LearningRate;

    /// <summary>
    /// How quantized weights are fine-tuned: Ste (default) keeps training them through the straight-through estimator;
    /// Inq freezes each weight once quantized, as the paper's incremental scheme does.
    /// </summary>
    public FineTuneMode FineTune { get; init; } = FineTuneMode.Ste;

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

    /// <summary>
    /// A PyTorch state_dict (torch.save) or safetensors file whose tensors are the baseline (no baseline training); its
    /// keys and shapes must be the model's (torchvision's for resnet18, resnet50, mobilenet-v2). Null: none.
    /// </summary>
    public string? Weights { get; init; }

    /// <summary>Entropy coding of the .fqz file. Default ContextArithmetic; the paper's Huffman is always reported too.</summary>
    public CodingMode Coding { get; init; } = CodingMode.ContextArithmetic;

    /// <summary>
    /// Also train a dense model for as many epochs as the compressed one received in total (baseline + pruning +
    /// fine-tuning), so that the accuracy drop is measured against a fair baseline; default false.
    /// </summary>
    public bool EqualEpochBaseline { get; init; }

    /// <summary>Training images held out for validation, on which choices are made (null: 10 %).</summary>
    public Data.ValidationSplit? Validation { get; init; }

    /// <summary>The checkpoint store (baselines and pruned checkpoints, reused across runs); null uses ~/.cache/fq/checkpoints.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>
    /// Where every stage runs: "cpu" (default), "cuda" or "cuda:N" (see <see cref="Training.ComputeDevice"/>). CUDA needs
    /// fq built with a CUDA libtorch; <see cref="Validate"/> refuses it otherwise, before any work.
    /// </summary>
    public string Device { get; init; } = Training.ComputeDevice.Cpu;

    /// <summary>Throws ArgumentException naming the first option that is out of range.</summary>
    public void Validate()
    {
        if (Bits is < 3 or > 8) throw new ArgumentException($"--bits must be between 3 and 8, got {Bits}.");
        if (!(WSep >= 0) || double.IsInfinity(WSep)) throw new ArgumentException($"--w-sep must be a finite number >= 0, got {WSep}.");
        if (OverflowRate is { } rate && !(rate >= 0 && rate < 1)) throw new ArgumentException($"--overflow-rate must be in [0, 1), got {rate}.");
        if (!(TargetSparsity >= 0 && TargetSparsity < 0.9995)) throw new ArgumentException($"--sparsity must be in [0, 0.999], got {TargetSparsity}.");
        if (PruneAlpha is { } alpha && (double.IsNaN(alpha) || double.IsInfinity(alpha))) throw new ArgumentException("--prune-alpha must be a finite number.");
        if (BaselineEpochs < 0) throw new ArgumentException($"--baseline-epochs must be >= 0, got {BaselineEpochs}.");
        if (PruneEpochs < 0) throw new ArgumentException($"--prune-epochs must be >= 0, got {PruneEpochs}.");
        if (!(ScheduleScale > 0 && ScheduleScale <= 100)) throw new ArgumentException($"--schedule-scale must be in (0, 100], got {ScheduleScale}.");
        if (!(LearningRate > 0 && LearningRate < 10)) throw new ArgumentException($"--lr must be in (0, 10), got {LearningRate}.");
        if (!(FineTuneLearningRate > 0 && FineTuneLearningRate < 10)) throw new ArgumentException($"--fine-tune-lr must be in (0, 10), got {FineTuneLearningRate}.");
        if (!Enum.IsDefined(FineTune)) throw new ArgumentException($"--fine-tune must be one of {string.Join(", ", FineTuneModes.Names)}, got {FineTune}.");
        if (BatchSize is < 1 or > 65536) throw new ArgumentException($"--batch-size must be between 1 and 65536, got {BatchSize}.");
        if (TrainLimit is < 1) throw new ArgumentException($"--train-limit must be at least 1, got {TrainLimit}.");
        if (TestLimit is < 1) throw new ArgumentException($"--test-limit must be at least 1, got {TestLimit}.");
        Data.DataSource.Parse(Dataset).With(ImageSize, SkipBadImages ? true : null);
        Training.ComputeDevice.EnsureAvailable(Device);
        if (Models.ModelZoo.IsTorchScript(Model) && Models.ModelZoo.TorchScriptPath(Model) is var script && !File.Exists(script))
            throw new FileNotFoundException($"TorchScript module '{script}' does not exist.", script);
        if (BaselineCheckpoint is { } path && !File.Exists(path)) throw new FileNotFoundException($"Baseline checkpoint {path} does not exist.", path);
        if (Weights is { } weights)
        {
            if (BaselineCheckpoint is not null) throw new ArgumentException("Give either --weights or --baseline, not both.");
            if (!File.Exists(weights)) throw new FileNotFoundException($"Weights file {weights} does not exist.", weights);
        }
    }
}
