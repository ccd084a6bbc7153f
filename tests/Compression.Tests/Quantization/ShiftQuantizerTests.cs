using FocusedQuantization.Compression.Quantization;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Quantization;

public class ShiftQuantizerTests
{
    // k = 2, b = 2: magnitudes 1/4, 1/2, 1, 2.
    private static readonly ShiftQuantizer Quantizer = new(2, 2);

    [Theory]
    [InlineData(0f, 0f)]
    [InlineData(0.1f, 0f)]
    [InlineData(0.125f, 0f)]      // tie with zero goes to zero
    [InlineData(0.13f, 0.25f)]
    [InlineData(0.37f, 0.25f)]
    [InlineData(0.375f, 0.5f)]    // 1.5 * 1/4, the midpoint, rounds up
    [InlineData(-0.7f, -0.5f)]
    [InlineData(1.6f, 2f)]
    [InlineData(5f, 2f)]          // saturates at the top level
    [InlineData(-1000f, -2f)]
    public void Values_round_to_the_nearest_level_in_the_linear_domain_and_saturate(float x, float expected) =>
        Assert.Equal(expected, Quantizer.Quantize(x));

    [Fact]
    public void Level_range_follows_the_bias()
    {
        Assert.Equal(4, Quantizer.ExponentCount);
        Assert.Equal(0.25f, Quantizer.SmallestMagnitude);
        Assert.Equal(2f, Quantizer.LargestMagnitude);
    }
}
