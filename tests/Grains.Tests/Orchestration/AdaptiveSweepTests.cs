using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Grains.Sweeps;
using FocusedQuantization.Grains.Testing;

namespace FocusedQuantization.Grains.Tests.Orchestration;

/// <summary>
/// Adaptive strategies in the sweep grain: trials are asked of a sampler as slots free, their configs depend on the
/// spec and seed alone (not on timing or concurrency), and a sweep can start from an earlier sweep's trials.
/// </summary>
[Collection(FakeClusterCollection.Name)]
public sealed class AdaptiveSweepTests(FakeClusterFixture fixture)
{
    private static readonly TrainingSpec Training = new(1, 1, 64, 0.05, 1000, 300, null);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private IClusterClient Client => fixture.Cluster.Client;

    private static string NewId(string name) => name + "-" + Guid.NewGuid().ToString("N")[..8];

    private static SweepSpec Spec(string name, StrategyKind kind, int budget, int concurrency, int? lag = null, string? warmStart = null) => new(
        name, "lenet5", "fashion-mnist", 41, [new ObjectiveSpec(ObjectiveMetric.Cr, true), new ObjectiveSpec(ObjectiveMetric.Top1, true)], 8.0, concurrency,
        new StrategySpec(kind, budget, 5) { Lag = lag, WarmStart = warmStart }, Training,
        new SearchSpace([0.5, 0.6, 0.7, 0.8, 0.9, 0.95], null, new BitsSpace(BitsPolicy.Uniform, [3, 4, 5, 6], null), [1.5, 2.0, 3.0], [null], [0.2],
            [0.002, 0.005], [CodingScheme.Arithmetic]));

    [Theory]
    [InlineData(StrategyKind.Nsga2)]
    [InlineData(StrategyKind.Motpe)]
    public async Task An_adaptive_sweep_runs_its_budget_with_every_config_asked_of_the_sampler_and_inside_the_space(StrategyKind kind)
    {
        var sweep = Client.GetGrain<ISweepGrain>(NewId("adaptive"));
        var launched = await sweep.Launch(Spec("adaptive", kind, budget: 14, concurrency: 3));
        var (status, trials) = await EndedAsync(sweep);

        Assert.Equal(14, launched.Counts.Total);
        Assert.Equal(SweepState.Completed, status.State);
        Assert.Equal(14, trials.Count);
        Assert.All(trials, t => Assert.Equal(TrialState.Completed, t.State));
        var spec = status.Spec;
        foreach (var config in trials.Select(t => t.Config!))
        {
            Assert.NotNull(config.Parameters);
            Assert.Contains(config.TargetSparsity!.Value, spec.Space.TargetSparsity!);
            Assert.Contains(config.Bits, spec.Space.Bits.Values);
            Assert.Contains(config.WSep, spec.Space.WSep);
            Assert.Contains(config.FineTuneLearningRate, spec.Space.FineTuneLearningRate);
            // The config is the sampler's point read back through the space.
            Assert.Equal(Text(config), Text(SweepSpaceMapping.ToConfig(spec, new Search.Point(config.Parameters!))));
        }
        Assert.NotEmpty((await sweep.GetPareto(null)).Front);
    }

    [Fact]
    public async Task With_a_fixed_lag_the_trials_are_the_same_whatever_the_concurrency_and_the_timing()
    {
        // One trial at a time, then three at once with uneven durations (the fake runner's accuracy noise makes the
        // outcomes differ per config, so a sampler that saw outcomes in another order would ask other points).
        var one = Client.GetGrain<ISweepGrain>(NewId("lag1"));
        await one.Launch(Spec("lag", StrategyKind.Nsga2, budget: 16, concurrency: 1, lag: 3));
        var (_, first) = await EndedAsync(one);
        var three = Client.GetGrain<ISweepGrain>(NewId("lag3"));
        await three.Launch(Spec("lag", StrategyKind.Nsga2, budget: 16, concurrency: 3, lag: 3));
        var (_, second) = await EndedAsync(three);

        Assert.Equal(first.Select(t => Text(t.Config)), second.Select(t => Text(t.Config)));
        Assert.Equal(first.Select(t => t.Summary!.CompressionRatio), second.Select(t => t.Summary!.CompressionRatio));
    }

    [Fact]
    public async Task A_warm_started_sweep_asks_knowing_the_earlier_sweeps_trials()
    {
        var earlier = Client.GetGrain<ISweepGrain>(NewId("warm-a"));
        await earlier.Launch(Spec("warm-a", StrategyKind.Motpe, budget: 10, concurrency: 2));
        await EndedAsync(earlier);

        var cold = Client.GetGrain<ISweepGrain>(NewId("cold-b"));
        await cold.Launch(Spec("b", StrategyKind.Motpe, budget: 6, concurrency: 2));
        var (_, coldTrials) = await EndedAsync(cold);
        var warm = Client.GetGrain<ISweepGrain>(NewId("warm-b"));
        await warm.Launch(Spec("b", StrategyKind.Motpe, budget: 6, concurrency: 2, warmStart: earlier.GetPrimaryKeyString()));
        var (warmStatus, warmTrials) = await EndedAsync(warm);

        Assert.Equal(SweepState.Completed, warmStatus.State);
        Assert.Equal(6, warmTrials.Count);
        // The same spec and seed, but ten trials already known: the sampler asks other points.
        Assert.NotEqual(coldTrials.Select(t => Text(t.Config)), warmTrials.Select(t => Text(t.Config)));
    }

    [Fact]
    public async Task A_warm_start_from_a_sweep_that_does_not_exist_or_a_planned_strategy_is_refused_at_launch()
    {
        var missing = Client.GetGrain<ISweepGrain>(NewId("warm-missing"));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => missing.Launch(Spec("m", StrategyKind.Nsga2, 4, 1, warmStart: "no-such-sweep")));
        Assert.Contains("no-such-sweep", error.Message, StringComparison.Ordinal);

        var grid = Client.GetGrain<ISweepGrain>(NewId("warm-grid"));
        var gridSpec = Spec("g", StrategyKind.Grid, 4, 1) with { Strategy = new StrategySpec(StrategyKind.Grid, null, null) { WarmStart = "x" } };
        Assert.Contains("adaptive", (await Assert.ThrowsAsync<ArgumentException>(() => grid.Launch(gridSpec))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pending_trials_of_an_adaptive_sweep_have_no_config_until_they_start()
    {
        var gate = new TaskCompletionSource();
        fixture.Runner.Configure(43, new SyntheticStageRunner.Behavior(Gate: gate.Task));
        var sweep = Client.GetGrain<ISweepGrain>(NewId("pending"));
        await sweep.Launch(Spec("pending", StrategyKind.Motpe, budget: 5, concurrency: 1) with { Seed = 43 });
        await Sweeps.SweepWaiting.UntilAsync(sweep, s => s.Running.Count == 1, TimeSpan.FromSeconds(30));

        var trials = await sweep.AllTrialsAsync(cancellationToken: Cancel);
        Assert.NotNull(Assert.Single(trials, t => t.State == TrialState.Running).Config);
        Assert.All(trials.Where(t => t.State == TrialState.Pending), t => Assert.Null(t.Config));
        gate.SetResult();
        await EndedAsync(sweep);
    }

    /// <summary>A config as text: records compare their lists and dictionaries by reference, and configs cross the wire.</summary>
    private static string Text(TrialConfig? config) => System.Text.Json.JsonSerializer.Serialize(config);

    private static async Task<(SweepStatus Status, IReadOnlyList<TrialStatus> Trials)> EndedAsync(ISweepGrain sweep)
    {
        var status = await Sweeps.SweepWaiting.UntilAsync(sweep, s => s.State != SweepState.Running, TimeSpan.FromMinutes(2));
        return (status, await sweep.AllTrialsAsync(cancellationToken: Cancel));
    }
}
