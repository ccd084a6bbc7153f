namespace FocusedQuantization.Compression.Data;

/// <summary>An unsigned-byte IDX array: its dimensions (outermost first) and its elements in row-major order.</summary>
/// <param name="Dimensions">Sizes of the dimensions, e.g. [60000, 28, 28] for an image file, [60000] for labels.</param>
/// <param name="Data">The elements, exactly the product of <paramref name="Dimensions"/> bytes.</param>
public sealed record IdxArray(int[] Dimensions, ReadOnlyMemory<byte> Data)
{
    /// <summary>Size of the outermost dimension (the number of items).</summary>
    public int Count => Dimensions[0];
}
