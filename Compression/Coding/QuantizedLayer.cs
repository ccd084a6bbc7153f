using FocusedQuantization.Compression.Quantization;

namespace FocusedQuantization.Compression.Coding;

/// <summary>
/// One quantized weight tensor: its symbols (each in 0 .. Parameters.SymbolCount - 1, row-major over
/// <paramref name="Shape"/>) and the parameters that turn them back into weights.
/// </summary>
public sealed record QuantizedLayer(string Name, int[] Shape, LayerQuantization Parameters, int[] Symbols)
{
    /// <summary>The weights the symbols stand for, through <see cref="LayerQuantization.Dequantize"/>.</summary>
    public float[] Dequantize() => Array.ConvertAll(Symbols, Parameters.Dequantize);
}
