namespace FocusedQuantization.Compression.Data;

/// <summary>
/// Labelled images held in memory: pixels as N x Channels x Height x Width floats in [0, 1] (row-major), labels 0..Classes-1.
/// </summary>
public sealed record ImageDataset(string Name, float[] Pixels, long[] Labels, int Channels, int Height, int Width, int Classes)
{
    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Floats per image.</summary>
    public int ImageSize => Channels * Height * Width;
}
