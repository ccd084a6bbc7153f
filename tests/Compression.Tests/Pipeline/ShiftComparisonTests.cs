using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Models;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Tests.Inference;
using FocusedQuantization.Compression.Tests.Retraining;
using FocusedQuantization.Compression.Training;
using TorchSharp;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Pipeline;

public sealed class ShiftComparisonTests
{
    public ShiftComparisonTests() => torch.set_num_threads(1);

    /// <summary>A model trained on the band images, then lightly pruned and quantized by hand.</summary>
    private static CompressedModel Trained(string modelName)
    {
        using var module = ModelZoo.Create(modelName, null, seed: 31);
        using (var trainer = new Trainer(module, new TrainerOptions { Epochs = 3, BatchSize = 32, LearningRate = 0.05, Seed = 32 }))
            trainer.Train(SyntheticImages.Create(512, seed: 33), cancellationToken: TestContext.Current.CancellationToken);
        return HandCompressedModels.Compress(modelName, module, seed: 34, sparsity: 0.2);
    }

    [Theory]
    [InlineData("lenet-300-100")]
    [InlineData("lenet5")]
    public void Shift_only_accuracy_matches_the_decoded_float_model_on_generated_images(string modelName)
    {
        var model = Trained(modelName);
        var test = SyntheticImages.Create(200, seed: 35);

        var comparison = ShiftComparison.Run(model, test);

        Assert.Equal(200, comparison.Images);
        Assert.True(comparison.Float.Top1Percent >= 90, $"the float model reaches only {comparison.Float.Top1Percent} %, too weak a reference");
        Assert.True(comparison.WithinTolerance, $"top-1 {comparison.ShiftOnly.Top1Percent} % shift-only vs {comparison.Float.Top1Percent} % float");
        Assert.True(comparison.DisagreeingImages <= 1, $"{comparison.DisagreeingImages} images change class");
        Assert.Equal(comparison.Float.Loss, comparison.ShiftOnly.Loss, 0.02 * comparison.Float.Loss);
        using var decoded = ModelState.Restore(model);
        Assert.Equal(Evaluator.Evaluate(decoded, test).Top1Percent, comparison.Float.Top1Percent);
    }

    [Fact]
    public void An_activation_outlier_that_int8_cannot_resolve_fails_the_tolerance()
    {
        // Hidden unit 0 of fc1 gets a huge bias but no outgoing weights: the float model does not notice it, while
        // the per-tensor int8 scale it forces rounds every other hidden activation to 0.
        var model = Trained("lenet-300-100");
        var fc1Bias = model.FloatTensors.Single(t => t.Name == "fc1.bias");
        var biases = fc1Bias.Values.ToArray();
        biases[0] = 1e4f;
        var fc2 = model.Layers.Single(l => l.Name == "fc2.weight");
        var symbols = fc2.Symbols.Select((s, i) => i % 300 == 0 ? 0 : s).ToArray();
        model = model with
        {
            Layers = [.. model.Layers.Select(l => l == fc2 ? fc2 with { Symbols = symbols } : l)],
            FloatTensors = [.. model.FloatTensors.Select(t => t == fc1Bias ? t with { Values = biases } : t)],
        };

        var comparison = ShiftComparison.Run(model, SyntheticImages.Create(200, seed: 35));

        Assert.True(comparison.Float.Top1Percent >= 90, $"float top-1 {comparison.Float.Top1Percent} %");
        Assert.True(comparison.Top1Difference < -50, $"shift-only top-1 moved by only {comparison.Top1Difference} pp");
        Assert.False(comparison.WithinTolerance);
    }

    [Theory]
    [InlineData(199, 200, 200, 200, true)] // 0.5 pp, exactly the tolerance
    [InlineData(200, 199, 200, 200, true)]
    [InlineData(198, 200, 200, 200, false)] // 1 pp top-1
    [InlineData(200, 200, 199, 197, false)] // 1 pp top-5
    public void Differences_up_to_the_tolerance_pass_and_beyond_it_fail(int shiftTop1, int floatTop1, int shiftTop5, int floatTop5, bool within)
    {
        static EvaluationResult Result(int top1, int top5) => new(100.0 * top1 / 200, 100.0 * top5 / 200, 0, 200);
        var comparison = new ShiftComparison("t", 200, Result(floatTop1, floatTop5), Result(shiftTop1, shiftTop5), 0, 0, 0, 0.5);

        Assert.Equal(within, comparison.WithinTolerance);
        Assert.Equal((shiftTop1 - floatTop1) / 2.0, comparison.Top1Difference, 9);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_tolerance_that_is_not_a_non_negative_number_is_rejected(double tolerance)
    {
        using var module = ModelZoo.Create("lenet-300-100", null, seed: 1);
        var model = HandCompressedModels.Compress("lenet-300-100", module, seed: 2);

        Assert.Throws<ArgumentException>(() => ShiftComparison.Run(model, SyntheticImages.Create(4, seed: 3), tolerance));
    }
}
