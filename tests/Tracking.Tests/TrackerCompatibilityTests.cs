using FocusedQuantization.Tracker;

namespace FocusedQuantization.Tracking.Tests;

/// <summary>The Refit client against the project's own MLflow-compatible tracker, over real HTTP.</summary>
public sealed class TrackerCompatibilityTests : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("fq-tracking-").FullName;
    private TrackerHost tracker = null!;
    private HttpClient http = null!;
    private IMlflowExperimentsApi api = null!;

    public async ValueTask InitializeAsync()
    {
        tracker = await TrackerHost.StartAsync(new TrackerOptions
        {
            DatabasePath = Path.Combine(directory, "mlruns.db"), Urls = "http://127.0.0.1:0",
        }, TestContext.Current.CancellationToken);
        http = MlflowClientFactory.CreateHttpClient(new MlflowTrackingSettings(tracker.BaseAddress));
        api = MlflowClientFactory.CreateExperimentsApi(http);
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await tracker.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_experiment_created_through_the_client_is_read_back_through_the_client()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var created = await api.CreateExperimentAsync(
            new CreateExperimentRequest("fq sweep", Tags: [new ExperimentTag("sweep_id", "s1")]), Cancel);

        var experiment = (await api.GetExperimentByNameAsync("fq sweep", Cancel)).Experiment;

        Assert.Equal(created.ExperimentId, experiment.ExperimentId);
        Assert.Equal("fq sweep", experiment.Name);
        Assert.Equal("active", experiment.LifecycleStage);
        Assert.Equal(Path.Combine(directory, "mlartifacts", created.ExperimentId), experiment.ArtifactLocation);
        Assert.InRange(experiment.CreationTime!.Value, before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal([new ExperimentTag("sweep_id", "s1")], experiment.Tags!);
    }

    [Fact]
    public async Task Creating_a_taken_name_gives_400_RESOURCE_ALREADY_EXISTS_to_the_client()
    {
        await api.CreateExperimentAsync(new CreateExperimentRequest("taken"), Cancel);

        var error = await Assert.ThrowsAsync<ResourceAlreadyExistsException>(() => api.CreateExperimentAsync(new CreateExperimentRequest("taken"), Cancel));

        Assert.Equal(400, (int)error.StatusCode);
        Assert.Equal("RESOURCE_ALREADY_EXISTS", error.GetMlflowError()?.ErrorCode);
    }

    [Fact]
    public async Task A_missing_name_gives_404_RESOURCE_DOES_NOT_EXIST_to_the_client()
    {
        var error = await Assert.ThrowsAsync<ResourceDoesNotExistException>(() => api.GetExperimentByNameAsync("absent", Cancel));

        Assert.Equal(404, (int)error.StatusCode);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", error.GetMlflowError()?.ErrorCode);
    }

    [Fact]
    public async Task A_sweep_logged_through_the_client_can_be_searched_and_read_back_from_the_tracker()
    {
        var runs = MlflowClientFactory.CreateRunsApi(http);
        var experiment = (await api.CreateExperimentAsync(new CreateExperimentRequest("lenet5 sweep"), Cancel)).ExperimentId;
        var parent = (await runs.CreateRunAsync(new CreateRunRequest(experiment, "sweep"), Cancel)).Run.Info.RunId;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var (bits, cr, top1) in new[] { (4, 53.1, 78.75), (5, 48.5, 78.95), (6, 30.2, 79.10) })
        {
            var child = (await runs.CreateRunAsync(new CreateRunRequest(experiment, $"bits-{bits}",
                Tags: [new MlflowRunTag("mlflow.parentRunId", parent)]), Cancel)).Run.Info.RunId;
            // More metrics than one request may carry: the splitter sends them in parts, in order.
            var history = Enumerable.Range(0, 1500).Select(step => new MlflowMetric("loss", 1.0 / (step + 1), now + step, step));
            var batch = new LogBatchRequest(child,
                [.. history, new MlflowMetric("cr", cr, now, 0), new MlflowMetric("top1", top1, now, 0)],
                [new MlflowParam("bits", bits.ToString(System.Globalization.CultureInfo.InvariantCulture))],
                [new MlflowRunTag("fq.pareto", bits < 6 ? "true" : "false")]);
            Assert.Equal(2, await runs.LogBatchInPartsAsync(batch, cancellationToken: Cancel));
            await runs.UpdateRunAsync(new UpdateRunRequest(child, MlflowRunStatus.Finished, now + 2000), Cancel);
        }

        var front = await runs.SearchRunsAsync(new SearchRunsRequest([experiment],
            "tags.fq.pareto = 'true' AND metrics.cr > 40", OrderBy: ["metrics.top1 DESC"]), Cancel);

        Assert.Equal(["bits-5", "bits-4"], front.Runs!.Select(r => r.Info.RunName));
        Assert.All(front.Runs!, r => Assert.Equal(MlflowRunStatus.Finished, r.Info.Status));
        var best = (await runs.GetRunAsync(front.Runs![0].Info.RunId, Cancel)).Run;
        Assert.Equal(48.5, best.Data!.Metrics!.Single(m => m.Key == "cr").Value);
        Assert.Contains(best.Data.Tags!, t => t.Key == "mlflow.parentRunId" && t.Value == parent);
        var losses = await runs.GetMetricHistoryAsync(best.Info.RunId, "loss", cancellationToken: Cancel);
        Assert.Equal(Enumerable.Range(0, 1500).Select(i => (long)i), losses.Metrics!.Select(m => m.Step).Order());
    }
}
