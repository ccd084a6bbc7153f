namespace FocusedQuantization.Compression.Quantization;

/// <summary>One layer's flattened float weights and pruning mask (true = kept), as <see cref="LayerPlanner.PlanAll"/> takes them.</summary>
/// <param name="Weights">The layer's float weights, flattened.</param>
/// <param name="Mask">The pruning mask, one entry per weight.</param>
public sealed record LayerWeights(ReadOnlyMemory<float> Weights, ReadOnlyMemory<bool> Mask);
