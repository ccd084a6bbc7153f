using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Stages;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Data;

public sealed class ValidationSplitTests
{
    private static ImageDataset Numbered(int count)
    {
        // Image i holds the value i in its one pixel, so every image can be traced after the split.
        return new ImageDataset("numbered", Enumerable.Range(0, count).Select(i => (float)i).ToArray(),
            Enumerable.Range(0, count).Select(i => (long)(i % 10)).ToArray(), 1, 1, 1, 10);
    }

    [Theory]
    [InlineData("10%", 0.1)]
    [InlineData("0.25", 0.25)]
    [InlineData(" 5000 ", 5000)]
    [InlineData("12.5 %", 0.125)]
    public void Parses_fractions_percentages_and_counts(string text, double value) =>
        Assert.Equal(value, ValidationSplit.Parse(text).Value, 12);

    [Theory]
    [InlineData("0")]
    [InlineData("-0.1")]
    [InlineData("1.5")]
    [InlineData("100%")]
    [InlineData("ten")]
    [InlineData("NaN")]
    public void Refuses_what_is_neither_a_fraction_nor_a_count(string text) =>
        Assert.Throws<ArgumentException>(() => ValidationSplit.Parse(text));

    [Fact]
    public void A_fraction_holds_out_that_share_and_a_count_that_many_but_never_every_image()
    {
        Assert.Equal(600, ValidationSplit.Default.SizeOf(6000));
        Assert.Equal(1, ValidationSplit.Parse("0.01").SizeOf(20));
        Assert.Equal(19, ValidationSplit.Parse("0.99").SizeOf(20));
        Assert.Equal(500, ValidationSplit.Parse("500").SizeOf(6000));
        Assert.Throws<ArgumentException>(() => ValidationSplit.Parse("6000").SizeOf(6000));
    }

    [Fact]
    public void The_carve_is_a_disjoint_cover_of_the_training_images_the_same_every_time()
    {
        var training = Numbered(1000);
        var (fit, validation) = ValidationSplit.Default.Carve(training);
        var (fitAgain, validationAgain) = ValidationSplit.Default.Carve(training);

        Assert.Equal(100, validation.Count);
        Assert.Equal(900, fit.Count);
        Assert.Empty(fit.Pixels.Intersect(validation.Pixels));
        Assert.Equal(training.Pixels.Order(), fit.Pixels.Concat(validation.Pixels).Order());
        Assert.Equal(validation.Pixels, validationAgain.Pixels);
        Assert.Equal(fit.Pixels, fitAgain.Pixels);
        // Labels travel with their images, and both parts keep file order.
        Assert.All(Enumerable.Range(0, validation.Count), i => Assert.Equal((long)validation.Pixels[i] % 10, validation.Labels[i]));
        Assert.Equal(validation.Pixels.Order(), validation.Pixels);
        // A uniform sample, not the first or last images.
        Assert.InRange(validation.Pixels.Average(), 350, 650);
    }

    [Fact]
    public void The_cache_hands_out_the_two_parts_of_one_carve_of_the_limited_training_images()
    {
        var cache = new DatasetCache();
        var split = ValidationSplit.Parse("0.2");
        DatasetRequest Request(DatasetSplit part) => new("fashion-mnist", part, 500, null, false, split);

        var fit = (ImageDataset)cache.Get(Request(DatasetSplit.Train));
        var held = (ImageDataset)cache.Get(Request(DatasetSplit.Validation));
        var whole = (ImageDataset)cache.Get(new DatasetRequest("fashion-mnist", DatasetSplit.Train, 500));

        Assert.Equal(400, fit.Count);
        Assert.Equal(100, held.Count);
        var (expectedFit, expectedHeld) = split.Carve(whole);
        Assert.Equal(expectedFit.Pixels, fit.Pixels);
        Assert.Equal(expectedHeld.Labels, held.Labels);
        Assert.Same(held, cache.Get(Request(DatasetSplit.Validation)));
        Assert.Throws<ArgumentException>(() => cache.Get(new DatasetRequest("fashion-mnist", DatasetSplit.Validation, 500)));
    }
}
