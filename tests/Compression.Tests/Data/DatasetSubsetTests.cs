using FocusedQuantization.Compression.Data;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Data;

public sealed class DatasetSubsetTests
{
    // Image i has both of its pixels equal to i, and label i mod 3, so every kept image can be traced back.
    private static ImageDataset Numbered(int count) => new(
        "numbered",
        [.. Enumerable.Range(0, count).SelectMany(i => new float[] { i, i })],
        [.. Enumerable.Range(0, count).Select(i => (long)(i % 3))],
        1, 1, 2, 3);

    [Fact]
    public void First_keeps_the_leading_images_with_their_labels()
    {
        var subset = DatasetSubset.First(3).Apply(Numbered(10));
        Assert.Equal([0f, 0f, 1f, 1f, 2f, 2f], subset.Pixels);
        Assert.Equal([0L, 1L, 2L], subset.Labels);
        Assert.Equal("numbered", subset.Name);
    }

    [Fact]
    public void A_sample_is_reproducible_in_file_order_and_keeps_pixels_with_their_labels()
    {
        var data = Numbered(100);
        var a = DatasetSubset.Sample(10, 5).Apply(data);
        var b = DatasetSubset.Sample(10, 5).Apply(data);
        var c = DatasetSubset.Sample(10, 6).Apply(data);
        Assert.Equal(a.Pixels, b.Pixels);
        Assert.NotEqual(a.Pixels, c.Pixels);
        var picked = Enumerable.Range(0, 10).Select(i => (int)a.Pixels[2 * i]).ToArray();
        Assert.Equal(picked.Order(), picked);
        Assert.Equal(10, picked.Distinct().Count());
        Assert.Equal(picked.Select(i => (long)(i % 3)), a.Labels);
    }

    [Fact]
    public void A_subset_at_least_as_large_as_the_data_keeps_it_whole()
    {
        var data = Numbered(4);
        Assert.Same(data, DatasetSubset.First(4).Apply(data));
        Assert.Same(data, DatasetSubset.Sample(9, 1).Apply(data));
    }

    [Fact]
    public void Rejects_a_negative_size()
    {
        Assert.Throws<ArgumentException>(() => DatasetSubset.First(-1).Apply(Numbered(2)));
    }
}
