using FocusedQuantization.Compression.Models;
using FocusedQuantization.Compression.Quantization;
using FocusedQuantization.Compression.Retraining;
using FocusedQuantization.Compression.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Tests.Retraining;

/// <summary>STE against INQ fine-tuning on a real (small) model and trainer, and the separation a layer reports.</summary>
public sealed class FineTuneModeTests
{
    [Fact]
    public void In_inq_mode_a_weight_never_changes_after_it_joins_the_quantized_set()
    {
        var run = FineTune(FineTuneMode.Inq);

        Assert.Equal(0, run.SymbolChanges);
        Assert.Equal(0, run.LevelChanges);
        Assert.Equal(0, run.DenseChanges);
        Assert.Equal(0, run.ForwardMismatches);
        Assert.Equal(0, run.FinalSymbolChanges);
        Assert.False(run.Replanned, "an INQ layer's plan was re-estimated");
        // Training still happened: the weights not yet quantized moved.
        Assert.True(run.FreeWeightsMoved > 0, "no weight outside the quantized set moved");
        Assert.True(run.Joined > 0);
    }

    [Fact]
    public void In_ste_mode_quantized_weights_keep_training_and_may_change_symbol()
    {
        var run = FineTune(FineTuneMode.Ste);

        // The same run without freezing: the counts the INQ test holds at zero are not zero here.
        Assert.True(run.SymbolChanges > 0, "no quantized weight changed its symbol under STE");
        Assert.True(run.DenseChanges > 0, "no quantized weight's dense value moved under STE");
        Assert.True(run.Replanned, "an STE layer was never re-estimated");
    }

    [Fact]
    public void Inq_schedule_never_reestimates_while_ste_reestimates_after_1_2_4_epochs()
    {
        var ste = new FineTuneSchedule().Expand();
        var inq = new FineTuneSchedule { Mode = FineTuneMode.Inq }.Expand();

        Assert.Equal([1, 3, 7, 15], ste.Where(e => e.Reestimate).Select(e => e.Index));
        Assert.DoesNotContain(inq, e => e.Reestimate);
        // Everything else about the schedule is the same.
        Assert.Equal(ste.Select(e => e with { Reestimate = false }), inq);
    }

    [Fact]
    public void An_inq_layer_refuses_re_estimation_once_a_weight_is_frozen()
    {
        using var model = ModelZoo.Create("lenet-300-100", null, seed: 8);
        var weights = Weights(model);
        var mask = Enumerable.Repeat(true, weights[2].Count).ToArray();
        var tuner = new FocusedFineTuner([(weights[2], mask)], new QuantizationOptions { Bits = 4, Seed = 1 }, new FineTuneSchedule { Mode = FineTuneMode.Inq });
        var layer = tuner.Layers[0];

        layer.Reestimate();
        layer.GrowQuantizedSet(0.25);

        Assert.Throws<InvalidOperationException>(layer.Reestimate);
    }

    [Fact]
    public void A_layer_keeps_the_separation_of_the_plan_that_chose_its_mode_after_re_estimation_moves_it()
    {
        // Two well separated peaks: recentralized. Then the weights become one peak: a new plan's separation falls below
        // w_sep, but re-estimation keeps the mode, so the separation that explains the mode is the first plan's.
        var random = new Random(3);
        var values = new float[4000];
        for (var i = 0; i < values.Length; i++) values[i] = (i % 2 == 0 ? 0.1f : -0.1f) + 0.01f * Gaussian(random);
        using var parameter = tensor(values).requires_grad_(false);
        var weight = new ShadowedWeight("w", parameter);
        var mask = Enumerable.Repeat(true, values.Length).ToArray();
        var tuner = new FocusedFineTuner([(weight, mask)], new QuantizationOptions { Bits = 5, Seed = 1 }, new FineTuneSchedule());
        var layer = tuner.Layers[0];
        var first = layer.CurrentPlan.Separation;
        Assert.Equal(QuantizationMode.Recentralized, layer.CurrentPlan.Parameters.Mode);

        for (var i = 0; i < values.Length; i++) values[i] = 0.05f * Gaussian(random);
        using (var unimodal = tensor(values)) parameter.copy_(unimodal);
        layer.CaptureDense();
        layer.Reestimate();

        Assert.True(layer.CurrentPlan.Separation < Recentralization.DefaultSeparationThreshold,
            $"the one-peak weights still have separation {layer.CurrentPlan.Separation}");
        Assert.Equal(QuantizationMode.Recentralized, layer.CurrentPlan.Parameters.Mode);
        Assert.Equal(first, layer.ModeSeparation);
        Assert.True(layer.ModeSeparation >= Recentralization.DefaultSeparationThreshold);
    }

    /// <summary>What happened to the weights of the quantized set over a fine-tuning run, counted over every layer.</summary>
    private sealed record Run(
        int Joined, int SymbolChanges, int LevelChanges, int DenseChanges, int ForwardMismatches, int FinalSymbolChanges, int FreeWeightsMoved, bool Replanned);

    /// <summary>
    /// Prunes a briefly trained LeNet-300-100 and fine-tunes it on 5 steps of one epoch each (plus 2 for the last),
    /// recording each quantized weight's symbol, level and dense value when it is first seen in the set and comparing
    /// them at the end of every later epoch and after Finish.
    /// </summary>
    private static Run FineTune(FineTuneMode mode)
    {
        using var model = ModelZoo.Create("lenet-300-100", null, seed: 4);
        var data = SyntheticImages.Create(512, seed: 6);
        var weights = Weights(model);
        using (var baseline = new Trainer(model, new TrainerOptions { Epochs = 1, BatchSize = 64, LearningRate = 0.05, Seed = 1 }))
            baseline.Train(data, cancellationToken: TestContext.Current.CancellationToken);
        var pruner = PruningRetrainer.ToSparsity(weights, [0.9, 0.8, 0.5], totalSteps: 1);
        pruner.Finish();

        // A high rate, so that under STE weights do cross from one level to the next within a few epochs.
        var schedule = new FineTuneSchedule { LearningRate = 0.05, Mode = mode }.Scaled(0.34);
        var tuner = new FocusedFineTuner(weights.Zip(pruner.Masks.ToArray()), new QuantizationOptions { Bits = 4, Seed = 2 }, schedule);
        var plans = tuner.Layers.Select(l => l.CurrentPlan).ToArray();
        var joined = tuner.Layers.Select(l => new Dictionary<int, (int Symbol, float Level, float Dense)>()).ToArray();
        var free = tuner.Layers.Select(l => l.Weight.Dense.ToArray()).ToArray();
        int symbolChanges = 0, levelChanges = 0, denseChanges = 0, mismatches = 0, freeMoved = 0;
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 1, BatchSize = 64, LearningRate = 0.05, Seed = 2, WeightDecay = 0 });
        foreach (var epoch in tuner.Epochs)
        {
            trainer.LearningRate = epoch.LearningRate;
            trainer.TrainEpoch(data, tuner, cancellationToken: TestContext.Current.CancellationToken);
            for (var l = 0; l < tuner.Layers.Count; l++)
            {
                var layer = tuner.Layers[l];
                // What the next forward pass will see: the hooks' own capture, with alpha after the last step.
                layer.CaptureDense();
                layer.ComputeEffective();
                var unit = layer.FinalParameters with { Alpha = 1f };
                for (var i = 0; i < layer.Weight.Count; i++)
                {
                    if (!layer.Mask[i]) continue;
                    if (!layer.IsQuantized(i))
                    {
                        if (layer.Weight.Dense[i] != free[l][i]) freeMoved++;
                        free[l][i] = layer.Weight.Dense[i];
                        continue;
                    }
                    var now = (Symbol: layer.Symbols[i], Level: unit.Dequantize(layer.Symbols[i]), Dense: layer.Weight.Dense[i]);
                    if (layer.Weight.Effective[i] != layer.Alpha * now.Level) mismatches++;
                    if (!joined[l].TryGetValue(i, out var then))
                    {
                        joined[l][i] = now;
                        continue;
                    }
                    if (now.Symbol != then.Symbol) symbolChanges++;
                    if (now.Level != then.Level) levelChanges++;
                    if (now.Dense != then.Dense) denseChanges++;
                }
            }
        }
        var replanned = tuner.Layers.Where((l, i) => !ReferenceEquals(l.CurrentPlan, plans[i])).Any();
        var final = tuner.Finish();
        var finalChanges = final.Select((q, l) => joined[l].Count(j => q.Symbols[j.Key] != j.Value.Symbol)).Sum();
        return new Run(joined.Sum(j => j.Count), symbolChanges, levelChanges, denseChanges, mismatches, finalChanges, freeMoved, replanned);
    }

    private static float Gaussian(Random random) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));

    private static ShadowedWeight[] Weights(nn.Module<Tensor, Tensor> model)
    {
        var named = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        return ModelZoo.QuantizableParameters(model).Select(n => new ShadowedWeight(n, named[n])).ToArray();
    }
}
