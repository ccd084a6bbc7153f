using BenchmarkDotNet.Attributes;
using FocusedQuantization.Compression.Models;
using FocusedQuantization.Compression.Quantization;
using FocusedQuantization.Compression.Retraining;
using FocusedQuantization.Compression.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusedQuantization.Benchmarks.Retraining;

/// <summary>
/// One training step of LeNet-5 on a batch of 64 (one torch thread, SGD with momentum): a plain step (the baseline)
/// against a quantization-aware step through <see cref="FocusedFineTuner"/>'s hooks (dense weights captured,
/// alpha·Q(w) swapped in for the forward and backward passes, gradient applied to the dense weights), the same
/// model, batch and optimiser. Every layer 90 % pruned, 25 % of the kept weights quantized (the first step of the
/// schedule).
/// </summary>
public class FineTuneStepBenchmark
{
    private const int BatchSize = 64;
    private LeNet5 model = null!;
    private optim.Optimizer optimizer = null!;
    private Tensor images = null!;
    private Tensor labels = null!;
    private FocusedFineTuner tuner = null!;
    private long step;

    [GlobalSetup]
    public void Setup()
    {
        FocusedQuantization.Compression.Training.TorchThreads.Use(1);
        torch.manual_seed(1);
        model = new LeNet5();
        optimizer = optim.SGD(model.parameters(), 0.001, 0.9);
        images = torch.randn(BatchSize, 1, 28, 28);
        labels = torch.randint(0, 10, BatchSize, dtype: ScalarType.Int64);
        var named = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var layers = ModelZoo.QuantizableParameters(model).Select(name =>
        {
            var weight = new ShadowedWeight(name, named[name]);
            var mask = MagnitudeMask(weight.Dense, keep: 0.1);
            for (var i = 0; i < mask.Length; i++) if (!mask[i]) weight.Dense[i] = 0f;
            weight.RestoreDense();
            return (weight, mask);
        }).ToArray();
        tuner = new FocusedFineTuner(layers, new QuantizationOptions(), new FineTuneSchedule());
        tuner.OnEpochStart(0);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        optimizer.Dispose();
        model.Dispose();
    }

    [Benchmark(Baseline = true, Description = "plain step")]
    public float PlainStep()
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        var loss = nn.functional.cross_entropy(model.forward(images), labels);
        loss.backward();
        optimizer.step();
        return loss.item<float>();
    }

    [Benchmark(Description = "quantization-aware step")]
    public float QuantizedStep()
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        tuner.BeforeForward(step);
        var loss = nn.functional.cross_entropy(model.forward(images), labels);
        loss.backward();
        tuner.BeforeOptimizerStep(step);
        optimizer.step();
        ((ITrainingHooks)tuner).AfterOptimizerStep(step++);
        return loss.item<float>();
    }

    private static bool[] MagnitudeMask(float[] weights, double keep)
    {
        var magnitudes = weights.Select(MathF.Abs).ToArray();
        Array.Sort(magnitudes);
        var threshold = magnitudes[(int)((1 - keep) * magnitudes.Length)];
        return weights.Select(w => MathF.Abs(w) > threshold).ToArray();
    }
}
