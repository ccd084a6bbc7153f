using System.Runtime.InteropServices;
using FocusedQuantization.Compression.Training;
using TorchSharp;
using Xunit;
using static FocusedQuantization.Compression.Tests.Training.SyntheticData;

namespace FocusedQuantization.Compression.Tests.Training;

public sealed class TrainerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public TrainerTests() => torch.set_num_threads(1);

    [Theory]
    [InlineData(OptimizerKind.Sgd, 0.1)]
    [InlineData(OptimizerKind.Adam, 0.01)]
    public void A_small_network_learns_a_separable_task_well_above_chance(OptimizerKind optimizer, double learningRate)
    {
        var train = Quadrants(400, 1);
        var test = Quadrants(200, 2);
        using var model = SmallNet(3);
        var before = Evaluator.Evaluate(model, test);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 15, BatchSize = 20, LearningRate = learningRate, Optimizer = optimizer });
        var epochs = trainer.Train(train, cancellationToken: Ct);
        var after = Evaluator.Evaluate(model, test);
        Assert.InRange(after.Top1Percent, 90, 100); // chance is 25 %
        Assert.True(after.Loss < before.Loss / 2, $"loss {before.Loss} -> {after.Loss}");
        Assert.Equal(15, epochs.Count);
        Assert.True(epochs[^1].Loss < epochs[0].Loss);
        Assert.Equal(20, epochs[0].Batches);
    }

    [Fact]
    public void Calls_the_hooks_in_order_with_one_step_per_batch()
    {
        using var model = SmallNet(1);
        var hooks = new RecordingHooks(model);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 2, BatchSize = 4 });
        trainer.Train(Quadrants(10, 1), hooks, cancellationToken: Ct); // 3 batches per epoch: 4 + 4 + 2
        var expected = new List<string>();
        for (var epoch = 0; epoch < 2; epoch++)
        {
            expected.Add($"start {epoch}");
            for (var step = 3 * epoch; step < 3 * epoch + 3; step++)
                expected.AddRange([$"forward {step}", $"before step {step}", $"after step {step}"]);
            expected.Add($"end {epoch}");
        }
        Assert.Equal(expected, hooks.Calls);
        Assert.All(hooks.GradientsClearBeforeForward, Assert.True);
        Assert.All(hooks.GradientsPresentBeforeStep, Assert.True);
        Assert.Equal(6, trainer.Step);
        Assert.Equal(2, trainer.EpochsCompleted);
    }

    [Fact]
    public void The_same_seeds_give_the_same_weights_and_another_shuffle_seed_different_ones()
    {
        var data = Quadrants(64, 5);
        torch.nn.Module<torch.Tensor, torch.Tensor> Trained(long shuffleSeed)
        {
            var model = SmallNet(11);
            using var trainer = new Trainer(model, new TrainerOptions { Epochs = 2, BatchSize = 8, Seed = shuffleSeed, LearningRate = 0.05 });
            trainer.Train(data, cancellationToken: Ct);
            return model;
        }
        using var a = Trained(7);
        using var b = Trained(7);
        using var c = Trained(8);
        Assert.True(SameState(a, b));
        Assert.False(SameState(a, c));
    }

    [Fact]
    public void Reports_progress_at_the_configured_interval_and_after_the_last_batch()
    {
        using var model = SmallNet(1);
        var progress = new ListProgress<TrainingProgress>();
        using var trainer = new Trainer(model, new TrainerOptions { BatchSize = 2, ProgressEveryBatches = 2, LearningRate = 0.05 });
        var summary = trainer.TrainEpoch(Quadrants(10, 1), progress: progress, cancellationToken: Ct);
        Assert.Equal([2, 4, 5], progress.Reports.Select(p => p.Batch));
        Assert.All(progress.Reports, p => Assert.Equal(5, p.BatchesPerEpoch));
        Assert.Equal([2L, 4L, 5L], progress.Reports.Select(p => p.Step));
        var last = progress.Reports[^1];
        Assert.Equal(summary.Loss, last.RunningLoss, 12);
        Assert.Equal(summary.AccuracyPercent, last.RunningAccuracyPercent, 12);
        Assert.InRange(last.RunningAccuracyPercent, 0, 100);
        Assert.Equal(0.05, last.LearningRate);
    }

    [Fact]
    public void Stops_between_batches_when_cancelled()
    {
        using var model = SmallNet(1);
        using var cancellation = new CancellationTokenSource();
        var hooks = new RecordingHooks(model) { AfterStep = step => { if (step == 1) cancellation.Cancel(); } };
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 3, BatchSize = 2 });
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Train(Quadrants(20, 1), hooks, null, cancellation.Token));
        Assert.Equal(2, trainer.Step);
        Assert.Equal(0, trainer.EpochsCompleted);
        Assert.DoesNotContain("end 0", hooks.Calls);
    }

    [Fact]
    public void Step_decay_lowers_the_rate_every_configured_number_of_epochs()
    {
        using var model = SmallNet(1);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 5, BatchSize = 10, LearningRate = 0.08, LearningRateStepEpochs = 2, LearningRateDecay = 0.5 });
        var epochs = trainer.Train(Quadrants(20, 1), cancellationToken: Ct);
        Assert.Equal([0.08, 0.08, 0.04, 0.04, 0.02], epochs.Select(e => e.LearningRate));
    }

    [Fact]
    public void A_schedule_function_sets_the_rate_of_each_epoch()
    {
        using var model = SmallNet(1);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 3, BatchSize = 10, LearningRateSchedule = epoch => 0.1 / (epoch + 1) });
        Assert.Equal([0.1, 0.05, 0.1 / 3], trainer.Train(Quadrants(20, 1), cancellationToken: Ct).Select(e => e.LearningRate));
    }

    [Fact]
    public void A_rate_set_between_epochs_takes_effect_in_the_optimiser()
    {
        var data = Quadrants(40, 1);
        using var model = SmallNet(1);
        using var reference = SmallNet(1);
        using var trainer = new Trainer(model, new TrainerOptions { BatchSize = 8, Momentum = 0, WeightDecay = 0, LearningRate = 0.5 });
        trainer.LearningRate = 1e-30;
        var summary = trainer.TrainEpoch(data, cancellationToken: Ct);
        Assert.Equal(1e-30, summary.LearningRate);
        Assert.True(SameState(model, reference), "a negligible rate still moved the weights");
        trainer.LearningRate = 0.5;
        trainer.TrainEpoch(data, cancellationToken: Ct);
        Assert.False(SameState(model, reference));
    }

    [Fact]
    public void A_weight_made_nan_by_a_step_stops_training_at_once_naming_stage_epoch_batch_and_layer()
    {
        using var model = SmallNet(1);
        // Step 4 is the second batch of the second epoch (3 batches of 4, 4, 2 images per epoch).
        var hooks = new RecordingHooks(model) { BeforeStep = step => { if (step == 4) PoisonGradient(model, "fc2.weight", 5); } };
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 3, BatchSize = 4, Stage = "prune" });

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Train(Quadrants(10, 1), hooks, cancellationToken: Ct));

        Assert.Equal(("prune", 2, 2, 3, "fc2.weight"), (error.Stage, error.Epoch, error.Batch, error.Batches, error.Layer));
        Assert.Equal("prune diverged at epoch 2, batch 2/3: weight fc2.weight NaN at index 5", error.Message);
        // Stopped where it happened: the step is not counted, nothing after it ran, and the epoch is not complete.
        Assert.Equal(4, trainer.Step);
        Assert.Equal(1, trainer.EpochsCompleted);
        Assert.Equal("before step 4", hooks.Calls[^1]);
    }

    [Fact]
    public void A_learning_rate_that_blows_the_weights_up_stops_at_the_first_non_finite_loss()
    {
        using var model = SmallNet(1);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 2, BatchSize = 4, LearningRate = 1e36, Momentum = 0, Stage = "baseline" });

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Train(Quadrants(10, 1), cancellationToken: Ct));

        Assert.Equal("baseline", error.Stage);
        Assert.Null(error.Layer);
        Assert.StartsWith("loss ", error.Reason);
        Assert.Equal($"baseline diverged at epoch {error.Epoch}, batch {error.Batch}/3: {error.Reason}", error.Message);
        // The first step is finite (its loss was); what it did to the weights shows in a later loss.
        Assert.True(trainer.Step >= 1);
        Assert.Equal(trainer.Step, 3L * (error.Epoch!.Value - 1) + error.Batch!.Value - 1);
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    public void An_epoch_run_again_after_a_restore_gives_the_same_weights_as_the_first_time(OptimizerKind optimizer)
    {
        var data = Quadrants(40, 3);
        using var model = SmallNet(2);
        using var trainer = new Trainer(model, new TrainerOptions { BatchSize = 8, LearningRate = 0.05, Optimizer = optimizer });
        trainer.TrainEpoch(data, cancellationToken: Ct);
        using var start = trainer.Snapshot();
        var first = trainer.TrainEpoch(data, cancellationToken: Ct);
        var once = Weights(model);

        trainer.Restore(start);
        Assert.Equal((5L, 1), (trainer.Step, trainer.EpochsCompleted));
        var again = trainer.TrainEpoch(data, cancellationToken: Ct);

        // Same order, same momentum (or moments), same weights: a retry differs from the first try only in what it changes.
        Assert.Equal(once, Weights(model));
        Assert.NotEqual(once, WeightsAfterAnotherEpoch(trainer, data));
        Assert.Equal(first.Loss, again.Loss);
        Assert.Equal(first.Epoch, again.Epoch);
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    public void A_trainer_saved_to_bytes_and_loaded_into_a_new_one_goes_on_exactly_as_the_first_would(OptimizerKind optimizer)
    {
        var data = Quadrants(40, 3);
        var options = new TrainerOptions { BatchSize = 8, LearningRate = 0.05, Optimizer = optimizer };
        using var model = SmallNet(2);
        using var trainer = new Trainer(model, options);
        trainer.TrainEpoch(data, cancellationToken: Ct);
        using var modelBytes = new MemoryStream();
        Checkpoint.Save(model, modelBytes);
        using var trainerBytes = new MemoryStream();
        trainer.SaveState(trainerBytes);
        var second = trainer.TrainEpoch(data, cancellationToken: Ct);

        // Another model (other initial weights) and trainer, as a resumed process has them.
        using var copy = SmallNet(9);
        modelBytes.Position = 0;
        Checkpoint.Load(copy, modelBytes);
        using var resumed = new Trainer(copy, options);
        trainerBytes.Position = 0;
        resumed.LoadState(trainerBytes);
        Assert.Equal((5L, 1), (resumed.Step, resumed.EpochsCompleted));
        var again = resumed.TrainEpoch(data, cancellationToken: Ct);

        Assert.Equal(Weights(model), Weights(copy));
        Assert.Equal(second.Loss, again.Loss);
        using var spare = SmallNet(9);
        using var fresh = new Trainer(spare, options);
        Assert.Throws<InvalidDataException>(() => fresh.LoadState(new MemoryStream(trainerBytes.ToArray()[..^4])));
        using var otherKind = new Trainer(spare, options with { Optimizer = optimizer == OptimizerKind.Sgd ? OptimizerKind.Adam : OptimizerKind.Sgd });
        trainerBytes.Position = 0;
        Assert.Throws<InvalidDataException>(() => otherKind.LoadState(trainerBytes));
    }

    [Fact]
    public void A_snapshot_of_another_trainer_is_refused()
    {
        using var model = SmallNet(1);
        using var a = new Trainer(model);
        using var b = new Trainer(model);
        using var snapshot = a.Snapshot();
        Assert.Throws<ArgumentException>(() => b.Restore(snapshot));
    }

    [Fact]
    public void Non_finite_values_are_found_at_any_position_and_only_there()
    {
        for (var length = 0; length < 70; length++)
        {
            var values = Enumerable.Range(0, length).Select(i => (float)Math.Sin(i) * 1e30f).ToArray();
            Assert.Equal(-1, NonFinite.IndexOf(values));
            for (var at = 0; at < length; at++)
            {
                foreach (var bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
                {
                    var copy = (float[])values.Clone();
                    copy[at] = bad;
                    Assert.Equal(at, NonFinite.IndexOf(copy));
                }
            }
        }
        Assert.Equal(-1, NonFinite.IndexOf([float.MaxValue, float.MinValue, float.Epsilon, -0f]));
    }

    private static float[][] Weights(torch.nn.Module model) => model.parameters().Select(p => p.data<float>().ToArray()).ToArray();

    private static float[][] WeightsAfterAnotherEpoch(Trainer trainer, FocusedQuantization.Compression.Data.ImageDataset data)
    {
        trainer.TrainEpoch(data, cancellationToken: Ct);
        return Weights(trainer.Model);
    }

    private static void PoisonGradient(torch.nn.Module model, string parameter, int index)
    {
        using var gradient = model.named_parameters().Single(p => p.name == parameter).parameter.grad!;
        // Written through the storage: no Scalar is involved (see HeldScalar).
        MemoryMarshal.Cast<byte, float>(gradient.bytes)[index] = float.NaN;
    }

    [Fact]
    public void Rejects_out_of_range_options_naming_the_setting()
    {
        using var model = SmallNet(1);
        var error = Assert.Throws<ArgumentException>(() => new Trainer(model, new TrainerOptions { BatchSize = 0 }));
        Assert.Contains("Batch size", error.Message);
        Assert.Throws<ArgumentException>(() => new Trainer(model, new TrainerOptions { LearningRate = -1 }));
    }
}
