using FocusedQuantization.Compression.Inference;
using FocusedQuantization.Compression.Quantization;
using Xunit;
using static FocusedQuantization.Compression.Tests.Inference.RandomShiftLayers;

namespace FocusedQuantization.Compression.Tests.Inference;

public sealed class ShiftLinearTests
{
    public static TheoryData<QuantizationMode, int> ModesAndBits()
    {
        var data = new TheoryData<QuantizationMode, int>();
        foreach (var mode in new[] { QuantizationMode.Shift, QuantizationMode.Recentralized })
            for (var bits = LayerQuantization.MinBits; bits <= LayerQuantization.MaxBits; bits++)
                data.Add(mode, bits);
        return data;
    }

    [Theory]
    [MemberData(nameof(ModesAndBits))]
    public void Shift_only_output_equals_float_layer_on_the_dequantized_weights_and_inputs(QuantizationMode mode, int bits)
    {
        var rng = new Random(1000 * bits + (int)mode);
        const int batch = 3, outFeatures = 17, inFeatures = 45;
        var q = RandomQuantization(rng, mode, bits);
        var symbols = Symbols(rng, q, outFeatures * inFeatures);
        var bias = Bias(rng, outFeatures);
        var codes = Inputs(rng, batch * inFeatures);
        var activations = new ActivationQuantizer(0.037f);

        var layer = ShiftLinear.FromSymbols(q, symbols, outFeatures, inFeatures, bias);
        var actual = layer.Forward(codes, activations.Scale);

        var (expected, magnitude) = Linear(Dequantize(q, symbols), activations.Dequantize(codes), batch, outFeatures, inFeatures, bias);
        AssertClose(expected, magnitude, actual);
    }

    [Fact]
    public void Shift_mode_output_matches_a_hand_computed_dot_product()
    {
        // 4-bit shift, b = 2: symbol 4 = +2^(3-2) = 2, symbol 5 = -2^(0-2) = -0.25.
        var q = new LayerQuantization(QuantizationMode.Shift, 4, 2, 0f, 0f, 1f, 1f);
        var layer = ShiftLinear.FromSymbols(q, [4, 5, 0], 1, 3);

        var y = layer.Forward([3, -4, 7], 0.5f);

        Assert.Equal(0.5f * (3 * 2f + -4 * -0.25f), y[0]);
    }

    [Fact]
    public void Recentralized_output_matches_a_hand_computed_dot_product()
    {
        // 5-bit recentralized, E = 4, b = 1: symbol 1 = mu- = -0.5; symbol 14 = mu+ + 2^(3-1) sigma = 0.65;
        // symbol 15 = mu+ - 2^(0-1) sigma = 0.2; all times alpha = 2.
        var q = new LayerQuantization(QuantizationMode.Recentralized, 5, 1, -0.5f, 0.25f, 0.1f, 2f);
        var layer = ShiftLinear.FromSymbols(q, [1, 14, 15], 1, 3, [0.5f]);

        var y = layer.Forward([1, 2, 3], 1f);

        Assert.Equal(2 * (-0.5 * 1 + 0.65 * 2 + 0.2 * 3) + 0.5, y[0], 1e-5);
    }

    [Fact]
    public void Eight_bit_shift_layer_spanning_all_64_exponents_does_not_overflow_its_accumulator()
    {
        // One weight at the smallest exponent and the rest at the largest: a single long accumulator in units of
        // the smallest level would need 7 + 63 + 12 bits here.
        const int inFeatures = 4096;
        var q = new LayerQuantization(QuantizationMode.Shift, 8, 70, 0f, 0f, 1f, 1f);
        var symbols = new int[inFeatures];
        symbols[0] = 1; // +2^(0 - 70)
        for (var i = 1; i < inFeatures; i++) symbols[i] = 64; // +2^(63 - 70)
        var codes = new sbyte[inFeatures];
        codes[0] = 1;
        for (var i = 1; i < inFeatures; i++) codes[i] = sbyte.MinValue;

        var y = ShiftLinear.FromSymbols(q, symbols, 1, inFeatures).Forward(codes, 1f);

        var expected = -128.0 * (inFeatures - 1) / 128 + Math.ScaleB(1, -70);
        Assert.Equal(expected, y[0], 1e-9);
    }

    [Fact]
    public void Layer_with_every_weight_pruned_outputs_its_bias()
    {
        var q = new LayerQuantization(QuantizationMode.Shift, 5, 4, 0f, 0f, 1f, 1.5f);
        var layer = ShiftLinear.FromSymbols(q, new int[2 * 4], 2, 4, [0.25f, -3f]);

        Assert.Equal(0, layer.NonzeroCount);
        Assert.Equal([0.25f, -3f, 0.25f, -3f], layer.Forward(new sbyte[] { 5, -6, 7, 8, 1, 2, 3, 4 }, 0.1f));
    }

    [Fact]
    public void Only_unpruned_weights_are_stored()
    {
        var rng = new Random(7);
        var q = RandomQuantization(rng, QuantizationMode.Recentralized, 6);
        var symbols = Symbols(rng, q, 30 * 20, sparsity: 0.9);

        var layer = ShiftLinear.FromSymbols(q, symbols, 30, 20);

        Assert.Equal(symbols.Count(s => s != 0), layer.NonzeroCount);
    }

    [Fact]
    public void Zero_component_mean_is_accepted()
    {
        var rng = new Random(11);
        var q = RandomQuantization(rng, QuantizationMode.Recentralized, 5) with { MuNegative = 0f };
        var symbols = Symbols(rng, q, 8 * 9);
        var codes = Inputs(rng, 9);

        var actual = ShiftLinear.FromSymbols(q, symbols, 8, 9).Forward(codes, 0.02f);

        var (expected, magnitude) = Linear(Dequantize(q, symbols), new ActivationQuantizer(0.02f).Dequantize(codes), 1, 8, 9, null);
        AssertClose(expected, magnitude, actual);
    }

    [Theory]
    [InlineData(0.3f, 0.25f)]
    [InlineData(-0.5f, 0.75f)]
    [InlineData(float.NaN, 0.25f)]
    public void Recentralized_mean_that_is_not_a_power_of_two_is_rejected(float muNegative, float muPositive)
    {
        var q = new LayerQuantization(QuantizationMode.Recentralized, 5, 3, muNegative, muPositive, 0.1f, 1f);

        var error = Assert.Throws<ArgumentException>(() => ShiftLinear.FromSymbols(q, new int[4], 2, 2));
        Assert.Contains("power of two", error.Message);
    }

    [Fact]
    public void Symbol_outside_the_alphabet_is_rejected_with_its_position()
    {
        var q = new LayerQuantization(QuantizationMode.Shift, 3, 1, 0f, 0f, 1f, 1f); // alphabet 0..4

        var error = Assert.Throws<ArgumentException>(() => ShiftLinear.FromSymbols(q, [0, 4, 5, 1], 2, 2));
        Assert.Contains("symbols[2]", error.Message);
    }

    [Fact]
    public void Symbol_count_that_does_not_match_the_shape_is_rejected()
    {
        var q = new LayerQuantization(QuantizationMode.Shift, 3, 1, 0f, 0f, 1f, 1f);

        Assert.Throws<ArgumentException>(() => ShiftLinear.FromSymbols(q, [0, 1, 2], 2, 2));
    }

    [Fact]
    public void Input_that_is_not_whole_samples_is_rejected()
    {
        var q = new LayerQuantization(QuantizationMode.Shift, 3, 1, 0f, 0f, 1f, 1f);
        var layer = ShiftLinear.FromSymbols(q, [1, 2, 3, 4, 0, 1], 2, 3);

        Assert.Throws<ArgumentException>(() => layer.Forward(new sbyte[4], 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => layer.Forward(new sbyte[3], 0f));
    }
}
