using BenchmarkDotNet.Attributes;
using FocusedQuantization.Compression.Inference;
using FocusedQuantization.Compression.Quantization;

namespace FocusedQuantization.Benchmarks.Inference;

/// <summary>
/// LeNet-5's conv2 (20 -> 50 channels, 5 x 5, on a 12 x 12 input) at 90 % sparsity, one image: shift-only int8
/// convolution against float convolutions holding the same dequantized weights (dense, the baseline, and sparse).
/// </summary>
public class ShiftConv2dBenchmark
{
    private const int InChannels = 20, OutChannels = 50, Kernel = 5, Size = 12, Stride = 1, Padding = 0;
    private const double Sparsity = 0.9;

    private ShiftConv2d shift = null!;
    private FloatConv2d dense = null!;
    private FloatConv2d sparse = null!;
    private sbyte[] codes = null!;
    private float[] activations = null!;
    private float[] output = null!;
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
        var symbols = BenchmarkLayers.Symbols(q, OutChannels * InChannels * Kernel * Kernel, Sparsity, seed: 3);
        var weights = BenchmarkLayers.Dequantize(q, symbols);
        var bias = new float[OutChannels];
        shift = ShiftConv2d.FromSymbols(q, symbols, OutChannels, InChannels, Kernel, Kernel, Stride, Padding, bias);
        dense = new FloatConv2d(weights, OutChannels, InChannels, Kernel, Kernel, Stride, Padding, bias, skipZeros: false);
        sparse = new FloatConv2d(weights, OutChannels, InChannels, Kernel, Kernel, Stride, Padding, bias, skipZeros: true);
        quantizer = new ActivationQuantizer(0.05f);
        codes = BenchmarkLayers.Inputs(InChannels * Size * Size, seed: 4);
        activations = quantizer.Dequantize(codes);
        var (outHeight, outWidth) = shift.OutputSize(Size, Size);
        output = new float[OutChannels * outHeight * outWidth];
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
        dense.Forward(activations, Size, Size, output);
        return output[0];
    }

    [Benchmark(Description = "float sparse")]
    public float FloatSparse()
    {
        sparse.Forward(activations, Size, Size, output);
        return output[0];
    }

    [Benchmark(Description = "shift-only int8")]
    public float ShiftOnly()
    {
        shift.Forward(codes, 1, Size, Size, quantizer.Scale, output);
        return output[0];
    }
}
