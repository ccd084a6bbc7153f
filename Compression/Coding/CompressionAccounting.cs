namespace FocusedQuantization.Compression.Coding;

/// <summary>
/// Compression ratio as this project defines it: dense float32 size of every weight and every float value over the
/// size of the .fqz file, which holds everything needed to decode (tables, per-layer parameters, float tensors,
/// header, checksum).
/// </summary>
public static class CompressionAccounting
{
    /// <summary>Writes <paramref name="model"/> in memory in <paramref name="mode"/> and reports its size and ratio.</summary>
    public static CodingMeasurement Measure(CompressedModel model, CodingMode mode)
    {
        var bytes = FqzFile.ToBytes(model, mode);
        return new CodingMeasurement(mode, model.DenseBytes, bytes.Length, FqzFile.Inspect(bytes));
    }

    /// <summary>The report for every coding mode, in the order of <see cref="CodingMode"/>.</summary>
    public static IReadOnlyList<CodingMeasurement> MeasureAllModes(CompressedModel model) =>
        Enum.GetValues<CodingMode>().Select(mode => Measure(model, mode)).ToList();
}
