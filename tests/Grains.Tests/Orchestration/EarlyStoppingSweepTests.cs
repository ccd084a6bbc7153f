using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Grains.Tests.Orchestration;

/// <summary>
/// Multi-objective early stopping in the sweep grain, on stages that do no real work: trials pause at rungs, go on
/// from their checkpoints or stop with a reason, only finished trials make the front, and the decisions depend on the
/// spec alone.
/// </summary>
[Collection(FakeClusterCollection.Name)]
public sealed class EarlyStoppingSweepTests(FakeClusterFixture fixture)
{
    private static readonly TrainingSpec Training = new(1, 1, 64, 0.05, 1000, 300, null);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private IClusterClient Client => fixture.Cluster.Client;

    private static string NewId(string name) => name + "-" + Guid.NewGuid().ToString("N")[..8];

    // schedule_scale 0.4: 8 fine-tuning epochs; the default eta 2 and min_fraction 1/8 put the rungs at epochs 1, 2, 4 and 8.
    private static SweepSpec Spec(string name, int seed, int concurrency, int? lag = null, StrategyKind kind = StrategyKind.Grid) => new(
        name, "lenet5", "fashion-mnist", seed, [new ObjectiveSpec(ObjectiveMetric.Cr, true), new ObjectiveSpec(ObjectiveMetric.Top1, true)], null, concurrency,
        new StrategySpec(kind, kind == StrategyKind.Grid ? null : 18, 3) { Lag = lag }, Training,
        new SearchSpace([0.5, 0.6, 0.7, 0.8, 0.9, 0.95], null, new BitsSpace(BitsPolicy.Uniform, [3, 5, 7], null), [2.0], [null], [0.4], [0.005],
            [CodingScheme.Arithmetic]))
    {
        EarlyStopping = new EarlyStoppingSpec(2, 1.0 / 8),
    };

    [Fact]
    public async Task Trials_pause_at_rungs_go_on_from_their_checkpoints_or_stop_with_a_reason_and_only_finished_ones_make_the_front()
    {
        var sweep = Client.GetGrain<ISweepGrain>(NewId("es"));
        await sweep.Launch(Spec("es", seed: 61, concurrency: 3));
        var (status, trials) = await EndedAsync(sweep);

        Assert.Equal(SweepState.Completed, status.State);
        Assert.Equal(18, trials.Count);
        var completed = trials.Where(t => t.State == TrialState.Completed).ToArray();
        var stopped = trials.Where(t => t.State == TrialState.Stopped).ToArray();
        Assert.Equal(18, completed.Length + stopped.Length);
        Assert.NotEmpty(stopped);
        Assert.Equal(stopped.Length, status.Counts.Stopped);
        // A completed trial paused at epochs 1, 2 and 4 (or fewer, when a late promotion sent it from a rung to the end) and
        // went on from its checkpoint each time, never training an epoch twice; it has every rung.
        foreach (var trial in completed)
        {
            Assert.Equal([1, 2, 4, 8], trial.Summary!.Rungs.Select(r => r.Epoch));
            var resumedAt = fixture.Runner.ResumedFrom(trial.TrialId).Select(c => int.Parse(c[(c.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.True(resumedAt is [1, 2, 4] or [1, 2] or [1], string.Join(",", resumedAt));
            Assert.Equal(8, fixture.Runner.EpochsTrained(trial.TrialId));
        }
        // A stopped trial trained only to its rung, and says why it stopped.
        foreach (var trial in stopped)
        {
            Assert.Contains(trial.Summary!.EpochsRun, new[] { 1, 2, 4 });
            Assert.Equal(trial.Summary.EpochsRun, fixture.Runner.EpochsTrained(trial.TrialId));
            Assert.StartsWith("stopped at rung ", trial.StopReason, StringComparison.Ordinal);
            Assert.Contains("the best", trial.StopReason, StringComparison.Ordinal);
        }
        var epochs = trials.Sum(t => fixture.Runner.EpochsTrained(t.TrialId));
        Assert.True(epochs < 18 * 8 * 0.8, $"early stopping used {epochs} of {18 * 8} epochs");
        var front = await sweep.GetPareto(null);
        Assert.NotEmpty(front.Front);
        Assert.All(front.Front, t => Assert.Equal(TrialState.Completed, t.State));
    }

    [Fact]
    public async Task The_same_trials_stop_whatever_the_concurrency()
    {
        var one = Client.GetGrain<ISweepGrain>(NewId("es-one"));
        await one.Launch(Spec("es-lag", seed: 62, concurrency: 1, lag: 2, kind: StrategyKind.Motpe));
        var (_, first) = await EndedAsync(one);
        var three = Client.GetGrain<ISweepGrain>(NewId("es-three"));
        await three.Launch(Spec("es-lag", seed: 62, concurrency: 3, lag: 2, kind: StrategyKind.Motpe));
        var (_, second) = await EndedAsync(three);

        Assert.Equal(first.Select(Describe), second.Select(Describe));
        Assert.Contains(first, t => t.State == TrialState.Stopped);
    }

    [Fact]
    public async Task A_repeated_config_stops_at_its_first_rung_naming_the_trial_whose_figures_it_has()
    {
        // Random over 2 x 2 combinations with a budget of 12: each round of four draws repeats the first. With lag 2, trial
        // k is judged against trials 0..k-3, so from trial 6 on the first-round trial it repeats is always among them.
        var spec = Spec("es-repeat", seed: 63, concurrency: 2, kind: StrategyKind.Random) with
        {
            Strategy = new StrategySpec(StrategyKind.Random, 12, 3),
            Space = new SearchSpace([0.6, 0.9], null, new BitsSpace(BitsPolicy.Uniform, [3, 7], null), [2.0], [null], [0.4], [0.005], [CodingScheme.Arithmetic]),
        };
        var sweep = Client.GetGrain<ISweepGrain>(NewId("es-repeat"));
        await sweep.Launch(spec);
        var (status, trials) = await EndedAsync(sweep);

        Assert.Equal(SweepState.Completed, status.State);
        static (double?, int) Combination(TrialStatus t) => (t.Config!.TargetSparsity, t.Config.Bits);
        Assert.Equal(4, trials.Take(4).Select(Combination).Distinct().Count());
        foreach (var trial in trials.Skip(6))
        {
            var original = trials.First(t => Combination(t) == Combination(trial));
            Assert.True(original.Index < 4);
            Assert.Equal(TrialState.Stopped, trial.State);
            Assert.Equal(1, trial.Summary!.EpochsRun);
            Assert.Contains($"the same figures as trial {original.Index}, ", trial.StopReason, StringComparison.Ordinal);
        }
        // The first round's trials are distinct: none of them is called a repeat.
        Assert.All(trials.Take(4), t => Assert.DoesNotContain("the same figures", t.StopReason ?? "", StringComparison.Ordinal));
    }

    private static string Describe(TrialStatus trial) => System.Text.Json.JsonSerializer.Serialize(new
    {
        trial.Index,
        trial.State,
        trial.StopReason,
        trial.Config,
        Epochs = trial.Summary?.EpochsRun,
    });

    private static async Task<(SweepStatus Status, IReadOnlyList<TrialStatus> Trials)> EndedAsync(ISweepGrain sweep)
    {
        var status = await Sweeps.SweepWaiting.UntilAsync(sweep, s => s.State != SweepState.Running, TimeSpan.FromMinutes(2));
        return (status, await sweep.AllTrialsAsync(cancellationToken: Cancel));
    }
}
