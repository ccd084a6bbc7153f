using System.Net;
using FocusedQuantization.Tracker;

namespace FocusedQuantization.Tracking.Tests;

/// <summary>The client against a tracker started with a token, over real HTTP, with settings read as from the environment.</summary>
public sealed class TokenedTrackerTests : IAsyncLifetime
{
    private const string Token = "tracker-secret";
    private readonly string directory = Directory.CreateTempSubdirectory("fq-tokened-").FullName;
    private TrackerHost tracker = null!;

    public async ValueTask InitializeAsync() =>
        tracker = await TrackerHost.StartAsync(new TrackerOptions
        {
            DatabasePath = Path.Combine(directory, "mlruns.db"), Urls = "http://127.0.0.1:0", Token = Token,
        }, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await tracker.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>Creates an experiment with the settings the given environment gives; null when it succeeded, else the refusal.</summary>
    private async Task<MlflowException?> CreateWithAsync(string name, params (string Name, string Value)[] variables)
    {
        var environment = variables.Append(("MLFLOW_TRACKING_URI", tracker.BaseAddress.ToString())).ToDictionary(v => v.Item1, v => v.Item2);
        var settings = MlflowTrackingSettings.FromEnvironment(variable => environment.GetValueOrDefault(variable))!;
        using var http = MlflowClientFactory.CreateHttpClient(settings, MlflowRetryOptions.None);
        try
        {
            await MlflowClientFactory.CreateExperimentsApi(http).CreateExperimentAsync(new CreateExperimentRequest(name), TestContext.Current.CancellationToken);
            return null;
        }
        catch (MlflowException e)
        {
            return e;
        }
    }

    [Fact]
    public async Task Without_a_token_the_client_is_refused_with_401()
    {
        var refused = await CreateWithAsync("none");

        var denied = Assert.IsType<PermissionDeniedException>(refused);
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Equal("UNAUTHENTICATED", denied.ErrorCode);
    }

    [Fact]
    public async Task FQ_TRACKER_TOKEN_or_MLFLOW_TRACKING_TOKEN_gets_the_client_in()
    {
        Assert.Null(await CreateWithAsync("fq", ("FQ_TRACKER_TOKEN", Token)));
        Assert.Null(await CreateWithAsync("mlflow", ("MLFLOW_TRACKING_TOKEN", Token)));
    }

    [Fact]
    public async Task A_wrong_MLFLOW_TRACKING_TOKEN_is_sent_rather_than_FQ_TRACKER_TOKEN()
    {
        var refused = await CreateWithAsync("wrong", ("MLFLOW_TRACKING_TOKEN", "other"), ("FQ_TRACKER_TOKEN", Token));

        Assert.Equal(HttpStatusCode.Unauthorized, refused?.StatusCode);
    }
}
