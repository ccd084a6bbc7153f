namespace FocusedQuantization.Grains.Interfaces;

/// <summary>What one finished trial measured: how small the model became and how accurate it stayed.</summary>
/// <param name="CompressionRatio">Size of the dense 32-bit model divided by the size of the compressed one.</param>
/// <param name="Top1">Top-1 accuracy on the evaluation set, in [0, 1].</param>
/// <param name="Top5">Top-5 accuracy on the evaluation set, in [0, 1].</param>
/// <param name="Sparsity">Fraction of weights that are zero in the compressed model, in [0, 1].</param>
/// <param name="CompressedBytes">Size of the compressed model, in bytes.</param>
[GenerateSerializer, Immutable, Alias("fq.TrialOutcome")]
public sealed record TrialOutcome(
    [property: Id(0)] double CompressionRatio,
    [property: Id(1)] double Top1,
    [property: Id(2)] double Top5,
    [property: Id(3)] double Sparsity,
    [property: Id(4)] long CompressedBytes);
