using CsCheck;
using FocusedQuantization.Compression.Quantization;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Quantization;

public class LayerSymbolizerTests
{
    [Fact]
    public void Shift_symbols_follow_the_documented_alphabet()
    {
        // 4-bit shift: k = 2, E = 4, bias 2 -> magnitudes 1/4, 1/2, 1, 2.
        var p = new LayerQuantization(QuantizationMode.Shift, 4, 2, 0, 0, 0, 1);
        float[] weights = [0f, 0.25f, 2f, -0.25f, -3f, 0.9f, 7f];
        bool[] mask = [true, true, true, true, true, true, false];
        var symbols = new int[weights.Length];

        LayerSymbolizer.Symbolize(p, default, weights, mask, symbols);

        Assert.Equal([0, 1, 4, 5, 8, 3, 0], symbols);
    }

    [Fact]
    public void Recentralized_symbols_follow_the_documented_alphabet()
    {
        // 5-bit recentralized: k = 2, E = 4, component bases 1 and 10; sigma 1, bias 2.
        var p = new LayerQuantization(QuantizationMode.Recentralized, 5, 2, -1f, 1f, 1f, 1);
        float[] weights = [-1f, -0.75f, -1.5f, 1f, 3f, 0.5f];
        MixtureComponent[] components =
        [
            MixtureComponent.Negative, MixtureComponent.Negative, MixtureComponent.Negative,
            MixtureComponent.Positive, MixtureComponent.Positive, MixtureComponent.Positive,
        ];
        var symbols = new int[weights.Length];

        LayerSymbolizer.Symbolize(p, components, weights, Samples.AllKept(weights.Length), symbols);

        // offsets: 0 -> base; +1/4 -> base+1; -1/2 -> base+E+2; 0; +2 -> base+4; -1/2 -> base+E+2
        Assert.Equal([1, 2, 7, 10, 14, 16], symbols);
    }

    [Fact]
    public void Quantized_values_equal_the_scalar_reference_bit_for_bit_in_both_modes()
    {
        // Lengths off the SIMD block size, masks and assignments at random, biases across the whole fast range
        // and beyond it (where the scalar path takes over).
        var gen = Gen.Select(Gen.Int[0, 300], Gen.Int[3, 8], Gen.Int[-140, 150], Gen.Int[0, 1], Gen.Int[0, int.MaxValue],
            (n, bits, bias, mode, seed) => (n, bits, bias, mode, seed));
        gen.Sample((n, bits, bias, mode, seed) =>
        {
            var random = new Random(seed);
            var scale = MathF.ScaleB(1f, -Math.Clamp(bias, -100, 100));
            var weights = Enumerable.Range(0, n).Select(_ => (float)(Samples.Normal(random, 0, 4) * scale)).ToArray();
            if (n > 3) { weights[0] = 0f; weights[1] = -0f; weights[2] = scale * 1.5f; weights[3] = float.NaN; }
            var mask = Enumerable.Range(0, n).Select(_ => random.Next(4) != 0).ToArray();
            var components = Enumerable.Range(0, n).Select(_ => (MixtureComponent)random.Next(2)).ToArray();
            var p = new LayerQuantization((QuantizationMode)mode, bits, bias,
                -3 * scale, 2 * scale, 0.7f * scale, random.Next(2) == 0 ? 1f : -0.6f);
            var symbols = new int[n];
            var quantized = new float[n];

            LayerSymbolizer.Symbolize(p, components, weights, mask, symbols);
            LayerSymbolizer.Quantize(p, components, weights, mask, quantized);

            for (var i = 0; i < n; i++)
            {
                var expectedSymbol = mask[i] ? LayerSymbolizer.Symbol(p, components[i], weights[i]) : 0;
                Assert.Equal(expectedSymbol, symbols[i]);
                Assert.Equal(BitConverter.SingleToInt32Bits(p.Dequantize(expectedSymbol)), BitConverter.SingleToInt32Bits(quantized[i]));
            }
        }, iter: 400);
    }

    [Fact]
    public void Single_symbols_agree_with_the_shift_and_recentralized_quantizers()
    {
        Gen.Select(Gen.Float, Gen.Int[1, 6], Gen.Int[-140, 160], (x, k, bias) => (x, k, bias)).Sample((x, k, bias) =>
        {
            var shift = new LayerQuantization(QuantizationMode.Shift, k + 2, bias, 0, 0, 0, 1);
            Assert.Equal(new ShiftQuantizer(k, bias).Quantize(x), shift.Dequantize(LayerSymbolizer.Symbol(shift, default, x)));

            var focused = new LayerQuantization(QuantizationMode.Recentralized, k + 3, bias, -0.5f, 0.25f, 0.125f, 1);
            var reference = new RecentralizedQuantizer(focused.Shift, -0.5f, 0.25f, 0.125f);
            foreach (var c in new[] { MixtureComponent.Negative, MixtureComponent.Positive })
                Assert.Equal(reference.Quantize(x, c), focused.Dequantize(LayerSymbolizer.Symbol(focused, c, x)));
        }, iter: 3000);
    }

    [Fact]
    public void Per_step_symbolizing_and_quantizing_allocate_nothing()
    {
        var weights = Samples.Mixture(10_000, 0.5, -1, 0.3, 1, 0.3, seed: 13);
        var mask = Samples.AllKept(weights.Length);
        var plan = LayerPlanner.Plan(weights, mask, new QuantizationOptions());
        var symbols = new int[weights.Length];
        var quantized = new float[weights.Length];
        plan.Symbolize(weights, mask, symbols); // warm up
        plan.Quantize(weights, mask, quantized);
        plan.QuantizationError(weights, mask, quantized);

        var before = GC.GetAllocatedBytesForCurrentThread();
        plan.Symbolize(weights, mask, symbols);
        plan.Quantize(weights, mask, quantized);
        plan.QuantizationError(weights, mask, quantized);
        LayerSymbolizer.Quantize(plan.Parameters, plan.Assignments, weights, mask, quantized);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Symbols_outside_the_alphabet_are_rejected()
    {
        var p = new LayerQuantization(QuantizationMode.Shift, 3, 0, 0, 0, 0, 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => LayerSymbolizer.Dequantize(p, [0, 5], new float[2]));
        Assert.Contains("5", error.Message);
    }
}
