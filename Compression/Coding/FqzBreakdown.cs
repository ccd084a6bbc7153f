namespace FocusedQuantization.Compression.Coding;

/// <summary>
/// Where the bytes of an .fqz file go. <paramref name="HeaderBytes"/>: magic, version, coding mode, model name,
/// metadata, counts and checksum. The parts add up to <paramref name="TotalBytes"/>, the file's length.
/// </summary>
public sealed record FqzBreakdown(
    CodingMode Mode,
    long HeaderBytes,
    IReadOnlyList<LayerBreakdown> Layers,
    IReadOnlyList<FloatTensorBreakdown> FloatTensors,
    long TotalBytes)
{
    /// <summary>Bytes of all coded payloads, with their length fields.</summary>
    public long PayloadBytes => Layers.Sum(l => l.PayloadBytes);

    /// <summary>Bytes of all code tables, with their length fields.</summary>
    public long TableBytes => Layers.Sum(l => l.TableBytes);

    /// <summary>Bytes of all per-layer names, shapes and quantization parameters.</summary>
    public long ParameterBytes => Layers.Sum(l => l.ParameterBytes);

    /// <summary>Bytes of all float tensors.</summary>
    public long FloatTensorBytes => FloatTensors.Sum(t => t.Bytes);
}
