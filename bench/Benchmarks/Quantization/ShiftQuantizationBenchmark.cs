using BenchmarkDotNet.Attributes;
using FocusedQuantization.Compression.Quantization;

namespace FocusedQuantization.Benchmarks.Quantization;

/// <summary>
/// Shift quantization of a planned ResNet-50 layer on one core: the project's symbolizer (SIMD) against the plain
/// loop over <see cref="ShiftQuantizer"/> / <see cref="RecentralizedQuantizer"/> (the baseline), then Q(w) and
/// symbols back to values. One operation = one weight.
/// </summary>
public class ShiftQuantizationBenchmark
{
    private RealisticLayer layer = null!;
    private int[] symbols = null!;
    private float[] values = null!;

    /// <summary>Plain shift or recentralized (focused) layer.</summary>
    [Params(QuantizationMode.Shift, QuantizationMode.Recentralized)]
    public QuantizationMode Mode { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        layer = RealisticLayer.Create(Mode);
        symbols = new int[RealisticLayer.Count];
        values = new float[RealisticLayer.Count];
        var expected = layer.Symbols;
        PlainQuantizer();
        var plain = values.ToArray();
        Quantize();
        if (!plain.AsSpan().SequenceEqual(values)) throw new InvalidOperationException("Q(w) differs from the plain quantizer.");
        Symbolize();
        if (!expected.AsSpan().SequenceEqual(symbols)) throw new InvalidOperationException("Symbols changed.");
        Dequantize();
        if (!plain.AsSpan().SequenceEqual(values)) throw new InvalidOperationException("Dequantized symbols differ from Q(w).");
    }

    [Benchmark(Baseline = true, Description = "plain quantizer loop", OperationsPerInvoke = RealisticLayer.Count)]
    public float PlainQuantizer()
    {
        var p = layer.Plan.Parameters;
        var weights = layer.Weights;
        var mask = layer.Mask;
        if (p.Mode == QuantizationMode.Shift)
        {
            var shift = p.Shift;
            for (var i = 0; i < weights.Length; i++) values[i] = mask[i] ? p.Alpha * shift.Quantize(weights[i]) + 0f : 0f;
        }
        else
        {
            var focused = new RecentralizedQuantizer(p.Shift, p.MuNegative, p.MuPositive, p.Sigma);
            var assignments = layer.Plan.Assignments;
            for (var i = 0; i < weights.Length; i++) values[i] = mask[i] ? p.Alpha * focused.Quantize(weights[i], assignments[i]) : 0f;
        }
        return values[^1];
    }

    [Benchmark(Description = "symbolize", OperationsPerInvoke = RealisticLayer.Count)]
    public int Symbolize()
    {
        layer.Plan.Symbolize(layer.Weights, layer.Mask, symbols);
        return symbols[^1];
    }

    [Benchmark(Description = "quantize Q(w)", OperationsPerInvoke = RealisticLayer.Count)]
    public float Quantize()
    {
        layer.Plan.Quantize(layer.Weights, layer.Mask, values);
        return values[^1];
    }

    [Benchmark(Description = "dequantize symbols", OperationsPerInvoke = RealisticLayer.Count)]
    public float Dequantize()
    {
        layer.Plan.Dequantize(layer.Symbols, values);
        return values[^1];
    }
}
