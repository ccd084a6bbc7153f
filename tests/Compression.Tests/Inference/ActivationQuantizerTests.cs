using FocusedQuantization.Compression.Inference;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Inference;

public sealed class ActivationQuantizerTests
{
    [Theory]
    [InlineData(1.26f, 3)]   // 2.52 steps
    [InlineData(-0.74f, -1)] // -1.48 steps
    [InlineData(0.2f, 0)]    // 0.4 steps
    [InlineData(0.75f, 2)]   // 1.5 steps: tie to even
    [InlineData(1.25f, 2)]   // 2.5 steps: tie to even
    [InlineData(0f, 0)]
    public void Values_round_to_the_nearest_step(float value, int expected)
    {
        Assert.Equal(expected, new ActivationQuantizer(0.5f).Quantize(value));
    }

    [Theory]
    [InlineData(1000f, 127)]
    [InlineData(-1000f, -127)]
    [InlineData(float.PositiveInfinity, 127)]
    [InlineData(float.NegativeInfinity, -127)]
    public void Values_beyond_the_range_saturate_symmetrically(float value, int expected)
    {
        Assert.Equal(expected, new ActivationQuantizer(0.1f).Quantize(value));
    }

    [Fact]
    public void Range_from_data_maps_the_largest_magnitude_to_the_top_code()
    {
        float[] values = [0.3f, -2.54f, 1.0f, 2.0f];

        var quantizer = ActivationQuantizer.ForData(values);

        Assert.Equal(2.54f / 127, quantizer.Scale);
        Assert.Equal([15, -127, 50, 100], quantizer.Quantize(values).Select(c => (int)c));
    }

    [Fact]
    public void Round_trip_error_is_at_most_half_a_step_inside_the_range()
    {
        var rng = new Random(5);
        var values = Enumerable.Range(0, 500).Select(_ => (float)(rng.NextDouble() * 6 - 3)).ToArray();
        var quantizer = ActivationQuantizer.ForData(values);

        var restored = quantizer.Dequantize(quantizer.Quantize(values));

        for (var i = 0; i < values.Length; i++)
            Assert.True(Math.Abs(restored[i] - values[i]) <= quantizer.Scale / 2 * 1.0001,
                $"{values[i]} came back as {restored[i]} with step {quantizer.Scale}");
    }

    [Fact]
    public void All_zero_data_gets_a_usable_scale_and_stays_zero()
    {
        var quantizer = ActivationQuantizer.ForData([0f, 0f]);

        Assert.Equal(1f, quantizer.Scale);
        Assert.Equal([0, 0], quantizer.Quantize([0f, -0f]).Select(c => (int)c));
    }

    [Fact]
    public void Dequantizing_multiplies_the_code_by_the_scale()
    {
        Assert.Equal(-12.5f, new ActivationQuantizer(0.25f).Dequantize(-50));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Scale_that_is_not_positive_and_finite_is_rejected(float scale)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ActivationQuantizer(scale));
    }

    [Fact]
    public void NaN_activations_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new ActivationQuantizer(1f).Quantize(float.NaN));
        Assert.Throws<ArgumentException>(() => ActivationQuantizer.ForData([1f, float.NaN]));
    }
}
