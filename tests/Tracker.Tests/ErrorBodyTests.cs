using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace FocusedQuantization.Tracker.Tests;

/// <summary>Every answer that is not a success carries MLflow's {"error_code", "message"} JSON, whatever the path or failure.</summary>
public sealed class ErrorBodyTests : TrackerTestBase
{
    /// <summary>Sends a request and reads the answer as JSON, failing clearly when the body is empty or not JSON.</summary>
    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(
        HttpMethod method, string path, HttpContent? content = null, bool expectContinue = false)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.ExpectContinue = expectContinue;
        using var response = await http.SendAsync(request, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(text.Length > 0, $"{method} {path} answered {(int)response.StatusCode} with an empty body");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonSerializer.Deserialize<JsonElement>(text));
    }

    // Each with a request the endpoint itself refuses (a missing or bad parameter), so that the answer shows the
    // endpoint was reached rather than an unknown path.
    public static TheoryData<string, string> Endpoints() => new()
    {
        { "POST", "experiments/create" }, { "GET", "experiments/get-by-name" }, { "GET", "experiments/get" },
        { "POST", "experiments/search?max_results=0" }, { "GET", "experiments/search?max_results=0" },
        { "POST", "experiments/delete" }, { "POST", "experiments/restore" }, { "POST", "experiments/update" },
        { "POST", "runs/create" }, { "GET", "runs/get" }, { "POST", "runs/update" }, { "POST", "runs/delete" },
        { "POST", "runs/restore" }, { "POST", "runs/search" }, { "POST", "runs/log-metric" },
        { "POST", "runs/log-parameter" }, { "POST", "runs/set-tag" }, { "POST", "runs/delete-tag" },
        { "POST", "runs/log-batch" }, { "GET", "metrics/get-history" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Every_api_endpoint_answers_under_ajax_api_exactly_as_under_api(string method, string endpoint)
    {
        // POST bodies carry the query's max_results, if any, so that search is refused too.
        HttpContent? Body() => method != "POST" ? null
            : new StringContent(endpoint.Contains("max_results=0", StringComparison.Ordinal) ? """{"max_results":0}""" : "{}",
                Encoding.UTF8, "application/json");
        var api = await SendAsync(new HttpMethod(method), "/api/2.0/mlflow/" + endpoint, Body());
        var ajax = await SendAsync(new HttpMethod(method), "/ajax-api/2.0/mlflow/" + endpoint, Body());

        AssertInvalid(api);
        Assert.Equal(api.Status, ajax.Status);
        Assert.Equal(api.Body.GetProperty("error_code").GetString(), ajax.Body.GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task What_is_written_under_ajax_api_is_read_under_api()
    {
        var created = await SendAsync(HttpMethod.Post, "/ajax-api/2.0/mlflow/experiments/create",
            new StringContent("""{"name":"through ajax"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, created.Status);

        var found = await GetOkAsync("experiments/get-by-name?experiment_name=through%20ajax");
        var searched = await SendAsync(HttpMethod.Get, "/ajax-api/2.0/mlflow/experiments/search?filter=name%20%3D%20%27through%20ajax%27");

        Assert.Equal(created.Body.GetProperty("experiment_id").GetString(),
            found.GetProperty("experiment").GetProperty("experiment_id").GetString());
        Assert.Equal(HttpStatusCode.OK, searched.Status);
        Assert.Equal("through ajax", searched.Body.GetProperty("experiments")[0].GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("GET", "/ajax-api/2.0/mlflow/experiments/list")]
    [InlineData("GET", "/api/2.0/mlflow-artifacts/artifacts/0/abc/artifacts/model.pkl")]
    [InlineData("PUT", "/api/2.0/mlflow-artifacts/artifacts/0/abc/artifacts/model.pkl")]
    [InlineData("POST", "/api/2.1/mlflow/runs/search")]
    [InlineData("GET", "/api/2.0/preview/mlflow/experiments/list")]
    [InlineData("GET", "/ajax-api/2.0/mlflow-artifacts/artifacts")]
    [InlineData("GET", "/api/2.0/mlflow/runs/create")]
    [InlineData("DELETE", "/api/2.0/mlflow/experiments/get")]
    [InlineData("GET", "/no/such/page")]
    [InlineData("GET", "/ui/missing.js")]
    public async Task An_unknown_path_or_method_gives_404_ENDPOINT_NOT_FOUND_as_json(string method, string path) =>
        AssertError(HttpStatusCode.NotFound, "ENDPOINT_NOT_FOUND", await SendAsync(new HttpMethod(method), path));

    // Over Kestrel's own limit of 30,000,000 bytes, which a body hits before any endpoint's check.
    private static byte[] OversizedBody(int valueLength) =>
        Encoding.UTF8.GetBytes("""{"experiment_id":"0","run_name":"x","tags":[{"key":"k","value":""" + "\"" + new string('v', valueLength) + "\"}]}");

    [Fact]
    public async Task A_31_MB_body_gives_413_INVALID_PARAMETER_VALUE_as_json_and_the_tracker_keeps_answering()
    {
        // With a length, the tracker refuses before the body is sent, when the client waits for 100-continue as curl
        // does with large bodies (a client that sends anyway sees its connection closed mid-upload).
        var tooLarge = await SendAsync(HttpMethod.Post, "/api/2.0/mlflow/runs/create",
            new ByteArrayContent(OversizedBody(31_000_000)), expectContinue: true);
        // Chunked, the limit is only found by reading up to it; just past it, the client is done sending by then.
        var chunked = await SendAsync(HttpMethod.Post, "/ajax-api/2.0/mlflow/experiments/create",
            new StreamContent(new UnknownLengthStream(OversizedBody(30_000_000))));

        foreach (var answer in new[] { tooLarge, chunked })
        {
            AssertError(HttpStatusCode.RequestEntityTooLarge, "INVALID_PARAMETER_VALUE", answer);
            Assert.Contains("30000000", answer.Body.GetProperty("message").GetString());
        }
        var runs = await PostOkAsync("runs/search", """{"experiment_ids":["0"]}""");
        Assert.False(runs.TryGetProperty("runs", out var list) && list.GetArrayLength() > 0, "no run may have been created");
    }
}
