using FocusedQuantization.Compression.Inference;
using FocusedQuantization.Compression.Quantization;
using Xunit;
using static FocusedQuantization.Compression.Tests.Inference.RandomShiftLayers;

namespace FocusedQuantization.Compression.Tests.Inference;

public sealed class ShiftConv2dTests
{
    public static TheoryData<QuantizationMode, int> ModesAndBits() => ShiftLinearTests.ModesAndBits();

    [Theory]
    [MemberData(nameof(ModesAndBits))]
    public void Shift_only_output_equals_float_convolution_on_the_dequantized_weights_and_inputs(QuantizationMode mode, int bits)
    {
        AssertMatchesReference(seed: 100 * bits + (int)mode, mode, bits, batch: 2, inC: 3, height: 7, width: 6,
            outC: 4, kH: 3, kW: 3, stride: 1, padding: 1);
    }

    [Theory]
    [InlineData(2, 0, 3, 3)]
    [InlineData(2, 1, 3, 3)]
    [InlineData(3, 2, 2, 2)]
    [InlineData(1, 0, 1, 1)]
    [InlineData(2, 1, 2, 3)]
    [InlineData(1, 3, 5, 5)]
    public void Strided_and_padded_convolutions_equal_the_float_reference(int stride, int padding, int kH, int kW)
    {
        foreach (var mode in new[] { QuantizationMode.Shift, QuantizationMode.Recentralized })
            AssertMatchesReference(seed: 31 * stride + 7 * padding + kH, mode, bits: 6, batch: 2, inC: 2, height: 9,
                width: 8, outC: 3, kH, kW, stride, padding);
    }

    [Fact]
    public void Convolution_matches_a_hand_computed_example()
    {
        // 4-bit shift, b = 0: symbol 1 = +1, symbol 2 = +2, symbol 5 = -1. Kernel [[2, 0], [0, -1]], stride 1,
        // padding 1 on a 2 x 2 input [[1, 2], [3, 4]]: out[y, x] = 2 in[y-1, x-1] - in[y, x].
        var q = new LayerQuantization(QuantizationMode.Shift, 4, 0, 0f, 0f, 1f, 1f);
        var layer = ShiftConv2d.FromSymbols(q, [2, 0, 0, 5], 1, 1, 2, 2, stride: 1, padding: 1);

        var y = layer.Forward([1, 2, 3, 4], 1, 2, 2, 1f);

        Assert.Equal(
            [
                -1f, -2f, 0f,
                -3f, 2 - 4f, 4f,
                0f, 6f, 8f,
            ],
            y);
    }

    [Fact]
    public void Output_size_follows_the_convolution_arithmetic()
    {
        var q = new LayerQuantization(QuantizationMode.Shift, 3, 0, 0f, 0f, 1f, 1f);
        var layer = ShiftConv2d.FromSymbols(q, new int[2 * 3 * 3 * 5], 2, 3, 3, 5, stride: 2, padding: 1);

        Assert.Equal((14, 13), layer.OutputSize(28, 28)); // (28 + 2 - 3) / 2 + 1, (28 + 2 - 5) / 2 + 1
    }

    [Fact]
    public void Input_smaller_than_the_kernel_is_rejected()
    {
        var q = new LayerQuantization(QuantizationMode.Shift, 3, 0, 0f, 0f, 1f, 1f);
        var layer = ShiftConv2d.FromSymbols(q, new int[25], 1, 1, 5, 5);

        Assert.Throws<ArgumentException>(() => layer.Forward(new sbyte[9], 1, 3, 3, 1f));
    }

    [Fact]
    public void Input_whose_length_does_not_match_its_shape_is_rejected()
    {
        var q = new LayerQuantization(QuantizationMode.Shift, 3, 0, 0f, 0f, 1f, 1f);
        var layer = ShiftConv2d.FromSymbols(q, new int[2 * 9], 1, 2, 3, 3);

        var error = Assert.Throws<ArgumentException>(() => layer.Forward(new sbyte[17], 1, 3, 3, 1f));
        Assert.Contains("needs 18", error.Message);
    }

    [Fact]
    public void Recentralized_mean_that_is_not_a_power_of_two_is_rejected()
    {
        var q = new LayerQuantization(QuantizationMode.Recentralized, 5, 3, -0.25f, 0.3f, 0.1f, 1f);

        Assert.Throws<ArgumentException>(() => ShiftConv2d.FromSymbols(q, new int[9], 1, 1, 3, 3));
    }

    private static void AssertMatchesReference(
        int seed, QuantizationMode mode, int bits, int batch, int inC, int height, int width,
        int outC, int kH, int kW, int stride, int padding)
    {
        var rng = new Random(seed);
        var q = RandomQuantization(rng, mode, bits);
        var symbols = Symbols(rng, q, outC * inC * kH * kW);
        var bias = Bias(rng, outC);
        var codes = Inputs(rng, batch * inC * height * width);
        var activations = new ActivationQuantizer(0.011f);

        var layer = ShiftConv2d.FromSymbols(q, symbols, outC, inC, kH, kW, stride, padding, bias);
        var actual = layer.Forward(codes, batch, height, width, activations.Scale);

        var (expected, magnitude) = Conv2d(Dequantize(q, symbols), activations.Dequantize(codes), batch, inC, height,
            width, outC, kH, kW, stride, padding, bias);
        AssertClose(expected, magnitude, actual);
    }
}
