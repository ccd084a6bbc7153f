using System.Diagnostics;
using System.Globalization;
using FocusedQuantization.Silo.Tests.Support;
using FocusedQuantization.Telemetry;
using TrackerHost = FocusedQuantization.Tracker.TrackerHost;
using TrackerOptions = FocusedQuantization.Tracker.TrackerOptions;
using FocusedQuantization.Tracking;

namespace FocusedQuantization.Silo.Tests;

/// <summary>
/// Telemetry end to end, all real processes: the Aspire dashboard, two `fq silo` processes on Redis and an `fq sweep
/// launch` process, all exporting over OTLP. The dashboard ends up holding one trace that runs from the launch through
/// the sweep, its trials and their layer searches, with spans from both silos; and the tracker the silos log to (run
/// in this process) holds the sweep's parent run and one finished child run per trial with its metrics.
/// </summary>
public sealed class TelemetryEndToEndTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan SweepTimeout = TimeSpan.FromMinutes(3);

    private const string SpecYaml = """
        name: traced
        model: lenet-300-100
        dataset: fashion-mnist
        concurrency: 2
        training: { baseline_epochs: 1, prune_epochs: 1, train_limit: 600, test_limit: 200 }
        space:
          sparsity: [0.8, 0.9]
          bits: [4]
          schedule_scale: 0.2
        """;

    private readonly TempFolder _folder = new();
    private readonly List<ChildProcess> _processes = [];
    private AspireDashboard? _dashboard;
    private RedisServer? _redis;
    private TrackerHost? _tracker;

    public void Dispose()
    {
        foreach (var process in _processes) process.Dispose();
        _redis?.Dispose();
        _dashboard?.Dispose();
        _tracker?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _folder.Dispose();
    }

    [Fact]
    public async Task One_trace_runs_from_the_launch_through_the_sweep_trials_and_layer_searches_on_both_silos_and_the_tracker_has_the_runs()
    {
        Assert.SkipUnless(RedisServer.IsInstalled, $"{RedisServer.Binary} is missing: install Debian's redis-server (.ci/run does).");
        Assert.SkipUnless(File.Exists(AspireDashboard.BinaryPath), $"The Aspire dashboard is not restored at '{AspireDashboard.BinaryPath}'.");
        var ct = TestContext.Current.CancellationToken;
        var clock = Stopwatch.StartNew();
        var dashboardStart = AspireDashboard.StartAsync();
        _redis = await RedisServer.StartAsync(_folder.Path);
        _dashboard = await dashboardStart;
        _tracker = await TrackerHost.StartAsync(new TrackerOptions { DatabasePath = Path.Combine(_folder.Path, "tracker.db"), Urls = "http://127.0.0.1:0" }, ct);
        var state = Directory.CreateDirectory(Path.Combine(_folder.Path, "state")).FullName;
        var environment = new Dictionary<string, string?>
        {
            [FqTelemetryOptions.OtlpEndpointVariable] = _dashboard.OtlpEndpoint,
            [FqTelemetryOptions.ServiceNameVariable] = null,
            ["FQ_HOME"] = state,
            [MlflowTrackingSettings.UriVariable] = _tracker.BaseAddress.ToString(),
            // The batch exporter sends every 5 s by default; the test would mostly wait for it.
            ["OTEL_BSP_SCHEDULE_DELAY"] = "500",
        };
        var ports = FreePorts.Take(4);
        var silos = new[] { StartSilo("silo A", ports[0], ports[1], state, environment), StartSilo("silo B", ports[2], ports[3], state, environment) };
        await Task.WhenAll(silos.Select(s => s.WaitUntilReadyAsync(StartTimeout)));
        var siloPids = silos.Select(s => s.Id.ToString(CultureInfo.InvariantCulture)).ToArray();
        var upAfter = clock.Elapsed;

        var spec = Path.Combine(_folder.Path, "traced.yaml");
        await File.WriteAllTextAsync(spec, SpecYaml, ct);
        var launch = FqTool.Start("fq sweep launch", environment, "sweep", "launch", spec, "--cluster", _redis.Address, "--id", "traced");
        _processes.Add(launch);
        Assert.True(await launch.WaitForExitAsync(StartTimeout) == 0, $"fq sweep launch failed:\n{launch.Output}");

        // Spans arrive as they end, batched every few seconds: wait until both trials' spans are in.
        IReadOnlyList<ReceivedSpan> spans = [];
        while (spans.Count(s => s.Name == FqSpans.Trial) < 2)
        {
            if (clock.Elapsed > SweepTimeout)
                throw new TimeoutException($"Two trial spans did not reach the dashboard within {SweepTimeout}; it has: "
                    + string.Join(", ", spans.GroupBy(s => s.Name).Select(g => $"{g.Key} x{g.Count()}"))
                    + "\n" + string.Join("\n", silos.Select(s => $"--- {s.Name} ---\n{s.Output}")));
            await Task.Delay(500, ct);
            spans = await _dashboard.SpansAsync(ct);
        }
        var total = clock.Elapsed;

        var root = Assert.Single(spans, s => s.Name == FqSpans.Launch);
        Assert.Equal(FqTelemetry.ClientServiceName, root.Service);
        Assert.Equal("traced", root.Attributes[FqTags.SweepId]);
        var trace = spans.Where(s => s.TraceId == root.TraceId).ToArray();
        Assert.Single(trace, s => s.Name == FqSpans.Sweep);
        var trials = trace.Where(s => s.Name == FqSpans.Trial).ToArray();
        Assert.Equal(["traced/0000", "traced/0001"], trials.Select(t => t.Attributes[FqTags.TrialId]).Order());
        Assert.All(trials, t => Assert.True(double.Parse(t.Attributes[FqTags.CompressionRatio], CultureInfo.InvariantCulture) > 1));
        var layerSearches = trace.Where(s => s.Name == FqSpans.LayerSearch).ToArray();
        Assert.Equal(6, layerSearches.Length);
        Assert.All(layerSearches, l => Assert.Contains(FqTags.Layer, l.Attributes.Keys));
        // No span of a trial or its stages escaped into another trace.
        Assert.All(spans.Where(s => s.Name.StartsWith("fq.", StringComparison.Ordinal)), s => Assert.Equal(root.TraceId, s.TraceId));
        // Work from both silo processes (service.instance.id is MACHINE/PID), and from the launching process.
        var instances = trace.Where(s => s.Service == FqTelemetry.SiloServiceName).Select(s => s.Instance).Distinct().ToArray();
        Assert.Equal(siloPids.Order(), instances.Select(i => i[(i.LastIndexOf('/') + 1)..]).Order());

        // The tracker: the silos' outboxes deliver on their own; the sweep's parent run and a finished child per trial.
        using var http = MlflowClientFactory.CreateHttpClient(new MlflowTrackingSettings(_tracker.BaseAddress), MlflowRetryOptions.None);
        var runs = MlflowClientFactory.CreateRunsApi(http);
        var experiments = MlflowClientFactory.CreateExperimentsApi(http);
        IReadOnlyList<MlflowRun> logged = [];
        while (logged.Count(r => r.Info.Status == MlflowRunStatus.Finished) < 3)
        {
            if (clock.Elapsed > SweepTimeout)
                throw new TimeoutException($"The tracker did not get the sweep's 3 finished runs within {SweepTimeout}; it has {logged.Count} runs.");
            await Task.Delay(500, ct);
            var experiment = await TryExperimentAsync(experiments, "fq/traced", ct);
            logged = experiment is null ? [] : (await runs.SearchRunsAsync(new SearchRunsRequest([experiment.ExperimentId]), ct)).Runs ?? [];
        }
        var parent = Assert.Single(logged, r => Tag(r, "fq.kind") == "sweep");
        Assert.Equal("sweep/traced", Tag(parent, "fq.key"));
        var children = logged.Where(r => Tag(r, "fq.kind") == "trial").ToArray();
        Assert.Equal(["traced/0000", "traced/0001"], children.Select(c => c.Info.RunName).Order());
        Assert.All(children, c =>
        {
            Assert.Equal(parent.Info.RunId, Tag(c, "mlflow.parentRunId"));
            Assert.Equal(MlflowRunStatus.Finished, c.Info.Status);
            Assert.True(Metric(c, "cr") > 1);
            Assert.InRange(Metric(c, "top1") ?? -1, 0, 100);
            Assert.False(string.IsNullOrEmpty(Tag(c, "fq.silo")));
        });
        // The trace's trial spans and the tracker's child runs report the same compression ratios.
        Assert.Equal(
            trials.Select(t => Math.Round(double.Parse(t.Attributes[FqTags.CompressionRatio], CultureInfo.InvariantCulture), 3)).Order(),
            children.Select(c => Math.Round(Metric(c, "cr")!.Value, 3)).Order());

        TestContext.Current.SendDiagnosticMessage(
            $"cluster and dashboard up in {upAfter.TotalSeconds:F0} s, trace complete at {total.TotalSeconds:F0} s: {trace.Length} spans, "
            + string.Join(", ", trace.GroupBy(s => s.Name).Select(g => $"{g.Key} x{g.Count()}")));
    }

    private static async Task<MlflowExperiment?> TryExperimentAsync(IMlflowExperimentsApi experiments, string name, CancellationToken ct)
    {
        try
        {
            return (await experiments.GetExperimentByNameAsync(name, ct)).Experiment;
        }
        catch (ResourceDoesNotExistException)
        {
            return null; // not created yet: the outbox delivers on its own schedule
        }
    }

    private static string? Tag(MlflowRun run, string key) => run.Data?.Tags?.SingleOrDefault(t => t.Key == key)?.Value;

    private static double? Metric(MlflowRun run, string key) => run.Data?.Metrics?.SingleOrDefault(m => m.Key == key)?.Value;

    private ChildProcess StartSilo(string name, int siloPort, int gatewayPort, string state, IReadOnlyDictionary<string, string?> environment)
    {
        var process = FqTool.StartSilo(name, environment, "--cluster", _redis!.Address,
            "--silo-port", siloPort.ToString(CultureInfo.InvariantCulture),
            "--gateway-port", gatewayPort.ToString(CultureInfo.InvariantCulture), "--state", state);
        _processes.Add(process);
        return process;
    }
}
