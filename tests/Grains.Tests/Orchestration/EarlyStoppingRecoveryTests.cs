using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Grains.Testing;

namespace FocusedQuantization.Grains.Tests.Orchestration;

/// <summary>
/// An adaptive sweep with early stopping whose activations (the sweep's, the trials') are collected again and again
/// while it runs, as when silos die: the sweep comes back with no budgets, no decided configs and no resume queue in
/// memory, trials come back paused or start over, and it still asks the same configs and makes the same rung
/// decisions and late promotions as a sweep left alone.
/// </summary>
[Collection(FakeClusterCollection.Name)]
public sealed class EarlyStoppingRecoveryTests(FakeClusterFixture fixture)
{
    // Its own seed, so that only this test's trials take time (the runner's behaviour is by seed).
    private const int Seed = 73;

    private static readonly TrainingSpec Training = new(1, 1, 64, 0.05, 1000, 300, null);

    private IClusterClient Client => fixture.Cluster.Client;

    // schedule_scale 0.4: 8 fine-tuning epochs; the default eta 2 and min_fraction 1/8 put the rungs at epochs 1, 2, 4 and 8.
    private static SweepSpec Spec(string name) => new(
        name, "lenet5", "fashion-mnist", Seed, [new ObjectiveSpec(ObjectiveMetric.Cr, true), new ObjectiveSpec(ObjectiveMetric.Top1, true)], null, 3,
        new StrategySpec(StrategyKind.Motpe, 15, 5) { Lag = 2, Startup = 4 }, Training,
        new SearchSpace([0.5, 0.6, 0.7, 0.8, 0.9, 0.95], null, new BitsSpace(BitsPolicy.Uniform, [3, 5, 7], null), [2.0], [null], [0.4], [0.005],
            [CodingScheme.Arithmetic]))
    {
        EarlyStopping = new EarlyStoppingSpec(2, 1.0 / 8),
    };

    [Fact]
    public async Task Collecting_every_activation_while_the_sweep_runs_changes_no_config_no_rung_decision_and_no_late_promotion()
    {
        fixture.Runner.Configure(Seed, new SyntheticStageRunner.Behavior(Trial: TimeSpan.FromMilliseconds(60)));
        var alone = Client.GetGrain<ISweepGrain>(NewId("es-alone"));
        await alone.Launch(Spec("es-recovery"));
        var (_, expected) = await Sweeps.SweepWaiting.EndedAsync(alone, TimeSpan.FromMinutes(2));

        var disturbed = Client.GetGrain<ISweepGrain>(NewId("es-disturbed"));
        await disturbed.Launch(Spec("es-recovery"));
        var management = Client.GetGrain<IManagementGrain>(0);
        var collections = 0;
        // Collected about as often as a trial's run between two rungs takes, so many runs are cut short and start again;
        // for a bounded time, so that the sweep also gets to run undisturbed and end.
        var disturbing = System.Diagnostics.Stopwatch.StartNew();
        while (disturbing.Elapsed < TimeSpan.FromSeconds(10) && (await disturbed.GetStatus()).State == SweepState.Running)
        {
            await management.ForceActivationCollection(TimeSpan.Zero, TestContext.Current.CancellationToken);
            collections++;
            await Task.Delay(100 + 37 * (collections % 5), TestContext.Current.CancellationToken);
        }
        var (status, trials) = await Sweeps.SweepWaiting.EndedAsync(disturbed, TimeSpan.FromMinutes(2));

        TestContext.Current.SendDiagnosticMessage($"{collections} collections; trials run more than once: {trials.Count(t => t.Attempts > 1)}");
        Assert.Equal(SweepState.Completed, status.State);
        Assert.Equal(expected.Select(Describe), trials.Select(Describe));
        Assert.Contains(expected, t => t.State == TrialState.Stopped);
        // At least one late promotion in the undisturbed sweep: a completed trial that went from a rung before the last to the end.
        Assert.Contains(expected, t => t.State == TrialState.Completed && fixture.Runner.ResumedFrom(t.TrialId).Count is 1 or 2);
        // The disturbance was real: some trial was started more often than it paused.
        Assert.Contains(trials, t => fixture.Runner.TrialStarts(t.TrialId) > fixture.Runner.ResumedFrom(t.TrialId).Count + 1);
        // Late promotions are on the rows as they were; no paused checkpoint was deleted while a trial could still resume
        // from it (runs cut short resumed from the checkpoint they had), and none is left.
        Assert.Contains(trials, t => t.ResumedLateFrom is not null);
        foreach (var trial in expected.Concat(trials))
        {
            Assert.Empty(fixture.Runner.PausedCheckpointsOf(trial.TrialId));
            Assert.DoesNotContain(fixture.Runner.ResumedFromDeleted, id => id.StartsWith($"synthetic-pause/{trial.TrialId}/", StringComparison.Ordinal));
        }
    }

    private static string NewId(string name) => name + "-" + Guid.NewGuid().ToString("N")[..8];

    private static string Describe(TrialStatus trial) => System.Text.Json.JsonSerializer.Serialize(new
    {
        trial.Index,
        trial.State,
        trial.StopReason,
        trial.Config,
        Epochs = trial.Summary?.EpochsRun,
        Rungs = trial.Summary?.Rungs.Select(r => r.Epoch).ToArray(),
        trial.ResumedLateFrom,
    });
}
