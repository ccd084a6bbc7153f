using System.Diagnostics;
using FocusedQuantization.Grains.Execution;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace FocusedQuantization.Telemetry.Tests;

/// <summary>
/// A real sweep on a two-silo in-process cluster with the real stages (tiny data): its spans form one trace from the
/// caller's launch span through the sweep, every trial and their stages, although the sweep starts trials from its timer.
/// </summary>
[Collection(ListenerCollection.Name)]
public sealed class TracedSweepTests : IAsyncLifetime
{
    private readonly string _home = Directory.CreateTempSubdirectory("fq-telemetry-").FullName;
    private InProcessTestCluster _cluster = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 2);
        builder.ConfigureHost(host => host.Services.AddFqGrains(o =>
        {
            o.Home = _home;
            o.Workers = 2;
        }));
        builder.ConfigureSilo((_, silo) => silo.AddMemoryGrainStorageAsDefault().UseInMemoryReminderService().AddActivityPropagation().Services.UseOrleansStateSerializer());
        builder.ConfigureClient(client => client.AddActivityPropagation());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync();
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing worker; the temp folder is cleaned by the system.
        }
    }

    [Fact]
    public async Task Every_trial_and_its_stages_join_the_trace_of_the_launch_with_their_attributes()
    {
        using var recorder = SpanRecorder.Start();
        var sweepId = "traced-" + Guid.NewGuid().ToString("N")[..8];
        var sweep = _cluster.Client.GetGrain<ISweepGrain>(sweepId);
        ActivityTraceId traceId;
        using (var launch = FqTelemetry.Source.StartActivity(FqSpans.Launch, ActivityKind.Client))
        {
            Assert.NotNull(launch);
            traceId = launch.TraceId;
            // Concurrency 1: the second trial starts only after the first ended, from a later turn than the launch.
            await sweep.Launch(TinySweep("traced", concurrency: 1, sparsities: [0.8, 0.9]));
        }

        var status = await WaitUntilAsync(sweep, s => s.State != SweepState.Running, TimeSpan.FromMinutes(3));
        Assert.Equal(SweepState.Completed, status.State);
        // The trial span ends after it reported its outcome; wait for both to be recorded.
        var spans = await WaitForSpansAsync(recorder, s => s.Count(a => a.OperationName == FqSpans.Trial) == 2, TimeSpan.FromSeconds(30));

        var product = spans.Where(a => a.Source.Name == FqTelemetry.SourceName).ToArray();
        var sweepSpan = Assert.Single(product, a => a.OperationName == FqSpans.Sweep);
        Assert.Equal(traceId, sweepSpan.TraceId);
        Assert.Equal(sweepId, sweepSpan.GetTagItem(FqTags.SweepId));
        var trials = product.Where(a => a.OperationName == FqSpans.Trial).ToArray();
        Assert.All(trials, t =>
        {
            Assert.Equal(traceId, t.TraceId);
            // Started under the sweep's span, kept in its state, not under whichever call happened to start it.
            Assert.Equal(sweepSpan.SpanId, t.ParentSpanId);
            Assert.Equal(sweepId, t.GetTagItem(FqTags.SweepId));
            Assert.StartsWith(sweepId + "/", (string)t.GetTagItem(FqTags.TrialId)!);
            Assert.Equal(4, t.GetTagItem(FqTags.Bits));
            Assert.Equal("uniform", t.GetTagItem(FqTags.Mode));
            Assert.True((double)t.GetTagItem(FqTags.CompressionRatio)! > 1, "fq.cr");
            Assert.InRange((double)t.GetTagItem(FqTags.Top1)!, 1, 100);
            Assert.Equal(ActivityStatusCode.Unset, t.Status);
        });
        Assert.Equal((await sweep.AllTrialsAsync(cancellationToken: TestContext.Current.CancellationToken)).Select(t => t.TrialId).Order(), trials.Select(t => (string)t.GetTagItem(FqTags.TrialId)!).Order());

        foreach (var name in new[] { FqSpans.Baseline, FqSpans.Prune, FqSpans.LayerSearch, FqSpans.FineTune, FqSpans.FineTuneEpoch, FqSpans.Encode, FqSpans.Evaluate })
            Assert.Contains(product, a => a.OperationName == name);
        Assert.All(product, a => Assert.Equal(traceId, a.TraceId));
        var layers = product.Where(a => a.OperationName == FqSpans.LayerSearch).ToArray();
        Assert.All(layers, l => Assert.NotNull(l.GetTagItem(FqTags.Layer)));
        // Each trial's stages are its descendants.
        var byId = spans.ToDictionary(a => a.SpanId);
        Assert.All(product.Where(a => a.OperationName is FqSpans.FineTune or FqSpans.Encode or FqSpans.Evaluate or FqSpans.LayerSearch),
            a => Assert.Contains(Ancestors(a, byId), p => p.OperationName == FqSpans.Trial));
        Assert.All(product.Where(a => a.OperationName == FqSpans.FineTuneEpoch),
            e => Assert.Equal(FqSpans.FineTune, byId[e.ParentSpanId].OperationName));
        Assert.All(product.Where(a => a.OperationName == FqSpans.Evaluate), e => Assert.InRange((double)e.GetTagItem(FqTags.Top1)!, 1, 100));
    }

    [Fact]
    public async Task A_trial_started_with_no_caller_span_joins_the_trace_it_is_handed()
    {
        using var recorder = SpanRecorder.Start();
        var kept = $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
        var sweepId = "handed-" + Guid.NewGuid().ToString("N")[..8];
        var config = Grains.Sweeps.SweepPlan.Expand(TinySweep("handed", 1, [0.8]))[0];

        // As the sweep's timer tick (or a new activation after a restart) does it: no current span, only the kept context.
        Assert.Null(Activity.Current);
        RequestContext.Set(FqTraceContext.RequestContextKey, kept);
        try
        {
            await _cluster.Client.GetGrain<ITrialGrain>(sweepId + "/0000").Start(sweepId, 0, config, "handed");
        }
        finally
        {
            RequestContext.Remove(FqTraceContext.RequestContextKey);
        }

        var spans = await WaitForSpansAsync(recorder, s => s.Any(a => a.OperationName == FqSpans.Trial), TimeSpan.FromMinutes(2));
        var trial = Assert.Single(spans, a => a.OperationName == FqSpans.Trial);
        Assert.Equal(FqTraceContext.Parse(kept).TraceId, trial.TraceId);
        Assert.Equal(FqTraceContext.Parse(kept).SpanId, trial.ParentSpanId);
        // There is no sweep grain with that id to report to: the trial still ran, under the handed trace.
        Assert.Contains(spans, a => a.OperationName == FqSpans.LayerSearch && a.TraceId == trial.TraceId);
    }

    private static IEnumerable<Activity> Ancestors(Activity span, Dictionary<ActivitySpanId, Activity> byId)
    {
        for (var parent = span.ParentSpanId; byId.TryGetValue(parent, out var p); parent = p.ParentSpanId) yield return p;
    }

    private static SweepSpec TinySweep(string name, int concurrency, IReadOnlyList<double> sparsities) => new(
        name, "lenet-300-100", "fashion-mnist", Seed: 5,
        [new ObjectiveSpec(ObjectiveMetric.Cr, true), new ObjectiveSpec(ObjectiveMetric.Top1, true)], MaxTop1Drop: null, concurrency,
        new StrategySpec(StrategyKind.Grid, null, null),
        new TrainingSpec(BaselineEpochs: 1, PruneEpochs: 1, BatchSize: 64, LearningRate: 0.05, TrainLimit: 600, TestLimit: 200, DataDirectory: null),
        new SearchSpace(sparsities, null, new BitsSpace(BitsPolicy.Uniform, [4], null), [2.0], [null], [0.2], [0.005], [CodingScheme.Arithmetic]));

    private static async Task<IReadOnlyList<Activity>> WaitForSpansAsync(SpanRecorder recorder, Func<IReadOnlyList<Activity>, bool> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var spans = recorder.Spans;
            if (done(spans)) return spans;
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"The spans did not arrive in {timeout}; got: {string.Join(", ", spans.Select(s => s.OperationName).Distinct())}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private static async Task<SweepStatus> WaitUntilAsync(ISweepGrain sweep, Func<SweepStatus, bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await sweep.GetStatus();
            if (condition(status)) return status;
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"The sweep did not finish in {timeout}: {status.State}; "
                    + string.Join(", ", status.Running.Select(t => $"{t.TrialId}={t.State}/{t.Stage}/{t.Error}")));
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }
}
