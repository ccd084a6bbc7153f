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
    public required CompressionOptions Options { get; init; }
}
