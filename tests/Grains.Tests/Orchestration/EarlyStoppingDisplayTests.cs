using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Grains.Testing;

namespace FocusedQuantization.Grains.Tests.Orchestration;

/// <summary>
/// What an early-stopping sweep shows of promotions and resumes, and what becomes of paused checkpoints: a late
/// promotion is on the trial's row and in its rung history, a resumed run says where it resumes instead of showing its
/// done stages again, and no paused checkpoint outlives the sweep, nor goes while a trial may still resume from it.
/// </summary>
[Collection(FakeClusterCollection.Name)]
public sealed class EarlyStoppingDisplayTests(FakeClusterFixture fixture)
{
    private static readonly TrainingSpec Training = new(1, 1, 64, 0.05, 1000, 300, null);

    private static readonly string[] DoneStages = ["baseline", "prune", "layers"];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private IClusterClient Client => fixture.Cluster.Client;

    private static string NewId(string name) => name + "-" + Guid.NewGuid().ToString("N")[..8];

    // schedule_scale 0.4: 8 fine-tuning epochs; eta 3 and min_fraction 1/9 put the rungs at epochs 1, 3 and 8.
    private static SweepSpec Spec(string name, int seed, int concurrency) => new(
        name, "lenet5", "fashion-mnist", seed, [new ObjectiveSpec(ObjectiveMetric.Cr, true), new ObjectiveSpec(ObjectiveMetric.Top1, true)], null, concurrency,
        new StrategySpec(StrategyKind.Motpe, 15, 5) { Lag = 2, Startup = 4 }, Training,
        new SearchSpace([0.5, 0.6, 0.7, 0.8, 0.9, 0.95], null, new BitsSpace(BitsPolicy.Uniform, [3, 5, 7], null), [2.0], [null], [0.4], [0.005],
            [CodingScheme.Arithmetic]))
    {
        EarlyStopping = new EarlyStoppingSpec(3, 1.0 / 9),
    };

    [Fact]
    public async Task A_late_promotion_is_on_the_row_and_in_the_rung_history_and_a_resumed_run_shows_where_it_resumes_not_its_done_stages()
    {
        // The seed of the recovery tests' sweep, which has late promotions; trials of their own take a little time, so
        // the watcher sees their stages.
        const int seed = 74;
        fixture.Runner.Configure(seed, new SyntheticStageRunner.Behavior(Trial: TimeSpan.FromMilliseconds(30)));
        var sweep = Client.GetGrain<ISweepGrain>(NewId("es-display"));
        await sweep.Launch(Spec("es-display", seed, concurrency: 3));
        var seen = new Dictionary<string, List<TrialStatus>>(StringComparer.Ordinal);
        await foreach (var update in sweep.Watch(-1, Cancel))
            foreach (var row in update.Snapshot?.Running ?? (update.Trial is { } trial ? [trial] : []))
                (seen.TryGetValue(row.TrialId, out var rows) ? rows : seen[row.TrialId] = []).Add(row);
        var (status, trials) = await Sweeps.SweepWaiting.EndedAsync(sweep, TimeSpan.FromMinutes(2));

        Assert.Equal(SweepState.Completed, status.State);
        var late = 0;
        foreach (var trial in trials)
        {
            var decisions = fixture.Rungs.Of(trial.TrialId);
            var stoppedAt = decisions.Where(d => d.StopReason is not null).Select(d => (int?)d.Rung).FirstOrDefault();
            if (trial.State == TrialState.Completed && stoppedAt is { } rung)
            {
                // Stopped at a rung, then resumed to the end once every trial had settled.
                late++;
                int[] epochs = [1, 3, 8];
                Assert.Equal(new RungPosition(rung, 3, epochs[rung], 8), trial.ResumedLateFrom);
                Assert.Equal($"resumed late from rung {rung + 1}/3 (epoch {epochs[rung]}/8)", trial.Promotion);
                Assert.EndsWith($"resumed late from rung {rung + 1}/3 (epoch {epochs[rung]}/8)", decisions[^1].Promotion, StringComparison.Ordinal);
                Assert.Null(decisions[^1].StopReason);
                Assert.Contains(seen[trial.TrialId], r => r.State == TrialState.Running && r.ResumedLateFrom == trial.ResumedLateFrom);
                Assert.Contains(seen[trial.TrialId], r => r.Stage == $"resuming from rung {rung + 1}/3 (epoch {epochs[rung]}/8)");
            }
            else if (trial.State == TrialState.Completed)
            {
                // Let go on at each rung as it reached it.
                Assert.Null(trial.ResumedLateFrom);
                Assert.Equal("passed rungs at epochs 1, 3", trial.Promotion);
                Assert.Equal([(0, null, "passed rungs at epochs 1"), (1, null, "passed rungs at epochs 1, 3")], decisions.Distinct());
            }
            else
            {
                Assert.Equal(TrialState.Stopped, trial.State);
                Assert.Null(trial.ResumedLateFrom);
                Assert.Equal(trial.Summary!.EpochsRun == 3 ? "passed rungs at epochs 1" : null, trial.Promotion);
            }
            // Once it has paused, a trial's run never shows the stages its resumes only look up.
            var rows = seen.GetValueOrDefault(trial.TrialId) ?? [];
            var paused = rows.FindIndex(r => r.Stage == "paused");
            if (paused >= 0) Assert.DoesNotContain(rows.Skip(paused), r => DoneStages.Contains(r.Stage));
        }
        Assert.True(late > 0, "no late promotion in this sweep");
        Assert.Contains(seen.Values.SelectMany(r => r), r => r.Stage == "resuming from rung 1/3 (epoch 1/8)" && r.ResumedLateFrom is null);
        Assert.Contains(seen.Values.SelectMany(r => r), r => r.Stage == "baseline");
        AssertNoCheckpointLeftOrLost(trials);
        // Each checkpoint a completed trial went on from was deleted once, by the trial as it went past it.
        foreach (var trial in trials.Where(t => t.State == TrialState.Completed))
            Assert.All(fixture.Runner.ResumedFrom(trial.TrialId), id => Assert.Equal(1, fixture.Runner.Deletions(id)));
    }

    [Fact]
    public async Task Cancelling_a_sweep_deletes_the_paused_checkpoints_of_its_stopped_and_running_trials()
    {
        const int seed = 75;
        fixture.Runner.Configure(seed, new SyntheticStageRunner.Behavior(Trial: TimeSpan.FromMilliseconds(150)));
        var sweep = Client.GetGrain<ISweepGrain>(NewId("es-cancel"));
        await sweep.Launch(Spec("es-cancel", seed, concurrency: 3));
        await Sweeps.SweepWaiting.UntilAsync(sweep, s => s.Counts.Stopped >= 2 && s.Counts.Running > 0, TimeSpan.FromMinutes(1));

        await sweep.Cancel();

        var trials = await sweep.AllTrialsAsync(cancellationToken: Cancel);
        Assert.Equal(SweepState.Cancelled, (await sweep.GetStatus()).State);
        var stopped = trials.Where(t => t.State == TrialState.Stopped).ToArray();
        Assert.True(stopped.Length >= 2);
        // The checkpoints they stopped at are gone as the cancel returns, and so are those of the trials it cut short.
        Assert.All(stopped, t => Assert.Equal(1, fixture.Runner.Deletions($"synthetic-pause/{t.TrialId}/{t.Summary!.EpochsRun}")));
        AssertNoCheckpointLeftOrLost(trials);
    }

    /// <summary>No paused checkpoint of these trials is left, and none was resumed from after it had been deleted.</summary>
    private void AssertNoCheckpointLeftOrLost(IReadOnlyList<TrialStatus> trials)
    {
        Assert.All(trials, t => Assert.Empty(fixture.Runner.PausedCheckpointsOf(t.TrialId)));
        var ids = trials.Select(t => $"synthetic-pause/{t.TrialId}/").ToArray();
        Assert.DoesNotContain(fixture.Runner.ResumedFromDeleted, id => ids.Any(prefix => id.StartsWith(prefix, StringComparison.Ordinal)));
    }
}
