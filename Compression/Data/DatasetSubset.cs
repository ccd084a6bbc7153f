namespace FocusedQuantization.Compression.Data;

/// <summary>A smaller part of a data set for quick runs: the first N images, or N images drawn without replacement under a seed.</summary>
/// <param name="Count">How many images to keep; a data set with fewer is kept whole.</param>
/// <param name="Seed">Null to keep the first <paramref name="Count"/>; otherwise the seed of a uniform sample kept in original order.</param>
public sealed record DatasetSubset(int Count, int? Seed = null)
{
    /// <summary>The first <paramref name="count"/> images.</summary>
    public static DatasetSubset First(int count) => new(count);

    /// <summary><paramref name="count"/> images sampled uniformly without replacement, the same ones for the same seed.</summary>
    public static DatasetSubset Sample(int count, int seed) => new(count, seed);

    /// <summary>Returns the subset of <paramref name="dataset"/> (a new dataset; the original is untouched).</summary>
    public ImageDataset Apply(ImageDataset dataset) => (ImageDataset)Apply((IImageSet)dataset);

    /// <summary>Returns the subset of any image set (a new set; the original is untouched), keeping its name.</summary>
    public IImageSet Apply(IImageSet dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (Count < 0) throw new ArgumentException($"A subset size must not be negative, got {Count}.");
        if (Count >= dataset.Count) return dataset;
        var indices = Seed is { } seed ? SampleIndices(dataset.Count, Count, seed) : Enumerable.Range(0, Count).ToArray();
        return dataset.Select(indices, null);
    }

    private static int[] SampleIndices(int total, int count, int seed)
    {
        // A partial Fisher-Yates shuffle: the first `count` slots end up a uniform sample; sorting keeps file order.
        var all = Enumerable.Range(0, total).ToArray();
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var j = random.Next(i, total);
            (all[i], all[j]) = (all[j], all[i]);
        }
        var chosen = all[..count];
        Array.Sort(chosen);
        return chosen;
    }
}
