using BenchmarkDotNet.Attributes;
using FocusedQuantization.Compression.Quantization;
using TorchSharp;

namespace FocusedQuantization.Benchmarks.Planning;

/// <summary>
/// The mixture fit of one ResNet-50 layer (layer3's 3x3 convolution, 589,824 weights, 102 k kept) with 20 EM
/// iterations on every kept weight: the C# EM against the same EM in TorchSharp tensor ops on one torch thread.
/// Then the whole plan of that layer (default options: EM on a 65,536-weight sample, assignments, bias).
/// One operation = one weight of the layer, so the mean is time per weight.
/// </summary>
public class MixtureFitBenchmark
{
    internal const int Iterations = 20;
    private static readonly int[] Shape = [256, 256, 3, 3];
    private static readonly MixtureOptions Fixed = new() { Tolerance = 0, MaxIterations = Iterations, MaxSampleSize = int.MaxValue };
    private float[] weights = null!;
    private bool[] mask = null!;
    private readonly QuantizationOptions planOptions = new();

    internal static int WeightCount => Shape[0] * Shape[1] * Shape[2] * Shape[3];

    [GlobalSetup]
    public void Setup()
    {
        FocusedQuantization.Compression.Training.TorchThreads.Use(1);
        (weights, mask) = ResNet50Weights.Layer(Shape, seed: 7);
        var fitted = GaussianMixtureFit.Fit(weights, mask, Fixed);
        var tensors = TorchMixtureFit.Fit(weights, mask, Iterations);
        foreach (var (a, b) in new[] { (fitted.MuNegative, tensors.MuNegative), (fitted.MuPositive, tensors.MuPositive),
                     (fitted.SigmaNegative, tensors.SigmaNegative), (fitted.WeightPositive, tensors.WeightPositive) })
            if (Math.Abs(a - b) > 1e-6 * Math.Max(Math.Abs(a), 1e-3))
                throw new InvalidOperationException($"The tensor EM disagrees with the C# EM: {a} against {b}.");
    }

    [Benchmark(Baseline = true, Description = "EM, TorchSharp tensors", OperationsPerInvoke = 589_824)]
    public double TensorEm() => TorchMixtureFit.Fit(weights, mask, Iterations).MuPositive;

    [Benchmark(Description = "EM, C#", OperationsPerInvoke = 589_824)]
    public double CSharpEm() => GaussianMixtureFit.Fit(weights, mask, Fixed).MuPositive;

    [Benchmark(Description = "layer plan, defaults", OperationsPerInvoke = 589_824)]
    public double Plan() => LayerPlanner.Plan(weights, mask, planOptions).Separation;
}
