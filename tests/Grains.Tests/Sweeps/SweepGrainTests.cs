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
        var (status, trials) = await SweepWaiting.EndedAsync(sweep, TimeSpan.FromMinutes(4));

        Assert.Equal(4, launched.Counts.Total);
        Assert.Equal(SweepState.Completed, status.State);
        Assert.All(trials, t => Assert.Equal(TrialState.Completed, t.State));
        Assert.Equal(4, trials.Select(t => t.TrialId).Distinct().Count());
        Assert.All(trials, t => Assert.True(t.Summary!.CompressionRatio > 1, $"{t.TrialId} CR {t.Summary.CompressionRatio}"));
        // One baseline for four trials, whichever silo asked first.
        Assert.Equal(1, fixture.Counters.BaselinesTrainedWithSeed(11));
        var silos = fixture.Cluster.Silos.Select(s => s.SiloAddress.ToString()).ToHashSet();
        var workedOn = trials.Select(t => t.Silo!).ToHashSet();
        Assert.Subset(silos, workedOn);
        Assert.True(workedOn.Count > 1 || (await LayerSilosAsync(trials)).Count > 1, "all work ran on one silo");

        var pareto = await sweep.GetPareto(null);
        Assert.NotEmpty(pareto.Front);
        Assert.All(pareto.Front, f => Assert.DoesNotContain(trials, t =>
            t.Summary!.CompressionRatio > f.Summary!.CompressionRatio && t.Summary.SelectionTop1 > f.Summary.SelectionTop1));
        // The detail stays with the trial grain: one layer outcome per layer of the model.
        Assert.All(await fixture.Cluster.Client.ResultsAsync(trials, TestContext.Current.CancellationToken), r => Assert.NotEmpty(r.Value.Layers));
    }

    [Fact]
    public async Task A_cancelled_sweep_stops_its_running_trials_and_never_starts_pending_ones()
    {
        var sweep = fixture.Cluster.Client.GetGrain<ISweepGrain>("cancel-" + Guid.NewGuid().ToString("N")[..8]);
        await sweep.Launch(SmallSweep("cancel", concurrency: 1, [0.5, 0.6, 0.7, 0.8], [5]));
        await SweepWaiting.UntilAsync(sweep, s => s.Running.Count > 0, TimeSpan.FromMinutes(1));

        await sweep.Cancel();

        var status = await sweep.GetStatus();
        var trials = await sweep.AllTrialsAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(SweepState.Cancelled, status.State);
        Assert.DoesNotContain(trials, t => t.State is TrialState.Pending or TrialState.Running);
        Assert.True(trials.Count(t => t.State == TrialState.Cancelled) >= 3);
        Assert.Equal(trials.Count(t => t.State == TrialState.Cancelled), status.Counts.Cancelled);
        foreach (var trial in trials.Where(t => t.State == TrialState.Cancelled))
            Assert.NotEqual(TrialState.Running, await fixture.Cluster.Client.GetGrain<ITrialGrain>(trial.TrialId).GetState());
    }

    [Fact]
    public async Task A_trial_whose_model_collapses_fails_once_with_the_reason_and_stays_off_the_front()
    {
        var sweep = fixture.Cluster.Client.GetGrain<ISweepGrain>("collapse-" + Guid.NewGuid().ToString("N")[..8]);

        // Fine-tuning LeNet-300-100 at lr 9 ruins it: it either diverges beyond the retries or ends predicting one class.
        await sweep.Launch(SmallSweep("collapse", concurrency: 2, [0.8], [5], [0.005, 9]));
        var (_, trials) = await SweepWaiting.EndedAsync(sweep, TimeSpan.FromMinutes(4));

        var failed = Assert.Single(trials, t => t.Config!.FineTuneLearningRate == 9);
        var completed = Assert.Single(trials, t => t.Config!.FineTuneLearningRate == 0.005);
        Assert.Equal(TrialState.Failed, failed.State);
        Assert.Null(failed.Summary);
        Assert.Equal(1, failed.Attempts);
        Assert.Matches(@"^(The compressed model collapsed: top-1 \d+\.\d\d % on 10 classes is below twice chance \(20\.00 %\)|quantize \(fine-tune\) diverged at epoch \d+, batch \d+/\d+: .+ \(still diverging after 2 retries at a halved learning rate\))", failed.Error);
        Assert.Equal(TrialState.Completed, completed.State);
        Assert.Equal(0, completed.Summary!.Recoveries);
        var pareto = await sweep.GetPareto(null);
        Assert.Equal([completed.TrialId], pareto.Front.Select(f => f.TrialId));
    }

    private async Task<HashSet<string>> LayerSilosAsync(IReadOnlyList<TrialStatus> trials)
    {
        var silos = new HashSet<string>();
        foreach (var trial in trials)
        foreach (var layer in await fixture.Cluster.Client.GetGrain<ITrialGrain>(trial.TrialId).GetLayerSilos())
            silos.Add(layer);
        return silos;
    }
}
