using BenchmarkDotNet.Attributes;
using FocusedQuantization.Compression.Inference;
using FocusedQuantization.Compression.Quantization;

namespace FocusedQuantization.Benchmarks.Inference;

/// <summary>
/// LeNet-5's fc1 (800 -> 500) at 90 % sparsity, one sample: shift-only int8 layer against float layers holding the
/// same dequantized weights (dense SIMD, the baseline, and sparse rows).
/// </summary>
public class ShiftLinearBenchmark
{
    private const int OutFeatures = 500, InFeatures = 800;
    private const double Sparsity = 0.9;

    private ShiftLinear shift = null!;
    private FloatLinear dense = null!;
    private SparseFloatLinear sparse = null!;
    private sbyte[] codes = null!;
    private float[] activations = null!;
    private readonly float[] output = new float[OutFeatures];
    private ActivationQuantizer quantizer = null!;

    /// <summary>Plain shift quantization or the paper's recentralized (focused) form.</summary>
    [Params(QuantizationMode.Shift, QuantizationMode.Recentralized)]
    public QuantizationMode Mode { get; set; }

    /// <summary>Bit width before coding (the paper's 5-bit setting).</summary>
    [Params(5)]
    public int Bits { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var q = BenchmarkLayers.Quantization(Mode, Bits);
        var symbols = BenchmarkLayers.Symbols(q, OutFeatures * InFeatures, Sparsity, seed: 1);
        var weights = BenchmarkLayers.Dequantize(q, symbols);
        var bias = new float[OutFeatures];
        shift = ShiftLinear.FromSymbols(q, symbols, OutFeatures, InFeatures, bias);
        dense = new FloatLinear(weights, OutFeatures, InFeatures, bias);
        sparse = new SparseFloatLinear(weights, OutFeatures, InFeatures, bias);
        quantizer = new ActivationQuantizer(0.05f);
        codes = BenchmarkLayers.Inputs(InFeatures, seed: 2);
        activations = quantizer.Dequantize(codes);
        Verify();
    }

    /// <summary>Runs each implementation once and checks they agree before anything is timed.</summary>
    private void Verify()
    {
        FloatDense();
        var reference = output.ToArray();
        FloatSparse();
        BenchmarkLayers.RequireAgreement("float sparse", reference, output);
        ShiftOnly();
        BenchmarkLayers.RequireAgreement("shift-only", reference, output);
    }

    [Benchmark(Baseline = true, Description = "float dense")]
    public float FloatDense()
    {
        dense.Forward(activations, output);
        return output[0];
    }

    [Benchmark(Description = "float sparse")]
    public float FloatSparse()
    {
        sparse.Forward(activations, output);
        return output[0];
    }

    [Benchmark(Description = "shift-only int8")]
    public float ShiftOnly()
    {
        shift.Forward(codes, quantizer.Scale, output);
        return output[0];
    }
}
