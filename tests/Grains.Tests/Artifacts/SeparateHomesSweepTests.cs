using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Stages;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Grains.Tests.Sweeps;

namespace FocusedQuantization.Grains.Tests.Artifacts;

/// <summary>Issue 11's "done when": a sweep runs to the end on two silos that share no folder.</summary>
[Collection(SeparateHomesSweepCollection.Name)]
public sealed class SeparateHomesSweepTests(SeparateHomesSweepFixture fixture)
{
    [Fact]
    public async Task A_sweep_runs_to_the_end_on_two_silos_with_separate_homes_moving_checkpoints_and_data_through_the_cluster()
    {
        var sweep = fixture.Cluster.Client.GetGrain<ISweepGrain>("homes-" + Guid.NewGuid().ToString("N")[..8]);
        var spec = new SweepSpec(
            "homes", "lenet-300-100", "fashion-mnist", 17,
            [new ObjectiveSpec(ObjectiveMetric.Cr, true), new ObjectiveSpec(ObjectiveMetric.Top1, true)], MaxTop1Drop: null, 4,
            new StrategySpec(StrategyKind.Grid, null, null),
            new TrainingSpec(BaselineEpochs: 1, PruneEpochs: 1, BatchSize: 64, LearningRate: 0.05, TrainLimit: 1000, TestLimit: 300, DataDirectory: null),
            new SearchSpace([0.8, 0.9], null, new BitsSpace(BitsPolicy.Uniform, [4, 5], null), [2.0], [null], [0.2], [0.005], [CodingScheme.Arithmetic]));

        var launched = await sweep.Launch(spec);
        var (status, trials) = await SweepWaiting.EndedAsync(sweep, TimeSpan.FromMinutes(6));

        Assert.Equal(4, launched.Counts.Total);
        Assert.Equal(SweepState.Completed, status.State);
        Assert.All(trials, t => Assert.Equal(TrialState.Completed, t.State));
        Assert.All(trials, t => Assert.True(t.Summary!.CompressionRatio > 1, $"{t.TrialId} CR {t.Summary.CompressionRatio}"));
        // One baseline for the whole cluster: the other silo fetched it rather than training its own.
        Assert.Equal(1, fixture.Counters.BaselinesTrainedWithSeed(17));

        var silos = fixture.Cluster.Silos.OrderBy(s => s.Name, StringComparer.Ordinal).ToArray();
        var worked = new HashSet<string>(trials.Select(t => t.Silo!));
        foreach (var trial in trials)
            worked.UnionWith(await fixture.Cluster.Client.GetGrain<ITrialGrain>(trial.TrialId).GetLayerSilos());
        Assert.True(silos.All(s => worked.Contains(s.SiloAddress.ToString())), $"work ran only on {string.Join(", ", worked)}");

        // Each silo kept what it used in its own home: a pruned checkpoint (every trial and layer search needs one) on
        // both, whole, and the baseline wherever a trial ran.
        var baselineId = new BaselineSpec("lenet-300-100", "fashion-mnist", 1, 0.05, 64, 17, TrainLimit: 1000).Id;
        foreach (var silo in silos)
        {
            var local = SeparateHomesCluster.Local(silo);
            Assert.StartsWith(fixture.HomeOf(silo), local.Store.Root);
            var pruned = Directory.GetFiles(local.Store.Root, "pruned-*.json").Select(Path.GetFileName)
                .Where(n => System.Text.RegularExpressions.Regex.IsMatch(n!, "^pruned-[0-9a-f]{16}\\.json$")).Select(n => n![..^".json".Length]).ToArray();
            Assert.NotEmpty(pruned);
            Assert.All(pruned, id => Assert.True(local.HasCheckpoint(id), $"{silo.Name}: {id} is not whole"));
            Assert.All(pruned, id => Assert.All(StageCheckpoint.ReadManifest(local.Store, id).Files!, f => Assert.Null(local.Store.Mismatch(f))));
            if (trials.Any(t => t.Silo == silo.SiloAddress.ToString()))
                Assert.True(local.HasCheckpoint(baselineId), $"{silo.Name} ran a trial but lacks {baselineId}");
        }
        Assert.True(silos.Sum(s => SeparateHomesCluster.Fetcher(s).Fetches) >= 2, "no checkpoint or data set crossed the cluster");
        // The second silo has no data set of its own (no package, no cache): it trained and evaluated on the copy it fetched.
        var fetched = Path.Combine(fixture.HomeOf(silos[1]), "datasets", "fashion-mnist");
        Assert.All(DatasetDescriptor.FashionMnist.Files, f => Assert.NotNull(DatasetCatalog.FilePath(fetched, f)));
        Assert.False(Directory.Exists(Path.Combine(fixture.HomeOf(silos[0]), "datasets", "fashion-mnist")));
    }
}
