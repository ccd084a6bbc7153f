using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Stages;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Stages;

/// <summary>On the real Fashion-MNIST test split (Debian's dataset-fashion-mnist).</summary>
public sealed class DatasetCacheTests
{
    [Fact]
    public void A_split_is_loaded_once_and_shared_by_every_caller()
    {
        var cache = new DatasetCache();
        var request = new DatasetRequest("fashion-mnist", DatasetSplit.Test, Limit: 50);

        var loads = Enumerable.Range(0, 4).AsParallel().Select(_ => cache.Get(request)).ToArray();

        Assert.All(loads, d => Assert.Same(loads[0], d));
        Assert.Equal(2, cache.Loads); // the whole split, then its first 50
        Assert.Same(loads[0], cache.Get(request with { AllowDownload = true }));
        Assert.Equal(2, cache.Loads);
    }

    [Fact]
    public void A_limit_keeps_the_first_images_of_the_split_in_order()
    {
        var cache = new DatasetCache();

        var whole = (ImageDataset)cache.Get(new DatasetRequest("fmnist", DatasetSplit.Test));
        var first = (ImageDataset)cache.Get(new DatasetRequest("fashion-mnist", DatasetSplit.Test, Limit: 20));

        Assert.Equal(10_000, whole.Count);
        Assert.Equal(whole.Labels[..20], first.Labels);
        Assert.Equal(whole.Pixels[..(20 * 784)], first.Pixels);
        Assert.Same(whole, cache.Get(new DatasetRequest("fashion-mnist", DatasetSplit.Test, Limit: 20_000)));
    }

    [Fact]
    public void An_unknown_data_set_is_refused_by_name_and_not_cached()
    {
        var cache = new DatasetCache();

        var error = Assert.Throws<ArgumentException>(() => cache.Get(new DatasetRequest("cifar-100", DatasetSplit.Test)));

        Assert.Contains("cifar-100", error.Message);
        Assert.Equal(0, cache.Loads);
    }
}
