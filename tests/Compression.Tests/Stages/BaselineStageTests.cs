using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Stages;
using FocusedQuantization.Compression.Training;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Stages;

public sealed class BaselineStageTests(StageFixture fixture)
{
    [Fact]
    public void A_second_ensure_returns_the_same_id_without_training_again()
    {
        var store = fixture.Store;
        var id = BaselineStage.Ensure(StageFixture.Baseline, store, fixture.Data, cancellationToken: TestContext.Current.CancellationToken);
        var written = File.GetLastWriteTimeUtc(store.PathOf(StageNames.Checkpoint(id)));
        var progress = new SyncProgress();

        var again = BaselineStage.Ensure(StageFixture.Baseline, store, fixture.Data, progress, TestContext.Current.CancellationToken);

        Assert.Equal(id, again);
        Assert.Equal(0, progress.TrainingReports);
        Assert.Contains(progress.Reports, r => r.Stage == PipelineStage.Baseline && r.Detail.Contains("reusing"));
        Assert.Equal(written, File.GetLastWriteTimeUtc(store.PathOf(StageNames.Checkpoint(id))));
    }

    [Fact]
    public void A_baseline_trained_at_a_rate_that_diverges_is_rolled_back_and_retried_and_its_manifest_keeps_the_recoveries()
    {
        // LeNet-300-100 at lr 9.9 in batches of 16 overflows within its first epoch on the 900 training images these 1000
        // leave after validation, and again at 4.95; 2.475 holds.
        var spec = StageFixture.Baseline with { Model = "lenet-300-100", LearningRate = 9.9, BatchSize = 16 };
        var progress = new SyncProgress();

        var id = BaselineStage.Ensure(spec, fixture.Store, fixture.Data, progress, TestContext.Current.CancellationToken);

        var recoveries = StageCheckpoint.ReadManifest(fixture.Store, id).Recoveries!;
        Assert.Equal([4.95, 2.475], recoveries.Select(r => r.LearningRate));
        Assert.All(recoveries, r => Assert.Equal((PipelineStage.Baseline, 1), (r.Stage, r.Epoch)));
        Assert.All(recoveries, r => Assert.StartsWith("loss ", r.Reason));
        Assert.Equal(recoveries.Select(r => r.Describe()), progress.Reports.Where(p => p.Notice && p.Stage == PipelineStage.Baseline).Select(p => p.Detail));
        using var checkpoint = StageCheckpoint.Load(fixture.Store, id);
        Assert.All(checkpoint.Model.parameters(), p => Assert.Null(NonFinite.Find(p)));
        // A baseline that trained cleanly records none.
        var clean = BaselineStage.Ensure(StageFixture.Baseline, fixture.Store, fixture.Data, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Null(StageCheckpoint.ReadManifest(fixture.Store, clean).Recoveries);
    }

    [Fact]
    public void The_id_depends_on_the_training_settings_and_not_on_where_data_comes_from()
    {
        var spec = StageFixture.Baseline;

        Assert.Equal(spec.Id, (spec with { TestLimit = 50, DataDirectory = "/elsewhere", AllowDownload = true, Model = "LeNet-5", Dataset = "fmnist" }).Id);
        Assert.NotEqual(spec.Id, (spec with { Seed = 2 }).Id);
        Assert.NotEqual(spec.Id, (spec with { LearningRate = 0.03 }).Id);
        Assert.NotEqual(spec.Id, (spec with { TrainLimit = null }).Id);
        Assert.StartsWith("baseline-", spec.Id);
    }

    [Fact]
    public void The_stored_dense_evaluation_is_the_checkpoints_accuracy_on_the_test_slice()
    {
        var spec = StageFixture.Baseline;
        var id = BaselineStage.Ensure(spec, fixture.Store, fixture.Data, cancellationToken: TestContext.Current.CancellationToken);

        var stored = BaselineStage.Evaluation(spec, fixture.Store, fixture.Data, TestContext.Current.CancellationToken);

        using var checkpoint = StageCheckpoint.Load(fixture.Store, id);
        var test = new DatasetCatalog().Load("fashion-mnist", DatasetSplit.Test, DatasetSubset.First(300));
        var measured = Evaluator.Evaluate(checkpoint.Model, test);
        Assert.Equal(300, stored.Count);
        Assert.Equal(measured.Top1Percent, stored.Top1Percent, 9);
        Assert.Equal(measured.Top5Percent, stored.Top5Percent, 9);
        Assert.True(stored.Top1Percent > 30, $"a trained baseline should beat chance (10 %), got {stored.Top1Percent} %");
        Assert.Equal("baseline", checkpoint.Manifest.Kind);
        Assert.Equal(["conv1.weight", "conv2.weight", "fc1.weight", "fc2.weight"], checkpoint.Manifest.Layers);
    }

    [Fact]
    public void Two_concurrent_ensures_of_one_spec_train_once_and_leave_one_valid_checkpoint()
    {
        var store = new CheckpointStore(Path.Combine(fixture.Folder, "concurrent"));
        var spec = StageFixture.Baseline with { TrainLimit = 300, Seed = 5, TestLimit = 100 };
        var first = new SyncProgress();
        var second = new SyncProgress();

        var ids = new[] { first, second }.AsParallel().WithDegreeOfParallelism(2)
            .Select(p => BaselineStage.Ensure(spec, store, fixture.Data, p, TestContext.Current.CancellationToken)).ToArray();

        Assert.Equal(ids[0], ids[1]);
        Assert.True((first.TrainingReports == 0) != (second.TrainingReports == 0), "exactly one of the two calls should train");
        Assert.Single(Directory.GetFiles(store.Root, "*.ckpt"));
        Assert.Empty(Directory.GetFiles(store.Root, "*.tmp"));
        using var checkpoint = StageCheckpoint.Load(store, ids[0]);
        Assert.Equal(spec.Id, checkpoint.Manifest.Id);
    }

    [Fact]
    public void A_cancelled_ensure_stops_and_leaves_no_checkpoint()
    {
        var store = new CheckpointStore(Path.Combine(fixture.Folder, "cancelled"));
        using var cancellation = new CancellationTokenSource();
        var progress = new CancelOnFirstBatch(cancellation);

        Assert.ThrowsAny<OperationCanceledException>(() => BaselineStage.Ensure(StageFixture.Baseline with { Seed = 9 }, store, fixture.Data, progress, cancellation.Token));

        Assert.False(store.Exists(StageNames.Manifest((StageFixture.Baseline with { Seed = 9 }).Id)));
        Assert.Empty(Directory.GetFiles(store.Root));
    }

    private sealed class CancelOnFirstBatch(CancellationTokenSource cancellation) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value)
        {
            if (value.Detail.StartsWith("epoch", StringComparison.Ordinal)) cancellation.Cancel();
        }
    }
}
