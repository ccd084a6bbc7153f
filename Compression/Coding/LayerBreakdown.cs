namespace FocusedQuantization.Compression.Coding;

/// <summary>
/// Bytes one quantized layer takes in an .fqz file. <paramref name="ParameterBytes"/>: name, shape, mode, bits,
/// bias, mu-, mu+, sigma, alpha. <paramref name="TableBytes"/> and <paramref name="PayloadBytes"/> include their
/// length fields. <paramref name="PayloadBits"/>: the coded bits alone, before padding to a byte.
/// </summary>
public sealed record LayerBreakdown(string Name, long WeightCount, long ParameterBytes, long TableBytes, long PayloadBytes, long PayloadBits)
{
    /// <summary>All bytes of this layer in the file.</summary>
    public long TotalBytes => ParameterBytes + TableBytes + PayloadBytes;

    /// <summary>Payload bits per weight (0 for an empty layer).</summary>
    public double PayloadBitsPerWeight => WeightCount == 0 ? 0 : (double)PayloadBits / WeightCount;
}
