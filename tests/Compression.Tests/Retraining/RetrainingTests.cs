using System.Runtime.InteropServices;
using FocusedQuantization.Compression.Models;
using FocusedQuantization.Compression.Quantization;
using FocusedQuantization.Compression.Retraining;
using FocusedQuantization.Compression.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Tests.Retraining;

/// <summary>Pruning and focused fine-tuning on a real (small) model and trainer.</summary>
public sealed class RetrainingTests
{
    [Fact]
    public void Pruning_reaches_each_layers_target_and_keeps_updating_pruned_weights_while_training()
    {
        using var model = ModelZoo.Create("lenet-300-100", null, seed: 3);
        var data = SyntheticImages.Create(512, seed: 5);
        var weights = Weights(model);
        var targets = SparsityAllocation.Allocate(weights.Select(w => w.Count).ToArray(), 0.8);
        var pruner = PruningRetrainer.ToSparsity(weights, targets, totalSteps: 16, updateEvery: 4);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 2, BatchSize = 64, LearningRate = 0.05, Seed = 1 });

        trainer.Train(data, pruner, cancellationToken: TestContext.Current.CancellationToken);
        // Dense weights behind the mask still moved: DNS applies the gradient to every weight so pruned ones can return.
        var before = weights[0].Dense.ToArray();
        var maskBefore = pruner.Masks[0].ToArray();
        trainer.Train(data, pruner, cancellationToken: TestContext.Current.CancellationToken);
        weights[0].CaptureDense();
        var movedWhilePruned = Enumerable.Range(0, before.Length).Count(i => !maskBefore[i] && weights[0].Dense[i] != before[i]);
        Assert.True(movedWhilePruned > 0, "pruned weights received no updates");

        pruner.Finish();
        for (var l = 0; l < weights.Length; l++)
        {
            var sparsity = pruner.Masks[l].Count(m => !m) / (double)weights[l].Count;
            Assert.InRange(sparsity, targets[l] - 0.01, targets[l] + 0.01);
            weights[l].CaptureDense();
            Assert.All(Enumerable.Range(0, weights[l].Count).Where(i => !pruner.Masks[l][i]), i => Assert.Equal(0f, weights[l].Dense[i]));
        }
    }

    [Fact]
    public void After_fine_tuning_every_weight_is_exactly_its_decoded_symbol_and_pruned_weights_stay_zero()
    {
        using var model = ModelZoo.Create("lenet-300-100", null, seed: 4);
        var data = SyntheticImages.Create(512, seed: 6);
        var weights = Weights(model);
        using (var baseline = new Trainer(model, new TrainerOptions { Epochs = 1, BatchSize = 64, LearningRate = 0.05, Seed = 1 }))
            baseline.Train(data, cancellationToken: TestContext.Current.CancellationToken);
        var pruner = PruningRetrainer.ToSparsity(weights, [0.9, 0.8, 0.5], totalSteps: 1);
        pruner.Finish();
        var masks = pruner.Masks.ToArray();

        var schedule = new FineTuneSchedule { LearningRate = 0.01 }.Scaled(0.34);
        var tuner = new FocusedFineTuner(weights.Zip(masks), new QuantizationOptions { Bits = 4, Seed = 2 }, schedule);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 1, BatchSize = 64, LearningRate = 0.01, Seed = 2, WeightDecay = 0 });
        foreach (var epoch in tuner.Epochs)
        {
            trainer.LearningRate = epoch.LearningRate;
            trainer.TrainEpoch(data, tuner, cancellationToken: TestContext.Current.CancellationToken);
        }
        var quantized = tuner.Finish();

        Assert.Equal(weights.Length, quantized.Count);
        for (var l = 0; l < weights.Length; l++)
        {
            var (name, shape, parameters, symbols) = quantized[l];
            Assert.Equal(weights[l].Name, name);
            Assert.Equal(4, parameters.Bits);
            var inModel = weights[l].Parameter.data<float>().ToArray();
            for (var i = 0; i < symbols.Length; i++)
            {
                Assert.Equal(parameters.Dequantize(symbols[i]), inModel[i]);
                if (!masks[l][i]) Assert.Equal(0, symbols[i]);
            }
        }
    }

    [Fact]
    public void The_quantized_set_grows_by_smallest_quantization_error_first()
    {
        using var model = ModelZoo.Create("lenet-300-100", null, seed: 8);
        var weights = Weights(model);
        var mask = Enumerable.Repeat(true, weights[2].Count).ToArray();
        var tuner = new FocusedFineTuner([(weights[2], mask)], new QuantizationOptions { Bits = 3, Seed = 1 }, new FineTuneSchedule());
        var layer = tuner.Layers[0];

        layer.GrowQuantizedSet(0.25);

        Assert.Equal((int)Math.Round(0.25 * weights[2].Count), layer.QuantizedCount);
        var parameters = layer.FinalParameters;
        var errors = Enumerable.Range(0, weights[2].Count)
            .Select(i => (In: layer.IsQuantized(i), Error: Math.Abs(weights[2].Dense[i] - parameters.Dequantize(layer.Symbols[i]))))
            .ToArray();
        var worstIn = errors.Where(e => e.In).Max(e => e.Error);
        var bestOut = errors.Where(e => !e.In).Min(e => e.Error);
        Assert.True(worstIn <= bestOut, $"a weight with error {worstIn} was quantized before one with {bestOut}");

        layer.ComputeEffective();
        for (var i = 0; i < weights[2].Count; i++)
            Assert.Equal(layer.IsQuantized(i) ? parameters.Dequantize(layer.Symbols[i]) : weights[2].Dense[i], weights[2].Effective[i]);
    }

    [Fact]
    public void Per_layer_bits_plan_each_named_layer_at_its_width_and_the_rest_at_the_default()
    {
        using var model = ModelZoo.Create("lenet-300-100", null, seed: 8);
        var weights = Weights(model);
        var layers = weights.Select(w => (w, Enumerable.Repeat(true, w.Count).ToArray())).ToArray();
        var options = new QuantizationOptions { Bits = 5, Seed = 3 };
        var widths = new Dictionary<string, int> { [weights[0].Name] = 3, [weights[2].Name] = 8 };

        var mixed = new FocusedFineTuner(layers, options, new FineTuneSchedule(), widths);
        var uniform = new FocusedFineTuner(layers, options, new FineTuneSchedule());

        Assert.Equal([3, 5, 8], mixed.Layers.Select(l => l.CurrentPlan.Parameters.Bits));
        // A layer at the default width is planned exactly as the uniform fine-tuner plans it (same per-layer seed).
        Assert.Equal(uniform.Layers[1].CurrentPlan.Parameters, mixed.Layers[1].CurrentPlan.Parameters);
        Assert.Equal(uniform.Layers[1].CurrentPlan.Assignments.ToArray(), mixed.Layers[1].CurrentPlan.Assignments.ToArray());
    }

    [Fact]
    public void A_nan_gradient_stops_fine_tuning_in_the_layer_before_it_reaches_alpha_or_the_weights()
    {
        using var model = ModelZoo.Create("lenet-300-100", null, seed: 4);
        var weights = Weights(model);
        var tuner = new FocusedFineTuner(weights.Select(w => (w, Enumerable.Repeat(true, w.Count).ToArray())), new QuantizationOptions { Bits = 4, Seed = 2 },
            new FineTuneSchedule { LearningRate = 0.01 }.Scaled(0.34));
        var poisoned = new GradientPoison(tuner, weights[1], index: 7, atStep: 3);
        using var trainer = new Trainer(model, new TrainerOptions { BatchSize = 64, LearningRate = 0.01, WeightDecay = 0, Stage = "quantize (fine-tune)" });
        var before = weights[1].Parameter.data<float>().ToArray();

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.TrainEpoch(SyntheticImages.Create(512, seed: 6), poisoned, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("quantize (fine-tune) diverged at epoch 1, batch 4/8: gradient of fc2.weight NaN at index 7", error.Message);
        Assert.Equal("fc2.weight", error.Layer);
        Assert.All(tuner.Layers, l => Assert.True(float.IsFinite(l.Alpha)));
        Assert.Equal(-1, NonFinite.IndexOf(weights[1].Parameter.data<float>().ToArray()));
        Assert.NotEqual(before, weights[1].Parameter.data<float>().ToArray());
    }

    [Fact]
    public void A_non_finite_weight_is_a_divergence_before_the_planner_sees_it()
    {
        using var model = ModelZoo.Create("lenet-300-100", null, seed: 4);
        var weights = Weights(model);
        var masks = weights.Select(w => Enumerable.Repeat(true, w.Count).ToArray()).ToArray();
        var options = new QuantizationOptions { Bits = 4, Seed = 2 };
        var schedule = new FineTuneSchedule { LearningRate = 0.01 }.Scaled(0.34);
        var tuner = new FocusedFineTuner(weights.Zip(masks), options, schedule);
        using var trainer = new Trainer(model, new TrainerOptions { BatchSize = 64, LearningRate = 0.01, WeightDecay = 0, Stage = "quantize (fine-tune)" });
        var data = SyntheticImages.Create(128, seed: 6);
        trainer.TrainEpoch(data, tuner, cancellationToken: TestContext.Current.CancellationToken);

        // Epoch 2 re-estimates every layer's mixture from its weights: the planner would refuse a NaN as bad input.
        MemoryMarshal.Cast<byte, float>(weights[2].Parameter.bytes)[3] = float.PositiveInfinity;
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.TrainEpoch(data, tuner, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal("quantize (fine-tune) diverged at the start of epoch 2: weight fc3.weight +inf at index 3", error.Message);

        var planning = Assert.Throws<TrainingDivergedException>(() => new FocusedFineTuner(weights.Zip(masks), options, schedule));
        Assert.Equal(("fc3.weight", null), (planning.Layer, planning.Stage));
    }

    [Fact]
    public void Rolling_back_the_trainer_and_the_fine_tuner_makes_an_epoch_run_again_exactly_as_before()
    {
        using var model = ModelZoo.Create("lenet-300-100", null, seed: 4);
        var weights = Weights(model);
        var tuner = new FocusedFineTuner(weights.Select(w => (w, Enumerable.Repeat(true, w.Count).ToArray())), new QuantizationOptions { Bits = 4, Seed = 2 },
            new FineTuneSchedule { LearningRate = 0.01 }.Scaled(0.34));
        using var trainer = new Trainer(model, new TrainerOptions { BatchSize = 64, LearningRate = 0.01, WeightDecay = 0 });
        var data = SyntheticImages.Create(256, seed: 6);
        trainer.TrainEpoch(data, tuner, cancellationToken: TestContext.Current.CancellationToken);
        using var start = trainer.Snapshot();
        var restore = tuner.SaveState();
        (int Count, float Alpha, object Plan) Layer(int l) => (tuner.Layers[l].QuantizedCount, tuner.Layers[l].Alpha, tuner.Layers[l].CurrentPlan);
        var atStart = Enumerable.Range(0, 3).Select(Layer).ToArray();

        // Epoch 2 starts a step (the quantized set grows) and re-estimates every layer.
        trainer.TrainEpoch(data, tuner, cancellationToken: TestContext.Current.CancellationToken);
        var once = (Layers: Enumerable.Range(0, 3).Select(Layer).Select(l => (l.Count, l.Alpha)).ToArray(), Weights: weights.Select(w => w.Parameter.data<float>().ToArray()).ToArray());
        Assert.NotEqual(atStart.Select(l => (l.Count, l.Alpha)), once.Layers);

        trainer.Restore(start);
        restore();
        Assert.Equal(atStart, Enumerable.Range(0, 3).Select(Layer));
        trainer.TrainEpoch(data, tuner, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(once.Layers, Enumerable.Range(0, 3).Select(Layer).Select(l => (l.Count, l.Alpha)));
        Assert.Equal(once.Weights, weights.Select(w => w.Parameter.data<float>().ToArray()));
    }

    [Fact]
    public void The_pruning_retrainers_saved_state_puts_its_masks_back()
    {
        using var model = ModelZoo.Create("lenet-300-100", null, seed: 3);
        var weights = Weights(model);
        var pruner = PruningRetrainer.ToSparsity(weights, [0.8, 0.8, 0.5], totalSteps: 8, updateEvery: 2);
        using var trainer = new Trainer(model, new TrainerOptions { BatchSize = 64, LearningRate = 0.05 });
        var restore = pruner.SaveState();
        var before = pruner.Masks.Select(m => m.ToArray()).ToArray();

        trainer.TrainEpoch(SyntheticImages.Create(256, seed: 5), pruner, cancellationToken: TestContext.Current.CancellationToken);
        Assert.NotEqual(before, pruner.Masks.Select(m => m.ToArray()));
        restore();

        Assert.Equal(before, pruner.Masks.Select(m => m.ToArray()));
    }

    /// <summary>The fine-tuner's hooks, with one gradient entry made NaN just before the fine-tuner reads it.</summary>
    private sealed class GradientPoison(FocusedFineTuner tuner, ShadowedWeight weight, int index, long atStep) : ITrainingHooks
    {
        public void OnEpochStart(int epoch) => tuner.OnEpochStart(epoch);

        public void BeforeForward(long step) => tuner.BeforeForward(step);

        public void BeforeOptimizerStep(long step)
        {
            if (step == atStep)
            {
                using var gradient = weight.Parameter.grad!;
                MemoryMarshal.Cast<byte, float>(gradient.bytes)[index] = float.NaN;
            }
            tuner.BeforeOptimizerStep(step);
        }
    }

    private static ShadowedWeight[] Weights(nn.Module<Tensor, Tensor> model)
    {
        var named = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        return ModelZoo.QuantizableParameters(model).Select(n => new ShadowedWeight(n, named[n])).ToArray();
    }
}
