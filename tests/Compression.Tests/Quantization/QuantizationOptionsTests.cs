using FocusedQuantization.Compression.Quantization;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Quantization;

public class QuantizationOptionsTests
{
    [Fact]
    public void Defaults_are_the_papers()
    {
        var options = new QuantizationOptions();
        Assert.Equal(5, options.Bits);
        Assert.Equal(2.0, options.SeparationThreshold);
        Assert.Null(options.OverflowRate);
        Assert.Equal(100, options.Mixture.MaxIterations);
        Assert.Equal(1e-6, options.Mixture.Tolerance);
    }

    [Fact]
    public void Bits_out_of_range_name_the_option_and_the_value()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new QuantizationOptions { Bits = 9 });
        Assert.Equal("Bits", error.ParamName);
        Assert.StartsWith("Bits must be between 3 and 8, got 9", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new QuantizationOptions { Bits = 2 });
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.01)]
    [InlineData(double.NaN)]
    public void Overflow_rates_outside_zero_to_one_are_rejected(double rate)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new QuantizationOptions { OverflowRate = rate });
        Assert.Equal("OverflowRate", error.ParamName);
    }

    [Fact]
    public void Negative_or_NaN_separation_thresholds_are_rejected()
    {
        Assert.Equal("SeparationThreshold",
            Assert.Throws<ArgumentOutOfRangeException>(() => new QuantizationOptions { SeparationThreshold = -1 }).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new QuantizationOptions { SeparationThreshold = double.NaN });
    }

    [Fact]
    public void Mixture_settings_are_validated()
    {
        Assert.Equal("MaxIterations",
            Assert.Throws<ArgumentOutOfRangeException>(() => new MixtureOptions { MaxIterations = 0 }).ParamName);
        Assert.Equal("Tolerance",
            Assert.Throws<ArgumentOutOfRangeException>(() => new MixtureOptions { Tolerance = -1 }).ParamName);
        Assert.Equal("VarianceFloorRatio",
            Assert.Throws<ArgumentOutOfRangeException>(() => new MixtureOptions { VarianceFloorRatio = 0 }).ParamName);
        Assert.Throws<ArgumentNullException>(() => new QuantizationOptions { Mixture = null! });
    }

    [Fact]
    public void With_expressions_are_validated_too() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new QuantizationOptions() with { Bits = 0 });
}
