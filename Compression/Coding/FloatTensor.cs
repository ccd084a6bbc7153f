namespace FocusedQuantization.Compression.Coding;

/// <summary>A tensor kept in float32 (biases, batch-norm scale, shift, running mean and variance), row-major over <paramref name="Shape"/>.</summary>
public sealed record FloatTensor(string Name, int[] Shape, float[] Values);
