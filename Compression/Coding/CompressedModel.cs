namespace FocusedQuantization.Compression.Coding;

/// <summary>Everything a compressed model file holds: quantized layers, tensors left in float, and free-form metadata.</summary>
public sealed record CompressedModel(
    string ModelName,
    IReadOnlyList<QuantizedLayer> Layers,
    IReadOnlyList<FloatTensor> FloatTensors,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>Number of quantized weights over all layers.</summary>
    public long WeightCount => Layers.Sum(l => (long)l.Symbols.Length);

    /// <summary>Number of float values over all float tensors.</summary>
    public long FloatValueCount => FloatTensors.Sum(t => (long)t.Values.Length);

    /// <summary>Size of the same parameters stored densely as float32: 4 bytes per weight and per float value.</summary>
    public long DenseBytes => 4 * (WeightCount + FloatValueCount);
}
