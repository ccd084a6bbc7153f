using FocusedQuantization.Compression.Training;

namespace FocusedQuantization.Compression.Pipeline;

/// <summary>What one compression run produced: sizes, accuracies at each stage, and the per-layer detail.</summary>
public sealed record CompressionReport
{
    public required string Model { get; init; }
    public required string Dataset { get; init; }
    public required int Bits { get; init; }
    public required string Coding { get; init; }

    /// <summary>4 bytes for every parameter the .fqz file restores (weights, biases, batch norm).</summary>
    public required long DenseBytes { get; init; }

    /// <summary>The .fqz file's real size in bytes, in the chosen coding mode.</summary>
    public required long CompressedBytes { get; init; }
    public required double CompressionRatio { get; init; }

    /// <summary>The same model coded the paper's way (per-symbol Huffman), for comparison.</summary>
    public required long PaperCodingBytes { get; init; }
    public required double PaperCodingCompressionRatio { get; init; }

    /// <summary>Fraction of quantizable weights that are zero.</summary>
    public required double Sparsity { get; init; }
    public required double Top1Dense { get; init; }
    public required double Top5Dense { get; init; }
    public required double Top1Pruned { get; init; }
    public required double Top5Pruned { get; init; }
    public required double Top1Compressed { get; init; }
    public required double Top5Compressed { get; init; }

    /// <summary>
    /// Accuracies on the validation images held out of the training data: the figures every choice is made on (the
    /// test figures above are only reported). Null in reports written before validation splits existed.
    /// </summary>
    public ValidationFigures? Validation { get; init; }

    /// <summary>Epochs the dense baseline was trained for (the "dense" row).</summary>
    public int DenseEpochs { get; init; }

    /// <summary>Epochs the compressed model received in total: baseline + pruning + fine-tuning.</summary>
    public int TotalEpochs { get; init; }

    /// <summary>A dense model trained for <see cref="TotalEpochs"/> epochs, when asked for: the fair reference of the accuracy drop.</summary>
    public EqualEpochDense? EqualEpochDense { get; init; }
    public required IReadOnlyList<LayerReport> Layers { get; init; }

    /// <summary>Wall-clock seconds of each stage, by stage name.</summary>
    public required IReadOnlyDictionary<string, double> StageSeconds { get; init; }

    /// <summary>Loss and accuracy of each fine-tuning epoch, in order (empty when the report did not fine-tune).</summary>
    public IReadOnlyList<EpochSummary> FineTuneEpochs { get; init; } = [];

    /// <summary>
    /// Divergences that were recovered from (the epoch rolled back and retried at half its learning rate), in the
    /// order they happened: the baseline's and the pruning's (from their checkpoints) and then the fine-tuning's.
    /// </summary>
    public IReadOnlyList<TrainingRecovery> Recoveries { get; init; } = [];

    /// <summary>Rung evaluations made during fine-tuning (see <see cref="RungEvaluation"/>), in epoch order; empty when none were asked for.</summary>
    public IReadOnlyList<RungEvaluation> Rungs { get; init; } = [];

    /// <summary>
    /// The .fqz size estimated before fine-tuning, from the first plans (every weight quantized by them, coded in the
    /// chosen mode); null in reports that did not estimate it.
    /// </summary>
    public long? EstimatedCompressedBytes { get; init; }

    /// <summary>Unreadable images skipped (image folders with skipping asked for; always 0 otherwise).</summary>
    public int SkippedImages { get; init; }
    public required CompressionOptions Options { get; init; }
}

/// <summary>Top-1 and top-5 (percent) of the dense, pruned and compressed models on the validation images.</summary>
/// <param name="Split">The validation split, e.g. "10 %".</param>
/// <param name="Images">How many validation images.</param>
/// <param name="Top1Dense">Top-1 of the dense baseline.</param>
/// <param name="Top5Dense">Top-5 of the dense baseline.</param>
/// <param name="Top1Pruned">Top-1 of the pruned model.</param>
/// <param name="Top5Pruned">Top-5 of the pruned model.</param>
/// <param name="Top1Compressed">Top-1 of the model decoded from the .fqz file.</param>
/// <param name="Top5Compressed">Top-5 of the model decoded from the .fqz file.</param>
public sealed record ValidationFigures(
    string Split, int Images, double Top1Dense, double Top5Dense, double Top1Pruned, double Top5Pruned, double Top1Compressed, double Top5Compressed);

/// <summary>A dense model trained as long as the compressed one was in total, evaluated like it.</summary>
/// <param name="Epochs">Its training epochs.</param>
/// <param name="Top1">Top-1 (percent) on the test images.</param>
/// <param name="Top5">Top-5 (percent) on the test images.</param>
/// <param name="ValidationTop1">Top-1 (percent) on the validation images.</param>
public sealed record EqualEpochDense(int Epochs, double Top1, double Top5, double ValidationTop1);
