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
}
