using Xunit;
using FocusedQuantization.Compression.Quantization;

namespace FocusedQuantization.Compression.Tests.Inference;

/// <summary>Random quantized layers, inputs and float reference computations for the inference tests.</summary>
internal static class RandomShiftLayers
{
    public static LayerQuantization RandomQuantization(Random rng, QuantizationMode mode, int bits)
    {
        var probe = new LayerQuantization(mode, bits, 0, 0f, 0f, 1f, 1f);
        var exponents = 1 << probe.ExponentBits;
        // Biases around the exponent count put the levels on both sides of 1, as trained layers do.
        var bias = rng.Next(exponents / 2, exponents + 3);
        var alpha = 0.5f + (float)rng.NextDouble() * 1.5f;
        if (mode == QuantizationMode.Shift) return probe with { Bias = bias, Alpha = alpha };
        var muNegative = -MathF.ScaleB(1f, -rng.Next(1, 5));
        var muPositive = MathF.ScaleB(1f, -rng.Next(1, 5));
        var sigma = 0.01f + (float)rng.NextDouble() * 0.3f;
        return new LayerQuantization(mode, bits, bias, muNegative, muPositive, sigma, alpha);
    }

    /// <summary>Symbols with about the given share of pruned zeros, the rest uniform over the alphabet.</summary>
    public static int[] Symbols(Random rng, LayerQuantization q, int count, double sparsity = 0.6)
    {
        var symbols = new int[count];
        for (var i = 0; i < count; i++)
            symbols[i] = rng.NextDouble() < sparsity ? 0 : rng.Next(1, q.SymbolCount);
        return symbols;
    }

    public static sbyte[] Inputs(Random rng, int count)
    {
        var x = new sbyte[count];
        for (var i = 0; i < count; i++) x[i] = (sbyte)rng.Next(sbyte.MinValue, sbyte.MaxValue + 1);
        return x;
    }

    public static float[] Bias(Random rng, int count)
    {
        var bias = new float[count];
        for (var i = 0; i < count; i++) bias[i] = (float)(rng.NextDouble() * 2 - 1);
        return bias;
    }

    public static float[] Dequantize(LayerQuantization q, int[] symbols) => symbols.Select(q.Dequantize).ToArray();

    /// <summary>Float linear layer in double accumulation; also returns the sum of |terms| as the error scale.</summary>
    public static (double[] Value, double[] Magnitude) Linear(
        float[] weights, float[] inputs, int batch, int outFeatures, int inFeatures, float[]? bias)
    {
        var value = new double[batch * outFeatures];
        var magnitude = new double[batch * outFeatures];
        for (var n = 0; n < batch; n++)
            for (var o = 0; o < outFeatures; o++)
            {
                double sum = bias?[o] ?? 0, abs = Math.Abs(bias?[o] ?? 0);
                for (var i = 0; i < inFeatures; i++)
                {
                    var term = (double)weights[o * inFeatures + i] * inputs[n * inFeatures + i];
                    sum += term;
                    abs += Math.Abs(term);
                }
                value[n * outFeatures + o] = sum;
                magnitude[n * outFeatures + o] = abs;
            }
        return (value, magnitude);
    }

    /// <summary>Float NCHW convolution by its definition, in double accumulation, with the sum of |terms|.</summary>
    public static (double[] Value, double[] Magnitude) Conv2d(
        float[] weights, float[] inputs, int batch, int inC, int height, int width,
        int outC, int kH, int kW, int stride, int padding, float[]? bias)
    {
        var outH = (height + 2 * padding - kH) / stride + 1;
        var outW = (width + 2 * padding - kW) / stride + 1;
        var value = new double[batch * outC * outH * outW];
        var magnitude = new double[value.Length];
        for (var n = 0; n < batch; n++)
            for (var oc = 0; oc < outC; oc++)
                for (var oy = 0; oy < outH; oy++)
                    for (var ox = 0; ox < outW; ox++)
                    {
                        double sum = bias?[oc] ?? 0, abs = Math.Abs(bias?[oc] ?? 0);
                        for (var ic = 0; ic < inC; ic++)
                            for (var ky = 0; ky < kH; ky++)
                                for (var kx = 0; kx < kW; kx++)
                                {
                                    var iy = oy * stride - padding + ky;
                                    var ix = ox * stride - padding + kx;
                                    if (iy < 0 || iy >= height || ix < 0 || ix >= width) continue;
                                    var term = (double)weights[((oc * inC + ic) * kH + ky) * kW + kx]
                                               * inputs[((n * inC + ic) * height + iy) * width + ix];
                                    sum += term;
                                    abs += Math.Abs(term);
                                }
                        var at = ((n * outC + oc) * outH + oy) * outW + ox;
                        value[at] = sum;
                        magnitude[at] = abs;
                    }
        return (value, magnitude);
    }

    /// <summary>Asserts agreement within float rounding relative to the size of the terms summed.</summary>
    public static void AssertClose(double[] expected, double[] magnitude, float[] actual, double relative = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var tolerance = relative * magnitude[i] + 1e-30;
            Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance,
                $"output {i}: shift-only {actual[i]} vs float {expected[i]} (tolerance {tolerance})");
        }
    }
}
