using FocusedQuantization.Compression.Quantization;

namespace FocusedQuantization.Benchmarks.Inference;

/// <summary>Reproducible random quantized layers and int8 inputs for the inference benchmarks.</summary>
internal static class BenchmarkLayers
{
    /// <summary>A layer in the given mode and width whose levels lie below 1, like a trained layer's.</summary>
    public static LayerQuantization Quantization(QuantizationMode mode, int bits)
    {
        var probe = new LayerQuantization(mode, bits, 0, 0f, 0f, 1f, 1f);
        var bias = (1 << probe.ExponentBits) + 2;
        return mode == QuantizationMode.Shift
            ? probe with { Bias = bias, Alpha = 0.9f }
            : new LayerQuantization(mode, bits, bias, -0.0625f, 0.0625f, 0.02f, 0.9f);
    }

    /// <summary>Symbols with the given share of pruned zeros, the others uniform over the alphabet.</summary>
    public static int[] Symbols(LayerQuantization q, int count, double sparsity, int seed)
    {
        var rng = new Random(seed);
        var symbols = new int[count];
        for (var i = 0; i < count; i++)
            symbols[i] = rng.NextDouble() < sparsity ? 0 : rng.Next(1, q.SymbolCount);
        return symbols;
    }

    public static float[] Dequantize(LayerQuantization q, int[] symbols) => symbols.Select(q.Dequantize).ToArray();

    public static sbyte[] Inputs(int count, int seed)
    {
        var rng = new Random(seed);
        var codes = new sbyte[count];
        for (var i = 0; i < count; i++) codes[i] = (sbyte)rng.Next(-127, 128);
        return codes;
    }

    /// <summary>Throws unless two implementations gave the same outputs, so that a benchmark never times a wrong kernel.</summary>
    public static void RequireAgreement(string what, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        var scale = 0f;
        foreach (var v in expected) scale = MathF.Max(scale, MathF.Abs(v));
        for (var i = 0; i < expected.Length; i++)
            if (MathF.Abs(expected[i] - actual[i]) > 1e-4f * scale)
                throw new InvalidOperationException($"{what}: output {i} is {actual[i]}, expected {expected[i]}.");
    }
}
