using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Grains.Sweeps;
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
        var expected = await UndisturbedAsync("es-alone", Spec("es-recovery"));

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

    [Fact]
    public async Task Collecting_every_activation_while_late_promotions_run_resumes_the_same_batch_and_ends_as_a_sweep_left_alone()
    {
        var expected = await UndisturbedAsync("es-batch-alone", Spec("es-batch"));

        // Collected whenever a late promotion is under way, and only then: the sweep comes back with trials of the batch
        // finished (their rows saved) and others not, and must resume those rather than decide a new batch with the
        // figures of the finished ones.
        var disturbed = Client.GetGrain<ISweepGrain>(NewId("es-batch-disturbed"));
        await disturbed.Launch(Spec("es-batch"));
        var management = Client.GetGrain<IManagementGrain>(0);
        var collections = 0;
        SweepStatus status;
        while ((status = await disturbed.GetStatus()).State == SweepState.Running)
        {
            if (status.Running.Any(t => t.ResumedLateFrom is not null))
            {
                await management.ForceActivationCollection(TimeSpan.Zero, TestContext.Current.CancellationToken);
                collections++;
            }
            await Task.Delay(15, TestContext.Current.CancellationToken);
        }
        var (ended, trials) = await Sweeps.SweepWaiting.EndedAsync(disturbed, TimeSpan.FromMinutes(2));

        TestContext.Current.SendDiagnosticMessage($"{collections} collections during late promotions");
        Assert.True(collections > 0, "no late promotion was seen running");
        Assert.Equal(SweepState.Completed, ended.State);
        Assert.Equal(expected.Select(Describe), trials.Select(Describe));
    }

    [Fact]
    public async Task A_pause_reported_after_the_sweep_had_it_from_a_tick_and_let_the_trial_go_on_is_not_judged_again()
    {
        var expected = await UndisturbedAsync("es-late-alone", Spec("es-late-report"));

        // Every pause is reported 2.5 s late, past the sweep's 2 s tick, whose Start collects the pause first: the sweep
        // decides on it (promotes, stops, or resumes it late) before the report comes, and then ignores the report.
        var sweepId = NewId("es-late");
        fixture.Delayed.DelayPauses(sweepId, TimeSpan.FromSeconds(2.5));
        var late = Client.GetGrain<ISweepGrain>(sweepId);
        await late.Launch(Spec("es-late-report"));
        var (status, trials) = await Sweeps.SweepWaiting.EndedAsync(late, TimeSpan.FromMinutes(3));

        Assert.Equal(SweepState.Completed, status.State);
        Assert.Equal(expected.Select(Describe), trials.Select(Describe));
        // No trial was stopped again after it was let go on: a promotion or late promotion, once told, stands.
        foreach (var trial in trials)
        {
            var decisions = fixture.Rungs.Of(trial.TrialId);
            var resumedLate = decisions.ToList().FindIndex(d => d.Promotion?.Contains("resumed late", StringComparison.Ordinal) == true);
            Assert.True(resumedLate < 0 || decisions.Skip(resumedLate).All(d => d.StopReason is null),
                $"{trial.TrialId}: {string.Join(" | ", decisions.Select(d => $"rung {d.Rung}: {d.StopReason ?? d.Promotion}"))}");
            Assert.True(decisions.Count(d => d.StopReason is not null) <= 1, $"{trial.TrialId} was stopped more than once");
        }
    }

    [Fact]
    public async Task A_trial_whose_resumed_run_lost_a_silo_answers_a_budget_ending_before_its_pause_with_that_pause_rather_than_running_unjudged()
    {
        // Its own seed: every run of it that resumes from a pause fails as on a lost silo (not the trial's failure).
        const int seed = 74;
        fixture.Runner.Configure(seed, new SyntheticStageRunner.Behavior(ResumeFailure: new SiloUnavailableException("the silo of a layer search died")));
        var sweepId = NewId("es-lost");
        var trial = Client.GetGrain<ITrialGrain>(Keys.Trial(sweepId, 0));
        var config = new TrialConfig("lenet5", "fashion-mnist", seed, Training, TargetSparsity: 0.9, PruneAlpha: null, BitsPolicy.Uniform,
            Bits: 5, CandidateBits: [5], BudgetBitsPerWeight: null, WSep: 2.0, OverflowRate: null, ScheduleScale: 0.4,
            FineTuneLearningRate: 0.005, CodingScheme.Arithmetic);
        int[] rungs = [1, 2, 4, 8];

        // Paused at rung 2 (epoch 2), then told to go on to epoch 4: the resumed run is cut short and the trial stays running.
        Assert.Null(await trial.Start(sweepId, 0, config, "es-lost", new TrialBudget(rungs, 2)));
        await PollAsync(async () => await trial.GetState() == TrialState.Stopped, "the first pause");
        Assert.Null(await trial.Start(sweepId, 0, config, "es-lost", new TrialBudget(rungs, 4)));
        await PollAsync(() => Task.FromResult(fixture.Runner.ResumedFrom(trial.GetPrimaryKeyString()).Count == 1), "the resumed run");

        // A sweep that came back knows the first rung's budget only: the answer is the pause at epoch 2, for it to judge
        // again, and no run starts (one resuming from epoch 2 cannot pause at epoch 1 and would go to the end).
        TrialOutcome? outcome = null;
        await PollAsync(async () => (outcome = await trial.Start(sweepId, 0, config, "es-lost", new TrialBudget(rungs, 1))) is not null, "an answer");
        Assert.Equal(TrialState.Stopped, outcome!.State);
        Assert.Equal(2, outcome.Summary!.EpochsRun);
        Assert.Equal(2, fixture.Runner.TrialStarts(trial.GetPrimaryKeyString()));
        Assert.Equal([$"synthetic-pause/{trial.GetPrimaryKeyString()}/2"], fixture.Runner.PausedCheckpointsOf(trial.GetPrimaryKeyString()));
    }

    /// <summary>The trials of <paramref name="spec"/> as a sweep left alone runs them (trials of 60 ms).</summary>
    private async Task<IReadOnlyList<TrialStatus>> UndisturbedAsync(string id, SweepSpec spec)
    {
        fixture.Runner.Configure(Seed, new SyntheticStageRunner.Behavior(Trial: TimeSpan.FromMilliseconds(60)));
        var alone = Client.GetGrain<ISweepGrain>(NewId(id));
        await alone.Launch(spec);
        var (_, trials) = await Sweeps.SweepWaiting.EndedAsync(alone, TimeSpan.FromMinutes(2));
        return trials;
    }

    private static async Task PollAsync(Func<Task<bool>> done, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await done())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"timed out waiting for {what}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
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
