using CsCheck;
using FocusedQuantization.Compression.Quantization;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Quantization;

public class ShiftBiasTests
{
    [Fact]
    public void Default_overflow_rate_is_one_over_two_to_the_width_plus_one()
    {
        Assert.Equal(1.0 / 33, ShiftBias.DefaultOverflowRate(3)); // 5-bit shift quantizer
        Assert.Equal(1.0 / 129, ShiftBias.DefaultOverflowRate(5)); // 7-bit
    }

    [Fact]
    public void The_allowed_overflowing_values_saturate_and_the_rest_fit_under_the_top_level()
    {
        float[] values = [0.1f, 0.2f, 0.3f, 0.9f, 3f, 0f, 0f];
        // Five nonzero values at rate 1/5: one may overflow, so the top level only has to cover 0.9 -> 1 = 2^(1 - b).
        Assert.Equal(1, ShiftBias.Choose(values, exponentBits: 1, overflowRate: 0.2));
        // No overflow allowed: the top level must cover 3 -> 4 = 2^(1 - b).
        Assert.Equal(-1, ShiftBias.Choose(values, exponentBits: 1, overflowRate: 0));
    }

    [Fact]
    public void A_value_exactly_on_the_top_level_does_not_overflow()
    {
        float[] values = [0.5f, 0.25f];
        var quantizer = ShiftBias.Fit(values, exponentBits: 2, overflowRate: 0);
        Assert.Equal(0.5f, quantizer.LargestMagnitude);
    }

    [Fact]
    public void All_zero_input_puts_the_top_level_at_one()
    {
        var quantizer = ShiftBias.Fit(new float[10], exponentBits: 3);
        Assert.Equal(1f, quantizer.LargestMagnitude);
        Assert.Equal(7, quantizer.Bias);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void Overflow_rates_outside_zero_to_one_are_rejected(double rate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ShiftBias.Choose([1f], 3, rate));

    [Fact]
    public void Non_finite_values_are_rejected() =>
        Assert.Throws<ArgumentException>(() => ShiftBias.Choose([1f, float.NaN], 3));

    [Fact]
    public void Bias_matches_a_brute_force_search_over_all_biases()
    {
        // Magnitudes spread over many octaves, with exact powers of two to hit the |x| == top level boundary.
        var value = Gen.Select(Gen.Float[-1f, 1f], Gen.Int[-20, 20], Gen.Int[0, 3],
            (m, e, kind) => kind switch
            {
                0 => 0f,
                1 => MathF.CopySign(MathF.ScaleB(1f, e), m),
                _ => MathF.ScaleB(m, e),
            });
        Gen.Select(Gen.Int[0, 6], value.Array[0, 80], Gen.Double[0, 0.6], (k, v, r) => (k, v, r))
            .Sample((k, values, rate) => Assert.Equal(BruteForce(values, k, rate), ShiftBias.Choose(values, k, rate)),
                iter: 300);
    }

    private static int BruteForce(float[] values, int exponentBits, double rate)
    {
        var nonzero = values.Count(v => v != 0);
        if (nonzero == 0) return (1 << exponentBits) - 1;
        var top = (1 << exponentBits) - 1;
        // Overflow only shrinks as the bias falls (the top level rises), so the first bias that fits is the largest.
        // From a top level of 2^-149, the smallest subnormal float: the generator can make values that small (seed
        // 6uG4UUjqZP34 drew -2.76E-43, which fits under 2^-141, past the 2^-140 this search once started from).
        for (var bias = top + 149; bias >= top - 120; bias--)
        {
            var largest = new ShiftQuantizer(exponentBits, bias).LargestMagnitude;
            var overflowing = values.Count(v => v != 0 && MathF.Abs(v) > largest);
            if (overflowing <= rate * nonzero + 1e-9) return bias;
        }
        throw new InvalidOperationException("no bias fits");
    }
}
