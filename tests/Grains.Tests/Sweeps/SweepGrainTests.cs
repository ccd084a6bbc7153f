using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Grains.Tests.Sweeps;

[Collection(SweepClusterCollection.Name)]
public sealed class SweepGrainTests(SweepClusterFixture fixture)
{
    private static SweepSpec SmallSweep(string name, int concurrency, IReadOnlyList<double> sparsities, IReadOnlyList<int> bits, IReadOnlyList<double>? fineTuneRates = null, int seed = 3) => new(
        name, "lenet-300-100", "fashion-mnist", seed,
        [new ObjectiveSpec(ObjectiveMetric.Cr, true), new ObjectiveSpec(ObjectiveMetric.Top1, true)], MaxTop1Drop: null, concurrency,
        new StrategySpec(StrategyKind.Grid, null, null),
        new TrainingSpec(BaselineEpochs: 1, PruneEpochs: 1, BatchSize: 64, LearningRate: 0.05, TrainLimit: 1000, TestLimit: 300, DataDirectory: null),
        new SearchSpace(sparsities, null, new BitsSpace(BitsPolicy.Uniform, bits, null), [2.0], [null], [0.2], fineTuneRates ?? [0.005], [CodingScheme.Arithmetic]));

    [Fact]
    public async Task A_sweep_runs_every_trial_once_shares_one_baseline_and_spreads_work_over_both_silos()
    {
        var sweep = fixture.Cluster.Client.GetGrain<ISweepGrain>("spread-" + Guid.NewGuid().ToString("N")[..8]);
        // A seed of its own, counted on its own: the other tests of this cluster train the seed-3 baseline, in whatever
        // order they run, and a cancelled sweep's baseline may still be finishing while this test starts.
        var launched = await sweep.Launch(SmallSweep("spread", concurrency: 4, [0.8, 0.9], [4, 5], seed: 11));
        var status = await SweepWaiting.UntilAsync(sweep, s => s.State != SweepState.Running, TimeSpan.FromMinutes(4));

        Assert.Equal(4, launched.Trials.Count);
        Assert.Equal(SweepState.Completed, status.State);
        Assert.All(status.Trials, t => Assert.Equal(TrialState.Completed, t.State));
        Assert.Equal(status.Trials.Count, status.Trials.Select(t => t.TrialId).Distinct().Count());
        Assert.All(status.Trials, t => Assert.True(t.Result!.CompressionRatio > 1, $"{t.TrialId} CR {t.Result.CompressionRatio}"));
        // One baseline for four trials, whichever silo asked first.
        Assert.Equal(1, fixture.Counters.BaselinesTrainedWithSeed(11));
        var silos = fixture.Cluster.Silos.Select(s => s.SiloAddress.ToString()).ToHashSet();
        var workedOn = status.Trials.Select(t => t.Silo!).ToHashSet();
        Assert.Subset(silos, workedOn);
        Assert.True(workedOn.Count > 1 || (await LayerSilosAsync(status)).Count > 1, "all work ran on one silo");

        var pareto = await sweep.GetPareto(null);
        Assert.NotEmpty(pareto.Front);
        Assert.All(pareto.Front, f => Assert.DoesNotContain(status.Trials, t =>
            t.Result!.CompressionRatio > f.Result!.CompressionRatio && t.Result.SelectionTop1 > f.Result.SelectionTop1));
    }

    [Fact]
    public async Task A_cancelled_sweep_stops_its_running_trials_and_never_starts_pending_ones()
    {
        var sweep = fixture.Cluster.Client.GetGrain<ISweepGrain>("cancel-" + Guid.NewGuid().ToString("N")[..8]);
        await sweep.Launch(SmallSweep("cancel", concurrency: 1, [0.5, 0.6, 0.7, 0.8], [5]));
        await SweepWaiting.UntilAsync(sweep, s => s.Trials.Any(t => t.State == TrialState.Running), TimeSpan.FromMinutes(1));

        await sweep.Cancel();

        var status = await sweep.GetStatus();
        Assert.Equal(SweepState.Cancelled, status.State);
        Assert.DoesNotContain(status.Trials, t => t.State is TrialState.Pending or TrialState.Running);
        Assert.True(status.Trials.Count(t => t.State == TrialState.Cancelled) >= 3);
        foreach (var trial in status.Trials.Where(t => t.State == TrialState.Cancelled))
            Assert.NotEqual(TrialState.Running, await fixture.Cluster.Client.GetGrain<ITrialGrain>(trial.TrialId).GetState());
    }

    [Fact]
    public async Task A_trial_whose_model_collapses_fails_once_with_the_reason_and_stays_off_the_front()
    {
        var sweep = fixture.Cluster.Client.GetGrain<ISweepGrain>("collapse-" + Guid.NewGuid().ToString("N")[..8]);

        // Fine-tuning LeNet-300-100 at lr 9 ruins it: it either diverges beyond the retries or ends predicting one class.
        await sweep.Launch(SmallSweep("collapse", concurrency: 2, [0.8], [5], [0.005, 9]));
        var status = await SweepWaiting.UntilAsync(sweep, s => s.State != SweepState.Running, TimeSpan.FromMinutes(4));

        var failed = Assert.Single(status.Trials, t => t.Config.FineTuneLearningRate == 9);
        var completed = Assert.Single(status.Trials, t => t.Config.FineTuneLearningRate == 0.005);
        Assert.Equal(TrialState.Failed, failed.State);
        Assert.Null(failed.Result);
        Assert.Equal(1, failed.Attempts);
        Assert.Matches(@"^(The compressed model collapsed: top-1 \d+\.\d\d % on 10 classes is below twice chance \(20\.00 %\)|quantize \(fine-tune\) diverged at epoch \d+, batch \d+/\d+: .+ \(still diverging after 2 retries at a halved learning rate\))", failed.Error);
        Assert.Equal(TrialState.Completed, completed.State);
        Assert.Empty(completed.Result!.Recoveries);
        var pareto = await sweep.GetPareto(null);
        Assert.Equal([completed.TrialId], pareto.Front.Select(f => f.TrialId));
    }

    private async Task<HashSet<string>> LayerSilosAsync(SweepStatus status)
    {
        var silos = new HashSet<string>();
        foreach (var trial in status.Trials)
        foreach (var layer in await fixture.Cluster.Client.GetGrain<ITrialGrain>(trial.TrialId).GetLayerSilos())
            silos.Add(layer);
        return silos;
    }
}
