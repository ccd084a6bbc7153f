using BenchmarkDotNet.Attributes;
using FocusedQuantization.Compression.Quantization;

namespace FocusedQuantization.Benchmarks.Planning;

/// <summary>
/// Plans every layer of a ResNet-50-sized weight set (53 convolutions, 23.5 M weights, 82.7 % sparse):
/// <see cref="LayerPlanner.PlanAll"/> in parallel over the machine's cores against the same plans one layer after
/// another on one thread. Both use the default options (EM on at most 65,536 kept weights per layer).
/// </summary>
public class ResNet50PlanBenchmark
{
    private LayerWeights[] layers = null!;
    private readonly QuantizationOptions options = new();

    [GlobalSetup]
    public void Setup()
    {
        layers = ResNet50Weights.Generate().Select(l => new LayerWeights(l.Weights, l.Mask)).ToArray();
        var parallel = PlanAll();
        var sequential = Sequential();
        for (var i = 0; i < parallel.Length; i++)
            if (parallel[i].Parameters != sequential[i].Parameters || !parallel[i].Assignments.SequenceEqual(sequential[i].Assignments))
                throw new InvalidOperationException($"Layer {i} planned in parallel differs from the sequential plan.");
    }

    [Benchmark(Baseline = true, Description = "one layer after another")]
    public LayerPlan[] Sequential() => LayerPlanner.PlanAll(layers, options, maxDegreeOfParallelism: 1);

    [Benchmark(Description = "parallel over layers")]
    public LayerPlan[] PlanAll() => LayerPlanner.PlanAll(layers, options);
}
