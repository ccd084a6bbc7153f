using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Tracking;

namespace FocusedQuantization.Grains.Tests.Tracking;

[Collection(TrackedSweepClusterCollection.Name)]
public sealed class SweepTrackingTests(TrackedSweepClusterFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static SweepSpec SmallSweep(string name) => new(
        name, "lenet-300-100", "fashion-mnist", Seed: 3,
        [new ObjectiveSpec(ObjectiveMetric.Cr, true), new ObjectiveSpec(ObjectiveMetric.Top1, true)], MaxTop1Drop: null, Concurrency: 3,
        new StrategySpec(StrategyKind.Grid, null, null),
        new TrainingSpec(BaselineEpochs: 1, PruneEpochs: 1, BatchSize: 64, LearningRate: 0.05, TrainLimit: 1000, TestLimit: 300, DataDirectory: null),
        new SearchSpace([0.6, 0.8, 0.95], null, new BitsSpace(BitsPolicy.Uniform, [4], null), [2.0], [null], [0.2], [0.005], [CodingScheme.Arithmetic]));

    [Fact]
    public async Task A_finished_sweep_is_a_parent_run_with_one_finished_child_run_per_trial_and_the_pareto_front_tagged()
    {
        var sweepId = "tracked-" + Guid.NewGuid().ToString("N")[..8];
        var sweep = fixture.Cluster.Client.GetGrain<ISweepGrain>(sweepId);
        await sweep.Launch(SmallSweep("tracked"));
        var status = await WaitUntilEndedAsync(sweep, TimeSpan.FromMinutes(4));
        var trials = await sweep.AllTrialsAsync(cancellationToken: TestContext.Current.CancellationToken);
        var pareto = await sweep.GetPareto(null);
        foreach (var outbox in fixture.Outboxes) Assert.True(await outbox.DrainAsync(TimeSpan.FromSeconds(30)), "an outbox did not drain");
        Assert.All(fixture.Outboxes, o => Assert.Empty(o.DeadLetters()));

        Assert.Equal(SweepState.Completed, status.State);
        var experiment = (await fixture.Experiments.GetExperimentByNameAsync("fq/tracked", Cancel)).Experiment;
        var parent = await SingleAsync(experiment.ExperimentId, $"tags.`fq.key` = 'sweep/{sweepId}'");
        Assert.Equal(MlflowRunStatus.Finished, parent.Info.Status);
        Assert.NotNull(parent.Info.EndTime);
        Assert.Equal("tracked", parent.Info.RunName);
        Assert.Equal("sweep", Tag(parent, "fq.kind"));
        Assert.Equal("0.6,0.8,0.95", Param(parent, "space.target_sparsity"));
        Assert.Equal(3, Metric(parent, "trials_completed"));
        Assert.Equal(pareto.Hypervolume, Metric(parent, "hypervolume"), 9);

        var children = (await fixture.Runs.SearchRunsAsync(new SearchRunsRequest([experiment.ExperimentId],
            $"tags.`mlflow.parentRunId` = '{parent.Info.RunId}'"), Cancel)).Runs ?? [];
        Assert.Equal(trials.Select(t => "trial/" + t.TrialId).Order(), children.Select(c => Tag(c, "fq.key")).Order());
        var front = pareto.Front.Select(t => t.TrialId).ToHashSet();
        foreach (var child in children)
        {
            var trial = trials.Single(t => "trial/" + t.TrialId == Tag(child, "fq.key"));
            var result = (await fixture.Cluster.Client.GetGrain<ITrialGrain>(trial.TrialId).GetResult())!;
            Assert.Equal(MlflowRunStatus.Finished, child.Info.Status);
            Assert.Equal(trial.TrialId, child.Info.RunName);
            Assert.Equal(trial.Silo, Tag(child, "fq.silo"));
            Assert.Equal(front.Contains(trial.TrialId) ? "true" : "false", Tag(child, "fq.pareto"));
            Assert.Equal(trial.Config!.TargetSparsity!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), Param(child, "target_sparsity"));
            Assert.Equal(result.CompressionRatio, Metric(child, "cr"), 9);
            Assert.Equal(result.Top1, Metric(child, "top1"), 9);
            Assert.Equal(result.Top5, Metric(child, "top5"), 9);
            Assert.Equal(result.Sparsity, Metric(child, "sparsity"), 9);
            Assert.Equal(result.CompressedBytes, Metric(child, "compressed_bytes"));
            var layer = result.Layers[0];
            Assert.Equal(layer.Bits, Metric(child, $"layer.{layer.Name}.bits"));
            Assert.Equal(SweepVocabulary.Name(layer.Mode), Tag(child, $"layer.{layer.Name}.mode"));
            var losses = (await fixture.Runs.GetMetricHistoryAsync(child.Info.RunId, "train_loss", cancellationToken: Cancel)).Metrics ?? [];
            Assert.NotEmpty(result.FineTuneEpochs);
            Assert.Equal(result.FineTuneEpochs.Select(e => (long)e.Epoch), losses.Select(m => m.Step));
            Assert.Equal(result.FineTuneEpochs.Select(e => e.Loss), losses.Select(m => m.Value));
        }
        Assert.Contains(children, c => Tag(c, "fq.pareto") == "true");
    }

    private async Task<MlflowRun> SingleAsync(string experimentId, string filter) =>
        Assert.Single((await fixture.Runs.SearchRunsAsync(new SearchRunsRequest([experimentId], filter), Cancel)).Runs ?? []);

    private static string? Tag(MlflowRun run, string key) => run.Data?.Tags?.SingleOrDefault(t => t.Key == key)?.Value;

    private static string? Param(MlflowRun run, string key) => run.Data?.Params?.SingleOrDefault(p => p.Key == key)?.Value;

    private static double Metric(MlflowRun run, string key) =>
        run.Data?.Metrics?.SingleOrDefault(m => m.Key == key)?.Value ?? throw new Xunit.Sdk.XunitException($"run {run.Info.RunName} has no metric {key}");

    private static async Task<SweepStatus> WaitUntilEndedAsync(ISweepGrain sweep, TimeSpan timeout)
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        cancellation.CancelAfter(timeout);
        while (true)
        {
            var status = await sweep.GetStatus();
            if (status.State != SweepState.Running) return status;
            try
            {
                await Task.Delay(200, cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                var states = string.Join(", ", status.Running.Select(t => $"{t.TrialId}={t.State}/{t.Stage}/{t.Error}"));
                throw new TimeoutException($"The sweep did not end in {timeout}: {states}");
            }
        }
    }
}
