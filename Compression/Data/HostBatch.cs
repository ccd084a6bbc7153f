namespace FocusedQuantization.Compression.Data;

/// <summary>
/// One batch made by an <see cref="IBatchSource"/>, in managed memory: <see cref="Count"/> images of
/// Channels x Height x Width floats (row-major, normalized), their labels and their positions in the set. Images that
/// were skipped as unreadable are left out, so a batch may hold fewer images than asked for (or none).
/// </summary>
public sealed record HostBatch(float[] Pixels, long[] Labels, int[] Positions)
{
    /// <summary>Images in the batch.</summary>
    public int Count => Labels.Length;
}
