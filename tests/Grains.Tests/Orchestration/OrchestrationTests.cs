using System.Diagnostics;
using System.Reflection;
using FocusedQuantization.Grains.Interfaces;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Grains.Sweeps;
using FocusedQuantization.Grains.Testing;
using Orleans.Concurrency;

namespace FocusedQuantization.Grains.Tests.Orchestration;

/// <summary>
/// The trial, model, layer and sweep grains with stages that do no real work: Start answers at once, reports may be
/// lost, jobs are shared and retried, cancel is prompt, writes stay bounded, watchers miss nothing.
/// </summary>
[Collection(FakeClusterCollection.Name)]
public sealed class OrchestrationTests(FakeClusterFixture fixture)
{
    private static readonly TrainingSpec Training = new(1, 1, 64, 0.05, 1000, 300, null);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private IClusterClient Client => fixture.Cluster.Client;

    private SyntheticStageRunner Runner => fixture.Runner;

    private static string NewId(string name) => name + "-" + Guid.NewGuid().ToString("N")[..8];

    private static SweepSpec Spec(string name, int seed, int trials, int concurrency) => new(
        name, "lenet5", "fashion-mnist", seed, [new ObjectiveSpec(ObjectiveMetric.Cr, true), new ObjectiveSpec(ObjectiveMetric.Top1, true)], null, concurrency,
        new StrategySpec(StrategyKind.Grid, null, null), Training,
        new SearchSpace(Enumerable.Range(0, trials).Select(i => Math.Round(0.05 + 0.9 * i / trials, 6)).ToArray(), null,
            new BitsSpace(BitsPolicy.Uniform, [5], null), [2.0], [null], [0.2], [0.005], [CodingScheme.Arithmetic]));

    [Fact]
    public async Task Start_returns_before_the_stage_finishes_and_a_finished_trial_answers_with_its_outcome_without_running_again()
    {
        const int seed = 101;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Runner.Configure(seed, new SyntheticStageRunner.Behavior(Gate: gate.Task));
        var sweepId = NewId("start");
        var config = SweepPlan.Expand(Spec("start", seed, 1, 1))[0];
        var trialId = Keys.Trial(sweepId, 0);
        var trial = Client.GetGrain<ITrialGrain>(trialId);

        var clock = Stopwatch.StartNew();
        var first = await trial.Start(sweepId, 0, config, "start");
        var took = clock.Elapsed;

        Assert.Null(first);
        Assert.True(took < TimeSpan.FromSeconds(2), $"Start took {took}");
        // The stage is held at its gate: Start came back while the trial's work had not finished.
        await WaitUntilAsync(() => Task.FromResult(Runner.TrialStarts(trialId) == 1), "the trial's stage to start");
        Assert.Equal(TrialState.Running, await trial.GetState());
        Assert.Null(await trial.Start(sweepId, 0, config, "start"));

        gate.SetResult();
        await WaitUntilAsync(async () => await trial.GetState() == TrialState.Completed, "the trial to complete");
        var outcome = await trial.Start(sweepId, 0, config, "start");

        Assert.NotNull(outcome);
        Assert.Equal((TrialState.Completed, trialId, 0, 1), (outcome.State, outcome.TrialId, outcome.Index, outcome.Attempts));
        Assert.Equal(32.0 / 5 / (1 - config.TargetSparsity!.Value), outcome.Summary!.CompressionRatio, 9);
        Assert.Equal(1, Runner.TrialStarts(trialId));
        var result = await trial.GetResult();
        Assert.Equal(3, result!.Layers.Count);
        Assert.Equal(outcome.Summary, TrialSummary.Of(result));
    }

    [Fact]
    public async Task A_lost_TrialFinished_report_is_recovered_by_the_sweeps_tick_and_no_trial_runs_twice()
    {
        const int seed = 102;
        Runner.Configure(seed, new SyntheticStageRunner.Behavior(Trial: TimeSpan.FromMilliseconds(50)));
        var sweepId = NewId("lost");
        var lost = Keys.Trial(sweepId, 1);
        fixture.Lost.DropNext(lost);
        var sweep = Client.GetGrain<ISweepGrain>(sweepId);

        await sweep.Launch(Spec("lost", seed, 3, 3));
        var (status, trials) = await EndedAsync(sweep);

        Assert.Equal(1, fixture.Lost.Dropped(lost));
        Assert.Equal(SweepState.Completed, status.State);
        Assert.Equal(3, status.Counts.Completed);
        Assert.All(trials, t => Assert.Equal(TrialState.Completed, t.State));
        Assert.All(trials, t => Assert.Equal(1, Runner.TrialStarts(t.TrialId)));
        Assert.NotNull(trials.Single(t => t.TrialId == lost).Summary);
    }

    [Fact]
    public async Task Concurrent_askers_of_one_baseline_share_one_job_and_each_call_answers_at_once()
    {
        const int seed = 103;
        Runner.Configure(seed, new SyntheticStageRunner.Behavior(Baseline: TimeSpan.FromMilliseconds(700)));
        var request = new BaselineRequest("lenet5", "fashion-mnist", seed, Training);
        var model = Client.GetGrain<IModelGrain>(NewId("model"));

        var clock = Stopwatch.StartNew();
        var first = await model.EnsureBaseline(request);
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(500), $"EnsureBaseline took {clock.Elapsed}");
        Assert.Equal(JobStatus.Running, first.Status);
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => model.BaselineAsync(request, Cancel)));

        Assert.Equal(1, Runner.BaselinesRunFor(seed));
        Assert.Single(answers.Distinct());
        Assert.Equal(JobStatus.Done, (await model.WaitBaseline(request, TimeSpan.Zero, Cancel)).Status);
        // A pruning of that baseline waits for the same job rather than training another.
        await model.PrunedAsync(new PruneRequest(request, 0.5, null), Cancel);
        Assert.Equal(1, Runner.BaselinesRunFor(seed));
    }

    [Fact]
    public async Task A_failing_job_reports_failed_with_its_message_and_a_later_ensure_runs_it_again()
    {
        const int seed = 104;
        Runner.Configure(seed, new SyntheticStageRunner.Behavior(BaselineFailure: new InvalidDataException("the dataset file is truncated")));
        var request = new BaselineRequest("lenet5", "fashion-mnist", seed, Training);
        var model = Client.GetGrain<IModelGrain>(NewId("failing"));

        await model.EnsureBaseline(request);
        var failed = await model.WaitBaseline(request, TimeSpan.FromSeconds(10), Cancel);

        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal("the dataset file is truncated", failed.Error);
        Assert.Equal(1, Runner.BaselinesRunFor(seed));

        Runner.Configure(seed, new SyntheticStageRunner.Behavior());
        var checkpoint = await model.BaselineAsync(request, Cancel);

        Assert.Equal($"baseline-{seed}", checkpoint.Id);
        Assert.Equal(2, Runner.BaselinesRunFor(seed));
    }

    [Fact]
    public async Task A_job_this_activation_does_not_know_answers_lost_so_the_asker_ensures_it_again()
    {
        var request = new BaselineRequest("lenet5", "fashion-mnist", 105, Training);
        var model = Client.GetGrain<IModelGrain>(NewId("unknown"));

        Assert.Equal(JobStatus.Lost, (await model.WaitBaseline(request, TimeSpan.FromSeconds(1), Cancel)).Status);
        await model.BaselineAsync(request, Cancel);
        Assert.Equal(JobStatus.Done, (await model.WaitBaseline(request, TimeSpan.Zero, Cancel)).Status);
    }

    [Fact]
    public async Task Concurrent_askers_of_one_layer_search_share_one_computation()
    {
        var layer = NewId("layer");
        Runner.LayerDuration = TimeSpan.Zero;
        var request = new LayerSearchRequest("pruned-x", "lenet5", "fashion-mnist", layer, [4, 5], 2.0, null, CodingScheme.Arithmetic, 106, Training);
        var grain = Client.GetGrain<ILayerGrain>(Keys.Of(request));

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => grain.SearchAsync(request, Cancel)));

        Assert.Single(answers.Select(a => a.Silo).Distinct());
        Assert.Equal(1, Runner.LayerSearchesFor(layer));
    }

    [Fact]
    public async Task Cancel_does_not_interleave_yet_stops_a_running_trial_promptly()
    {
        const int seed = 107;
        Runner.Configure(seed, new SyntheticStageRunner.Behavior(Trial: TimeSpan.FromMinutes(2)));
        var sweepId = NewId("cancel");
        var config = SweepPlan.Expand(Spec("cancel", seed, 1, 1))[0];
        var trialId = Keys.Trial(sweepId, 0);
        var trial = Client.GetGrain<ITrialGrain>(trialId);
        await trial.Start(sweepId, 0, config, "cancel");
        await WaitUntilAsync(() => Task.FromResult(Runner.TrialStarts(trialId) == 1), "the trial's stage to start");

        var clock = Stopwatch.StartNew();
        await trial.Cancel();
        var took = clock.Elapsed;

        Assert.True(took < TimeSpan.FromSeconds(2), $"Cancel took {took}");
        Assert.Equal(TrialState.Cancelled, await trial.GetState());
        var outcome = await trial.Start(sweepId, 0, config, "cancel");
        Assert.Equal(TrialState.Cancelled, outcome!.State);
        Assert.Equal(1, Runner.TrialStarts(trialId));
    }

    [Fact]
    public void No_mutator_interleaves_queries_are_read_only_and_no_call_waits_for_hours()
    {
        var interfaces = new[] { typeof(ISweepGrain), typeof(ITrialGrain), typeof(IModelGrain), typeof(ILayerGrain) };
        var queries = new[] { "GetStatus", "GetTrials", "GetPareto", "GetState", "GetResult", "GetLayerSilos" };
        foreach (var method in interfaces.SelectMany(i => i.GetMethods()))
        {
            var name = $"{method.DeclaringType!.Name}.{method.Name}";
            // Only the long polls interleave, and they only read their job.
            Assert.True(method.GetCustomAttribute<AlwaysInterleaveAttribute>() is null || method.Name.StartsWith("Wait", StringComparison.Ordinal), name);
            Assert.Null(method.GetCustomAttribute<ResponseTimeoutAttribute>());
            if (queries.Contains(method.Name)) Assert.True(method.GetCustomAttribute<ReadOnlyAttribute>() is not null, $"{name} is not read-only");
        }
        Assert.NotNull(typeof(ISweepGrain).GetMethod(nameof(ISweepGrain.TrialFinished))!.GetCustomAttribute<OneWayAttribute>());
        Assert.NotNull(typeof(ISweepGrain).GetMethod(nameof(ISweepGrain.TrialProgress))!.GetCustomAttribute<OneWayAttribute>());
        foreach (var grain in new[] { typeof(SweepGrain), typeof(TrialGrain), typeof(ModelGrain), typeof(LayerGrain) })
        {
            Assert.Null(grain.GetCustomAttribute<ReentrantAttribute>());
            Assert.DoesNotContain(grain.GetFields(BindingFlags.Instance | BindingFlags.NonPublic), f => f.FieldType == typeof(SemaphoreSlim));
        }
    }

    [Fact]
    public async Task Bytes_written_per_outcome_do_not_grow_with_the_number_of_trials()
    {
        var small = await BytesPerOutcomeAsync(108, trials: 64);
        var large = await BytesPerOutcomeAsync(109, trials: 640);

        TestContext.Current.SendDiagnosticMessage($"bytes per outcome: {small.PerOutcome:F0} at 64 trials, {large.PerOutcome:F0} at 640; largest write {small.Largest} and {large.Largest}");
        Assert.True(large.PerOutcome <= 1.5 * small.PerOutcome, $"{large.PerOutcome:F0} bytes per outcome at 640 trials against {small.PerOutcome:F0} at 64");
        Assert.True(large.Largest <= 1.5 * small.Largest, $"largest write {large.Largest} bytes at 640 trials against {small.Largest} at 64");
    }

    [Fact]
    public async Task A_watcher_that_disconnects_and_reconnects_with_its_last_version_misses_no_change()
    {
        const int seed = 110;
        Runner.Configure(seed, new SyntheticStageRunner.Behavior(Trial: TimeSpan.FromMilliseconds(100)));
        var sweep = Client.GetGrain<ISweepGrain>(NewId("watch"));
        await sweep.Launch(Spec("watch", seed, 12, 2));
        var updates = new List<SweepUpdate>();

        await foreach (var update in sweep.Watch(-1, Cancel))
        {
            updates.Add(update);
            if (updates.Count == 6) break;
        }
        // Away while trials go on.
        await Task.Delay(500, Cancel);
        await foreach (var update in sweep.Watch(updates[^1].Version, Cancel)) updates.Add(update);

        var snapshot = updates[0].Snapshot;
        Assert.NotNull(snapshot);
        Assert.All(updates.Skip(1), u => Assert.Null(u.Snapshot));
        for (var i = 1; i < updates.Count; i++) Assert.Equal(updates[i - 1].Version + 1, updates[i].Version);
        var finished = updates.Skip(1).Select(u => u.Trial).OfType<TrialStatus>().Where(t => t.IsFinished).Select(t => t.TrialId).ToArray();
        Assert.Equal(12 - snapshot.Counts.Finished, finished.Length);
        Assert.Equal(finished.Length, finished.Distinct().Count());
        Assert.Equal(SweepState.Completed, updates[^1].State);
        Assert.Equal(12, updates[^1].Counts.Completed);

        // Too far behind (an old version): a snapshot first, then the stream ends with the finished sweep.
        var late = new List<SweepUpdate>();
        await foreach (var update in sweep.Watch(0, Cancel)) late.Add(update);
        Assert.Equal(SweepState.Completed, Assert.Single(late).Snapshot!.State);
    }

    [Fact]
    public async Task Status_and_pareto_queries_are_bounded_and_page_every_trial()
    {
        const int seed = 111;
        Runner.Configure(seed, new SyntheticStageRunner.Behavior());
        var sweep = Client.GetGrain<ISweepGrain>(NewId("queries"));
        await sweep.Launch(Spec("queries", seed, 30, 4));
        var (status, trials) = await EndedAsync(sweep);

        Assert.Equal(30, trials.Count);
        Assert.Equal(Enumerable.Range(0, 30), trials.Select(t => t.Index));
        Assert.Empty(status.Running);
        var pareto = await sweep.GetPareto(null);
        Assert.Equal(30, pareto.Trials);
        Assert.Equal(30, pareto.Completed);
        var expected = ParetoFront.Compute(trials.Select(t => new ParetoPoint(t.TrialId, t.Summary!.CompressionRatio, t.Summary.SelectionTop1)));
        Assert.Equal(expected.Select(p => p.Id), pareto.Front.Select(t => t.TrialId));
        Assert.Equal(expected.Select(p => p.Id), status.Front.Select(t => t.TrialId));
        var constrained = await sweep.GetPareto(2.0);
        Assert.All(constrained.Front, t => Assert.True(t.Summary!.SelectionTop1 >= 90 - 2.0));
        var page = await sweep.GetTrials(10, 5, TrialState.Completed);
        Assert.Equal(30, page.Total);
        Assert.Equal([10, 11, 12, 13, 14], page.Trials.Select(t => t.Index));
        Assert.Equal(0, (await sweep.GetTrials(0, 10, TrialState.Pending)).Total);
    }

    private async Task<(double PerOutcome, int Largest)> BytesPerOutcomeAsync(int seed, int trials)
    {
        Runner.Configure(seed, new SyntheticStageRunner.Behavior());
        var sweep = Client.GetGrain<ISweepGrain>(NewId("bytes"));
        await sweep.Launch(Spec("bytes", seed, trials, 16));
        await EndedAsync(sweep, TimeSpan.FromMinutes(3));
        var writes = fixture.Writes.Of(sweep.GetGrainId());
        Assert.Contains(writes, w => w.State.StartsWith("sweep-rows-", StringComparison.Ordinal));
        return ((double)writes.Sum(w => w.Bytes) / trials, writes.Max(w => w.Bytes));
    }

    private static async Task<(SweepStatus Status, IReadOnlyList<TrialStatus> Trials)> EndedAsync(ISweepGrain sweep, TimeSpan? timeout = null)
    {
        var status = await Sweeps.SweepWaiting.UntilAsync(sweep, s => s.State != SweepState.Running, timeout ?? TimeSpan.FromMinutes(1));
        return (status, await sweep.AllTrialsAsync(cancellationToken: Cancel));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"Waited 30 s for {what}.");
            await Task.Delay(20, Cancel);
        }
    }
}
