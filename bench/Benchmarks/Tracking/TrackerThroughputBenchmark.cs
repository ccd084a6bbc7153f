using BenchmarkDotNet.Attributes;
using FocusedQuantization.Tracking;
using FocusedQuantization.Tracking.Outbox;
using TrackerHost = FocusedQuantization.Tracker.TrackerHost;
using TrackerOptions = FocusedQuantization.Tracker.TrackerOptions;

namespace FocusedQuantization.Benchmarks.Tracking;

/// <summary>
/// Metrics logged into the embedded tracker (in process, real HTTP on a loopback port, SQLite) through the Refit
/// client: batches of 1,000 through runs/log-batch against one runs/log-metric call per metric (the baseline); and the
/// path the grains use, through the SQLite outbox (20 operations of 50 metrics, about one trial outcome each, enqueued
/// and then drained). One operation = one metric. Every value has its own step, so none is a duplicate the tracker
/// could skip.
/// </summary>
public class TrackerThroughputBenchmark
{
    private const int BatchSize = 1_000, SingleCalls = 100, OutboxOperations = 20;
    private const string OutboxRun = "bench/outbox";
    private string home = null!;
    private TrackerHost host = null!;
    private HttpClient http = null!;
    private IMlflowRunsApi runs = null!;
    private string runId = null!;
    private long step;
    private TrackingOutbox outbox = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        home = Directory.CreateTempSubdirectory("fq-bench-tracker-").FullName;
        host = await TrackerHost.StartAsync(new TrackerOptions
        {
            DatabasePath = Path.Combine(home, "mlruns.db"),
            Urls = "http://127.0.0.1:0",
        });
        http = MlflowClientFactory.CreateHttpClient(new MlflowTrackingSettings(host.BaseAddress), new MlflowRetryOptions { MaxRetryAttempts = 0 });
        runs = MlflowClientFactory.CreateRunsApi(http);
        var experiments = MlflowClientFactory.CreateExperimentsApi(http);
        var experiment = await experiments.CreateExperimentAsync(new CreateExperimentRequest("bench"));
        runId = (await runs.CreateRunAsync(new CreateRunRequest(experiment.ExperimentId, "throughput"))).Run.Info.RunId;

        outbox = new TrackingOutbox(new OutboxOptions { DatabasePath = Path.Combine(home, "outbox.db") },
            TrackingTarget.Fixed(new MlflowTrackingSettings(host.BaseAddress)));
        await outbox.StartAsync(CancellationToken.None);
        outbox.Enqueue(new CreateRunOperation(OutboxRun, "bench", "through the outbox", 1_700_000_000_000, []));
        if (!await outbox.DrainAsync(TimeSpan.FromSeconds(30))) throw new InvalidOperationException("The outbox did not create its run.");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        outbox.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        outbox.DisposeAsync().AsTask().GetAwaiter().GetResult();
        http.Dispose();
        host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(home, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "log-metric, one call each", OperationsPerInvoke = SingleCalls)]
    public async Task LogOneByOne()
    {
        for (var i = 0; i < SingleCalls; i++)
        {
            var metric = NextMetric();
            await runs.LogMetricAsync(new LogMetricRequest(runId, metric.Key, metric.Value, metric.Timestamp, metric.Step));
        }
    }

    [Benchmark(Description = "log-batch of 1,000", OperationsPerInvoke = BatchSize)]
    public Task LogBatch()
    {
        var metrics = new MlflowMetric[BatchSize];
        for (var i = 0; i < metrics.Length; i++) metrics[i] = NextMetric();
        return SendAsync(metrics);
    }

    [Benchmark(Description = "through the outbox, 20 x 50", OperationsPerInvoke = BatchSize)]
    public async Task ThroughOutbox()
    {
        const int perOperation = BatchSize / OutboxOperations;
        for (var o = 0; o < OutboxOperations; o++)
        {
            var metrics = new MlflowMetric[perOperation];
            for (var i = 0; i < metrics.Length; i++) metrics[i] = NextMetric();
            outbox.Enqueue(new LogBatchOperation(OutboxRun, "bench", metrics, [], []));
        }
        if (!await outbox.DrainAsync(TimeSpan.FromSeconds(60))) throw new InvalidOperationException("The outbox did not drain within 60 s.");
    }

    /// <summary>
    /// The sending side, the one place to change to route the benchmark through another path (e.g. an outbox that
    /// enqueues and then drains).
    /// </summary>
    private Task SendAsync(IReadOnlyList<MlflowMetric> metrics) => runs.LogBatchAsync(new LogBatchRequest(runId, metrics, [], []));

    private MlflowMetric NextMetric()
    {
        var s = step++;
        return new MlflowMetric("loss", 1.0 / (1 + s), 1_700_000_000_000 + s, s);
    }
}
