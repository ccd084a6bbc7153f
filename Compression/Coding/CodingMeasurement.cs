namespace FocusedQuantization.Compression.Coding;

/// <summary>
/// The compression ratio of a model in one coding mode: <paramref name="DenseBytes"/> (4 bytes per weight and per
/// float value) over <paramref name="CompressedBytes"/> (the .fqz file's real length), with the file's breakdown.
/// </summary>
public sealed record CodingMeasurement(CodingMode Mode, long DenseBytes, long CompressedBytes, FqzBreakdown Breakdown)
{
    /// <summary>DenseBytes / CompressedBytes.</summary>
    public double CompressionRatio => (double)DenseBytes / CompressedBytes;

    /// <summary>Bits of the file per quantized weight and float value (the dense form spends 32).</summary>
    public double BitsPerParameter => 32.0 * CompressedBytes / DenseBytes;
}
