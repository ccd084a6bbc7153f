using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace FocusedQuantization.Tracker.Tests;

public sealed class TrackerServerTests : IAsyncLifetime
{
    private readonly TempDirectory directory = new();
    private TrackerHost tracker = null!;
    private HttpClient http = null!;

    public async ValueTask InitializeAsync()
    {
        tracker = await StartAsync();
        http = new HttpClient { BaseAddress = tracker.BaseAddress };
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await tracker.DisposeAsync();
        directory.Dispose();
    }

    private Task<TrackerHost> StartAsync() => TrackerHost.StartAsync(new TrackerOptions
    {
        DatabasePath = directory.File("mlruns.db"), Urls = "http://127.0.0.1:0",
    }, TestContext.Current.CancellationToken);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string json)
    {
        using var response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), Cancel);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Cancel));
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path)
    {
        using var response = await http.GetAsync(path, Cancel);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Cancel));
    }

    private static void AssertError(HttpStatusCode expectedStatus, string expectedCode, (HttpStatusCode Status, JsonElement Body) actual)
    {
        Assert.Equal(expectedStatus, actual.Status);
        Assert.Equal(expectedCode, actual.Body.GetProperty("error_code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(actual.Body.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task It_listens_on_loopback_and_answers_health_with_OK()
    {
        Assert.Equal("127.0.0.1", tracker.BaseAddress.Host);
        Assert.NotEqual(0, tracker.BaseAddress.Port);
        Assert.Equal("OK", await http.GetStringAsync("/health", Cancel));
    }

    [Fact]
    public async Task A_created_experiment_is_found_by_name_with_its_location_stage_times_and_tags()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var created = await PostAsync("/api/2.0/mlflow/experiments/create",
            """{"name":"sweep one","artifact_location":"/data/art","tags":[{"key":"owner","value":"me"},{"key":"a","value":"1"}]}""");
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        Assert.Equal(HttpStatusCode.OK, created.Status);
        var id = created.Body.GetProperty("experiment_id").GetString();
        Assert.Equal("1", id); // the Default experiment holds 0

        var (status, body) = await GetAsync("/api/2.0/mlflow/experiments/get-by-name?experiment_name=sweep%20one");
        Assert.Equal(HttpStatusCode.OK, status);
        var experiment = body.GetProperty("experiment");
        Assert.Equal(id, experiment.GetProperty("experiment_id").GetString());
        Assert.Equal("sweep one", experiment.GetProperty("name").GetString());
        Assert.Equal("/data/art", experiment.GetProperty("artifact_location").GetString());
        Assert.Equal("active", experiment.GetProperty("lifecycle_stage").GetString());
        var creation = experiment.GetProperty("creation_time").GetInt64();
        Assert.InRange(creation, before, after);
        Assert.Equal(creation, experiment.GetProperty("last_update_time").GetInt64());
        var tags = experiment.GetProperty("tags").EnumerateArray()
            .Select(t => (t.GetProperty("key").GetString(), t.GetProperty("value").GetString())).ToList();
        Assert.Equal([("a", "1"), ("owner", "me")], tags);
    }

    [Fact]
    public async Task Without_an_artifact_location_an_experiment_gets_one_under_the_root_beside_the_database()
    {
        var created = await PostAsync("/api/2.0/mlflow/experiments/create", """{"name":"plain"}""");
        var id = created.Body.GetProperty("experiment_id").GetString()!;

        var experiment = (await GetAsync("/api/2.0/mlflow/experiments/get-by-name?experiment_name=plain")).Body.GetProperty("experiment");

        Assert.Equal(Path.Combine(directory.Path, "mlartifacts", id), experiment.GetProperty("artifact_location").GetString());
        Assert.False(experiment.TryGetProperty("tags", out _));
    }

    [Fact]
    public async Task A_new_store_holds_the_Default_experiment_with_id_0()
    {
        var (status, body) = await GetAsync("/api/2.0/mlflow/experiments/get-by-name?experiment_name=Default");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("0", body.GetProperty("experiment").GetProperty("experiment_id").GetString());
    }

    [Fact]
    public async Task Creating_a_name_twice_is_refused_with_400_RESOURCE_ALREADY_EXISTS()
    {
        await PostAsync("/api/2.0/mlflow/experiments/create", """{"name":"twice"}""");

        AssertError(HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS",
            await PostAsync("/api/2.0/mlflow/experiments/create", """{"name":"twice"}"""));
    }

    [Fact]
    public async Task Getting_a_missing_name_gives_404_RESOURCE_DOES_NOT_EXIST() =>
        AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST",
            await GetAsync("/api/2.0/mlflow/experiments/get-by-name?experiment_name=nowhere"));

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"name":"   "}""")]
    [InlineData("""{"name":5}""")]
    [InlineData("""not json""")]
    [InlineData("""{"name":"x","tags":[{"value":"no key"}]}""")]
    public async Task A_create_request_without_a_usable_name_or_tags_gives_400_INVALID_PARAMETER_VALUE(string body) =>
        AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            await PostAsync("/api/2.0/mlflow/experiments/create", body));

    [Fact]
    public async Task A_name_longer_than_500_characters_gives_400_INVALID_PARAMETER_VALUE() =>
        AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            await PostAsync("/api/2.0/mlflow/experiments/create", $$"""{"name":"{{new string('n', 501)}}"}"""));

    [Fact]
    public async Task Get_by_name_without_a_name_gives_400_INVALID_PARAMETER_VALUE() =>
        AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            await GetAsync("/api/2.0/mlflow/experiments/get-by-name"));

    [Fact]
    public async Task An_unknown_endpoint_gives_404_ENDPOINT_NOT_FOUND() =>
        AssertError(HttpStatusCode.NotFound, "ENDPOINT_NOT_FOUND", await GetAsync("/api/2.0/mlflow/experiments/list"));

    [Fact]
    public async Task Experiments_survive_a_restart_on_the_same_database()
    {
        var created = await PostAsync("/api/2.0/mlflow/experiments/create",
            """{"name":"durable","tags":[{"key":"k","value":"v"}]}""");
        http.Dispose();
        await tracker.DisposeAsync();

        tracker = await StartAsync();
        http = new HttpClient { BaseAddress = tracker.BaseAddress };
        var (status, body) = await GetAsync("/api/2.0/mlflow/experiments/get-by-name?experiment_name=durable");

        Assert.Equal(HttpStatusCode.OK, status);
        var experiment = body.GetProperty("experiment");
        Assert.Equal(created.Body.GetProperty("experiment_id").GetString(), experiment.GetProperty("experiment_id").GetString());
        Assert.Equal("v", experiment.GetProperty("tags")[0].GetProperty("value").GetString());
        // Ids keep counting after a restart instead of reusing the one taken.
        var next = await PostAsync("/api/2.0/mlflow/experiments/create", """{"name":"after restart"}""");
        Assert.Equal("2", next.Body.GetProperty("experiment_id").GetString());
    }
}
