using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace FocusedQuantization.Tracker.Tests;

/// <summary>Starts a real tracker on a loopback port for each test and talks to it over HTTP.</summary>
public abstract class TrackerTestBase : IAsyncLifetime
{
    private readonly TempDirectory directory = new();
    private TrackerHost tracker = null!;
    private HttpClient http = null!;

    public async ValueTask InitializeAsync()
    {
        tracker = await TrackerHost.StartAsync(new TrackerOptions
        {
            DatabasePath = directory.File("mlruns.db"), Urls = "http://127.0.0.1:0", Token = Token,
        }, Cancel);
        http = new HttpClient { BaseAddress = new Uri(tracker.BaseAddress, "/api/2.0/mlflow/") };
        if (Token is not null) http.DefaultRequestHeaders.Authorization = new("Bearer", Token);
    }

    /// <summary>The token the tracker requires (and this class's requests bear); null for none.</summary>
    protected virtual string? Token => null;

    /// <summary>Where the tracker listens.</summary>
    protected Uri BaseAddress => tracker.BaseAddress;

    public virtual async ValueTask DisposeAsync()
    {
        http.Dispose();
        await tracker.DisposeAsync();
        directory.Dispose();
    }

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>POSTs raw JSON to an endpoint path such as "runs/create".</summary>
    protected async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string json)
    {
        using var response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), Cancel);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Cancel));
    }

    /// <summary>POSTs the given content to an endpoint path.</summary>
    protected async Task<(HttpStatusCode Status, JsonElement Body)> PostContentAsync(string path, HttpContent content)
    {
        using var response = await http.PostAsync(path, content, Cancel);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Cancel));
    }

    /// <summary>GETs an endpoint path with its query string.</summary>
    protected async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string pathAndQuery)
    {
        using var response = await http.GetAsync(pathAndQuery, Cancel);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Cancel));
    }

    /// <summary>POSTs and asserts a 200 answer, returning its body.</summary>
    protected async Task<JsonElement> PostOkAsync(string path, string json)
    {
        var (status, body) = await PostAsync(path, json);
        Assert.True(status == HttpStatusCode.OK, $"{path} answered {status}: {body}");
        return body;
    }

    /// <summary>GETs and asserts a 200 answer, returning its body.</summary>
    protected async Task<JsonElement> GetOkAsync(string pathAndQuery)
    {
        var (status, body) = await GetAsync(pathAndQuery);
        Assert.True(status == HttpStatusCode.OK, $"{pathAndQuery} answered {status}: {body}");
        return body;
    }

    protected async Task<string> CreateExperimentAsync(string name) =>
        (await PostOkAsync("experiments/create", JsonSerializer.Serialize(new { name })))
        .GetProperty("experiment_id").GetString()!;

    protected static void AssertError(HttpStatusCode expectedStatus, string expectedCode, (HttpStatusCode Status, JsonElement Body) actual)
    {
        Assert.True(expectedStatus == actual.Status, $"expected {expectedStatus}, got {actual.Status}: {actual.Body}");
        Assert.Equal(expectedCode, actual.Body.GetProperty("error_code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(actual.Body.GetProperty("message").GetString()));
    }

    protected static void AssertInvalid((HttpStatusCode Status, JsonElement Body) actual) =>
        AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", actual);
}
