namespace FocusedQuantization.Compression.Data;

/// <summary>
/// Labelled images held in memory: pixels as N x Channels x Height x Width floats in [0, 1] (row-major), labels 0..Classes-1.
/// </summary>
public sealed record ImageDataset(string Name, float[] Pixels, long[] Labels, int Channels, int Height, int Width, int Classes) : IImageSet
{
    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Floats per image.</summary>
    public int ImageSize => Channels * Height * Width;

    /// <inheritdoc />
    public long LabelAt(int index) => Labels[index];

    /// <inheritdoc />
    IImageSet IImageSet.Select(IReadOnlyList<int> indices, string? part) => Select(indices, part);

    /// <summary>The images at <paramref name="indices"/>, copied, as a new data set (see <see cref="IImageSet.Select"/>).</summary>
    public ImageDataset Select(IReadOnlyList<int> indices, string? part)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var size = ImageSize;
        var pixels = new float[(long)indices.Count * size];
        var labels = new long[indices.Count];
        for (var i = 0; i < indices.Count; i++)
        {
            Array.Copy(Pixels, (long)indices[i] * size, pixels, (long)i * size, size);
            labels[i] = Labels[indices[i]];
        }
        return this with { Name = part is null ? Name : $"{Name} ({part})", Pixels = pixels, Labels = labels };
    }
}
