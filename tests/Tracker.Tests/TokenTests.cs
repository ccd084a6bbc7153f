using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace FocusedQuantization.Tracker.Tests;

public sealed class TokenTests : IAsyncLifetime
{
    private const string Token = "s3cret-token";
    private readonly TempDirectory directory = new();
    private TrackerHost tracker = null!;
    private HttpClient http = null!;

    public async ValueTask InitializeAsync()
    {
        tracker = await TrackerHost.StartAsync(new TrackerOptions
        {
            DatabasePath = directory.File("mlruns.db"), Urls = "http://127.0.0.1:0", Token = Token,
        }, Cancel);
        http = new HttpClient { BaseAddress = tracker.BaseAddress };
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await tracker.DisposeAsync();
        directory.Dispose();
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? authorization, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return await http.SendAsync(request, Cancel);
    }

    private const string NoHeader = "(no header)";

    public static TheoryData<string> WrongAuthorizations() => new()
    {
        NoHeader, "", "Bearer", "Bearer ", "Bearer s3cret", "Bearer s3cret-token-", "Bearer S3CRET-TOKEN", "Basic czNjcmV0LXRva2Vu", Token,
    };

    [Theory]
    [MemberData(nameof(WrongAuthorizations))]
    public async Task An_api_request_without_the_bearer_token_gets_401_UNAUTHENTICATED_and_changes_nothing(string header)
    {
        var authorization = header == NoHeader ? null : header;
        using var create = await SendAsync(HttpMethod.Post, "/api/2.0/mlflow/experiments/create", authorization, """{"name":"x"}""");
        using var search = await SendAsync(HttpMethod.Get, "/api/2.0/mlflow/experiments/search", authorization);
        using var unknown = await SendAsync(HttpMethod.Get, "/api/2.0/mlflow/no/such/endpoint", authorization);
        using var ajax = await SendAsync(HttpMethod.Post, "/ajax-api/2.0/mlflow/experiments/create", authorization, """{"name":"y"}""");
        using var otherVersion = await SendAsync(HttpMethod.Get, "/api/2.1/mlflow/experiments/search", authorization);

        foreach (var response in new[] { create, search, unknown, ajax, otherVersion })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
            Assert.Equal("UNAUTHENTICATED", body.GetProperty("error_code").GetString());
            Assert.Contains("Authorization: Bearer", body.GetProperty("message").GetString());
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
        using var check = await SendAsync(HttpMethod.Get, "/api/2.0/mlflow/experiments/get-by-name?experiment_name=x", "Bearer " + Token);
        Assert.Equal(HttpStatusCode.NotFound, check.StatusCode);
        using var checkAjax = await SendAsync(HttpMethod.Get, "/api/2.0/mlflow/experiments/get-by-name?experiment_name=y", "Bearer " + Token);
        Assert.Equal(HttpStatusCode.NotFound, checkAjax.StatusCode);
    }

    [Fact]
    public async Task With_the_bearer_token_the_api_answers_as_usual()
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/2.0/mlflow/experiments/create", "Bearer " + Token, """{"name":"ok"}""");
        using var found = await SendAsync(HttpMethod.Get, "/api/2.0/mlflow/experiments/get-by-name?experiment_name=ok", "bearer " + Token);
        using var foundAjax = await SendAsync(HttpMethod.Get, "/ajax-api/2.0/mlflow/experiments/get-by-name?experiment_name=ok", "Bearer " + Token);

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, foundAjax.StatusCode);
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal("ok", (await found.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("experiment").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Health_and_the_page_stay_open_without_the_token()
    {
        Assert.Equal("OK", await http.GetStringAsync("/health", Cancel));
        using var page = await http.GetAsync("/", Cancel);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<script src=\"ui/app.js\">", await page.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public void A_token_compares_whole_and_exact()
    {
        var gate = new TokenGate(Token);
        static Microsoft.AspNetCore.Http.HttpRequest With(string value)
        {
            var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
            context.Request.Headers.Authorization = value;
            return context.Request;
        }

        Assert.True(gate.Admits(With("Bearer " + Token)));
        Assert.False(gate.Admits(With("Bearer " + Token[..^1])));
        Assert.False(gate.Admits(With("Bearer " + Token + "x")));
        Assert.False(gate.Admits(With(Token)));
    }
}
