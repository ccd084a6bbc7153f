using System.Runtime.InteropServices;
using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Stages;
using FocusedQuantization.Compression.Training;
using Xunit;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Tests.Stages;

/// <summary>Fine-tuning that diverges is rolled back and retried, or fails the trial; a collapsed model fails it too.</summary>
public sealed class DivergenceRecoveryTests(StageFixture fixture)
{
    // Five epochs (one per step of the paper's schedule) at 0.002, 16 batches each on the fixture's 1000 images.
    private static readonly TrialSpec Spec = new(StageFixture.Prune, Bits: 5, null, WSep: 2.0, OverflowRate: null, ScheduleScale: 0.1,
        FineTuneLearningRate: 0.002, CodingMode.ContextArithmetic, Seed: 4);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void An_epoch_that_diverges_once_is_rolled_back_and_retried_at_half_the_rate_and_the_run_is_repeatable()
    {
        _ = fixture.PrunedId;
        CompressionReport Run(string name, SyncProgress progress) => TrialStage.Run(Spec, fixture.Store, fixture.Data, Path.Combine(fixture.Folder, name), progress,
            model => new NanGradient(model, "conv1.weight", epoch: 2, everyTime: false), Ct);
        var progress = new SyncProgress();

        var report = Run("recovered.fqz", progress);

        var expected = new TrainingRecovery(TrialStage.FineTuneStage, Epoch: 3, Batch: 1, "weight conv1.weight NaN at index 0", 0.001);
        Assert.Equal([expected], report.Recoveries);
        Assert.Equal("epoch 3 diverged (weight conv1.weight NaN at index 0, batch 1); restored epoch start, retrying at lr 0.001", expected.Describe());
        Assert.Contains(progress.Reports, p => p is { Notice: true, Stage: PipelineStage.Quantize } && p.Detail == expected.Describe());
        // One summary per epoch of the schedule, the retried one at the rate it was retried at.
        Assert.Equal([0.002, 0.002, 0.001, 0.002, 0.002], report.FineTuneEpochs.Select(e => e.LearningRate));
        Assert.Equal([0, 1, 2, 3, 4], report.FineTuneEpochs.Select(e => e.Epoch));
        Assert.All(report.FineTuneEpochs, e => Assert.True(double.IsFinite(e.Loss)));

        var decoded = FqzFile.Read(Path.Combine(fixture.Folder, "recovered.fqz"));
        using var restored = ModelState.Restore(decoded);
        Assert.All(restored.parameters(), p => Assert.Null(NonFinite.Find(p)));
        Assert.All(decoded.Layers, l => Assert.True(float.IsFinite(l.Parameters.Alpha)));
        Assert.False(AccuracyCollapse.IsCollapsed(report.Top1Compressed, 10), $"top-1 {report.Top1Compressed}");

        var again = Run("recovered-again.fqz", new SyncProgress());
        Assert.Equal(report.Recoveries, again.Recoveries);
        Assert.Equal(File.ReadAllBytes(Path.Combine(fixture.Folder, "recovered.fqz")), File.ReadAllBytes(Path.Combine(fixture.Folder, "recovered-again.fqz")));
    }

    [Fact]
    public void An_epoch_that_keeps_diverging_fails_the_trial_after_two_retries_and_writes_nothing()
    {
        _ = fixture.PrunedId;
        var output = Path.Combine(fixture.Folder, "diverged.fqz");
        var progress = new SyncProgress();

        var error = Assert.Throws<TrainingDivergedException>(() => TrialStage.Run(Spec, fixture.Store, fixture.Data, output, progress,
            model => new NanGradient(model, "conv1.weight", epoch: 1, everyTime: true), Ct));

        Assert.Equal(DivergenceRecovery.MaxRetries, error.Retries);
        Assert.Equal((TrialStage.FineTuneStage, 2, 1, "conv1.weight"), (error.Stage, error.Epoch, error.Batch, error.Layer));
        Assert.Equal("quantize (fine-tune) diverged at epoch 2, batch 1/15: weight conv1.weight NaN at index 0 " +
            "(still diverging after 2 retries at a halved learning rate)", error.Message);
        Assert.Equal(
            ["epoch 2 diverged (weight conv1.weight NaN at index 0, batch 1); restored epoch start, retrying at lr 0.001",
             "epoch 2 diverged (weight conv1.weight NaN at index 0, batch 1); restored epoch start, retrying at lr 0.0005"],
            progress.Reports.Where(p => p.Notice).Select(p => p.Detail));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void A_model_that_collapses_below_twice_chance_fails_the_trial_and_its_file_is_deleted()
    {
        _ = fixture.PrunedId;
        var output = Path.Combine(fixture.Folder, "collapsed.fqz");

        var error = Assert.Throws<ModelCollapsedException>(() => TrialStage.Run(Spec, fixture.Store, fixture.Data, output, null,
            model => new ZeroedLayer(model, "fc2.weight"), Ct));

        Assert.Matches(@"^The compressed model collapsed: top-1 \d+\.\d\d % on 10 classes is below twice chance \(20\.00 %\)", error.Message);
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData(19.99, 10, true)]
    [InlineData(20.0, 10, false)]
    [InlineData(1.99, 100, true)]
    [InlineData(2.0, 100, false)]
    [InlineData(double.NaN, 10, true)]
    [InlineData(100.0, 2, false)]
    [InlineData(99.9, 2, true)]
    public void Collapse_is_a_top1_below_twice_chance(double top1, int classes, bool collapsed) =>
        Assert.Equal(collapsed, AccuracyCollapse.IsCollapsed(top1, classes));

    [Fact]
    public void Collapse_needs_at_least_two_classes() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => AccuracyCollapse.IsCollapsed(50, 1));

    /// <summary>Makes one gradient entry NaN on the first step of an epoch, as an overflowing backward pass would.</summary>
    private sealed class NanGradient(nn.Module model, string parameter, int epoch, bool everyTime) : ITrainingHooks
    {
        private int _epoch;
        private bool _firstStep;
        private bool _fired;

        public void OnEpochStart(int current) => (_epoch, _firstStep) = (current, true);

        public void BeforeOptimizerStep(long step)
        {
            if (_epoch == epoch && _firstStep && (everyTime || !_fired))
            {
                using var gradient = model.named_parameters().Single(p => p.name == parameter).parameter.grad!;
                MemoryMarshal.Cast<byte, float>(gradient.bytes)[0] = float.NaN;
                _fired = true;
            }
            _firstStep = false;
        }
    }

    /// <summary>Keeps one layer's weights at zero, so the model predicts from biases alone: finite, and useless.</summary>
    private sealed class ZeroedLayer(nn.Module model, string parameter) : ITrainingHooks
    {
        public void AfterOptimizerStep(long step)
        {
            using var noGrad = no_grad();
            MemoryMarshal.Cast<byte, float>(model.named_parameters().Single(p => p.name == parameter).parameter.bytes).Clear();
        }
    }
}
