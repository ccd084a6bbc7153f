using FocusedQuantization.Compression.Pruning;
using FocusedQuantization.Compression.Tests.Quantization;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Pruning;

public class DnsThresholdTests
{
    [Fact]
    public void Threshold_is_the_mean_magnitude_plus_alpha_deviations()
    {
        float[] weights = [1f, -2f, 3f, -4f];
        // |w| mean 2.5, population variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25
        Assert.Equal((float)(2.5 + 0.5 * Math.Sqrt(1.25)), DnsThreshold.Compute(weights, 0.5));
        Assert.Equal(2.5f, DnsThreshold.Compute(weights, 0));
        Assert.Equal((float)(2.5 - Math.Sqrt(1.25)), DnsThreshold.Compute(weights, -1));
    }

    [Fact]
    public void Statistics_of_a_long_layer_match_a_plain_double_computation()
    {
        var weights = Samples.Gaussian(10_007, 0.01, 0.05, seed: 21); // not a multiple of the SIMD width
        var magnitudes = weights.Select(w => Math.Abs((double)w)).ToArray();
        var mean = magnitudes.Average();
        var deviation = Math.Sqrt(magnitudes.Average(m => (m - mean) * (m - mean)));

        var (actualMean, actualDeviation) = DnsThreshold.MagnitudeStatistics(weights);

        Assert.Equal(mean, actualMean, mean * 1e-9);
        Assert.Equal(deviation, actualDeviation, deviation * 1e-9);
    }

    [Fact]
    public void Empty_or_non_finite_weights_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => DnsThreshold.Compute([], 1));
        Assert.Throws<ArgumentException>(() => DnsThreshold.Compute([1f, float.NaN], 1));
    }
}
