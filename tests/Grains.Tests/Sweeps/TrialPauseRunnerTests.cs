using FocusedQuantization.Grains.Execution;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Grains.Sweeps;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace FocusedQuantization.Grains.Tests.Sweeps;

/// <summary>
/// The stage runner's side of rungs, pause and resume: a trial paused on one silo and resumed on the other answers with
/// the figures and file bytes of the uninterrupted run, and the new answer fields survive Orleans' serializer.
/// </summary>
[Collection(SweepClusterCollection.Name)]
public sealed class TrialPauseRunnerTests(SweepClusterFixture fixture)
{
    private static readonly TrialConfig Config = new(
        "lenet-300-100", "fashion-mnist", Seed: 7,
        new TrainingSpec(BaselineEpochs: 1, PruneEpochs: 1, BatchSize: 64, LearningRate: 0.05, TrainLimit: 1000, TestLimit: 300, DataDirectory: null),
        TargetSparsity: 0.9, PruneAlpha: null, BitsPolicy.Uniform, Bits: 4, CandidateBits: [4], BudgetBitsPerWeight: null,
        WSep: 2.0, OverflowRate: null, ScheduleScale: 0.2, FineTuneLearningRate: 0.005, CodingScheme.Arithmetic);

    private IStageRunner Runner(int silo) => fixture.Cluster.Silos[silo].ServiceProvider.GetRequiredService<IStageRunner>();

    [Fact]
    public async Task A_trial_paused_on_one_silo_and_resumed_on_the_other_answers_as_the_uninterrupted_run()
    {
        var cancel = TestContext.Current.CancellationToken;
        var grains = fixture.Cluster.Client;
        var baselineRequest = new BaselineRequest(Config.Model, Config.Dataset, Config.Seed, Config.Training);
        var model = grains.GetGrain<IModelGrain>(Keys.Of(baselineRequest));
        var baseline = await model.BaselineAsync(baselineRequest, cancel);
        var pruned = await model.PrunedAsync(new PruneRequest(baselineRequest, Config.TargetSparsity, Config.PruneAlpha), cancel);
        var layers = await Runner(0).LayerNamesAsync(Config.Model, Config.Dataset, Config.Training, cancel);
        var bits = layers.ToDictionary(l => l, _ => Config.Bits);

        var plain = await Runner(0).RunTrialAsync("pause/plain", Config, baseline, pruned, bits, [], (_, _) => { }, cancel);
        long? estimated = null;
        var paused = await Runner(1).RunTrialAsync("pause/resumed", Config, baseline, pruned, bits, [], (_, _) => { }, cancel,
            new TrialRunRequest { EveryEpoch = true },
            new TrialRunHooks { Estimated = bytes => estimated = bytes, Rung = rung => rung.Epoch == 2 });
        var resumed = await Runner(0).RunTrialAsync("pause/resumed", Config, baseline, pruned, bits, [], (_, _) => { }, cancel,
            new TrialRunRequest { EveryEpoch = true, ResumeCheckpointId = paused.PausedCheckpointId });

        Assert.False(plain.Paused);
        Assert.Empty(plain.Rungs);
        Assert.True(paused.Paused);
        Assert.Equal(2, paused.PausedAtEpoch);
        Assert.Equal(6, paused.ScheduleEpochs);
        Assert.StartsWith("paused-", paused.PausedCheckpointId);
        Assert.True(double.IsNaN(paused.CompressionRatio) && double.IsNaN(paused.ValidationTop1));
        Assert.Equal([1, 2], paused.Rungs.Select(r => r.Epoch));
        Assert.Equal(estimated, paused.EstimatedCompressedBytes);
        Assert.Equal(plain.EstimatedCompressedBytes, paused.EstimatedCompressedBytes);
        Assert.Equal(plain.DenseBytes, paused.DenseBytes);
        Assert.InRange(paused.EstimatedCompressionRatio, 0.7 * plain.CompressionRatio, 1.3 * plain.CompressionRatio);

        Assert.False(resumed.Paused);
        Assert.Equal(File.ReadAllBytes(plain.FqzPath), File.ReadAllBytes(resumed.FqzPath));
        Assert.Equal(plain.CompressionRatio, resumed.CompressionRatio);
        Assert.Equal(plain.ValidationTop1, resumed.ValidationTop1);
        Assert.Equal(plain.Top1, resumed.Top1);
        Assert.Equal(plain.Layers, resumed.Layers);
        Assert.Equal([1, 2, 3, 4, 5, 6], resumed.Rungs.Select(r => r.Epoch));
        Assert.Equal(paused.Rungs, resumed.Rungs.Take(2));
        // The rung after the last epoch is the model the file holds.
        Assert.Equal(resumed.ValidationTop1, resumed.Rungs[^1].ValidationTop1);

        var serializer = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<Serializer>();
        var copy = serializer.Deserialize<TrialResult>(serializer.SerializeToArray(paused))!;
        Assert.Equal(paused.Rungs, copy.Rungs);
        Assert.Equal(paused.PausedAtEpoch, copy.PausedAtEpoch);
        Assert.Equal(paused.PausedCheckpointId, copy.PausedCheckpointId);
        Assert.Equal(paused.EstimatedCompressedBytes, copy.EstimatedCompressedBytes);
        Assert.Equal(paused.ScheduleEpochs, copy.ScheduleEpochs);
        var request = new TrialRunRequest { RungEpochs = [1, 3], PauseAfterEpoch = 3, ResumeCheckpointId = "paused-x" };
        var requestCopy = serializer.Deserialize<TrialRunRequest>(serializer.SerializeToArray(request))!;
        Assert.Equal(request.RungEpochs, requestCopy.RungEpochs);
        Assert.Equal(request with { RungEpochs = requestCopy.RungEpochs }, requestCopy);
    }
}
