using FocusedQuantization.Compression.Data;

namespace FocusedQuantization.Compression.Tests.Retraining;

/// <summary>A small learnable image set: the class is the brightest of ten horizontal bands, plus noise.</summary>
internal static class SyntheticImages
{
    public static ImageDataset Create(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new float[count * 28 * 28];
        var labels = new long[count];
        for (var n = 0; n < count; n++)
        {
            var label = random.Next(10);
            labels[n] = label;
            for (var y = 0; y < 28; y++)
            for (var x = 0; x < 28; x++)
            {
                var band = Math.Min(9, y * 10 / 28);
                pixels[n * 784 + y * 28 + x] = (band == label ? 0.8f : 0.1f) + 0.2f * (float)random.NextDouble();
            }
        }
        return new ImageDataset("synthetic", pixels, labels, 1, 28, 28, 10);
    }
}
