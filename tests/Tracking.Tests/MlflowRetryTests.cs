namespace FocusedQuantization.Tracking.Tests;

public sealed class MlflowRetryTests : RecordingServerTests
{
    private static readonly MlflowRetryOptions Retry = new() { MaxRetryAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(1), UseJitter = false };
    private readonly IMlflowRunsApi api;

    public MlflowRetryTests()
        : base(address => new MlflowTrackingSettings(address, token: "t"), Retry)
    {
        api = MlflowClientFactory.CreateRunsApi(Http);
    }

    /// <summary>Answers the next requests in turn with the given statuses.</summary>
    private Task<RecordedRequest[]> AnswerInTurn(params (int Status, string Body)[] answers) => Task.Run(async () =>
    {
        var requests = new List<RecordedRequest>();
        foreach (var (status, body) in answers) requests.Add(await Server.AnswerNextAsync(status, body));
        return requests.ToArray();
    });

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    [InlineData(500)]
    public async Task A_transient_refusal_is_retried_with_the_same_request_until_it_succeeds(int status)
    {
        var answered = AnswerInTurn((status, """{"error_code":"TEMPORARILY_UNAVAILABLE","message":"busy"}"""), (200, "{}"));

        await api.LogParamAsync(new LogParamRequest("r1", "lr", "0.1"), Cancel);
        var requests = await answered;

        Assert.Equal(2, requests.Length);
        Assert.All(requests, r => Assert.Equal(
            ("POST", "/api/2.0/mlflow/runs/log-parameter", """{"run_id":"r1","key":"lr","value":"0.1"}""", "Bearer t"),
            (r.Method, r.PathAndQuery, r.Body, r.Authorization)));
    }

    [Fact]
    public async Task When_every_attempt_fails_the_last_refusal_reaches_the_caller_after_all_retries()
    {
        var answered = AnswerInTurn((503, "{}"), (503, "{}"), (503, """{"error_code":"TEMPORARILY_UNAVAILABLE","message":"down"}"""));

        var error = await Assert.ThrowsAsync<MlflowException>(() => api.GetRunAsync("r1", Cancel));
        var requests = await answered;

        Assert.Equal(3, requests.Length);
        Assert.Equal(("TEMPORARILY_UNAVAILABLE", "down"), (error.ErrorCode, error.MlflowMessage));
    }

    [Fact]
    public async Task A_client_error_is_not_retried()
    {
        var refused = Server.AnswerNextAsync(400, """{"error_code":"INVALID_PARAMETER_VALUE","message":"changed"}""");
        await Assert.ThrowsAsync<InvalidParameterValueException>(() => api.LogParamAsync(new LogParamRequest("r1", "lr", "0.2"), Cancel));
        await refused;

        // Had the 400 been retried, the retry would be the next request the server sees instead of this one.
        var next = Server.AnswerNextAsync(200, "{}");
        await api.SetTagAsync(new SetTagRequest("r1", "k", "v"), Cancel);

        Assert.Equal("/api/2.0/mlflow/runs/set-tag", (await next).PathAndQuery);
    }

    [Fact]
    public async Task A_network_failure_is_retried_by_the_retry_pipeline()
    {
        var retry = new MlflowRetryOptions { MaxRetryAttempts = 1, BaseDelay = TimeSpan.FromMilliseconds(1), UseJitter = false };
        var failOnce = new FailingOnceHandler { InnerHandler = new SocketsHttpHandler() };
        using var client = new HttpClient(
            new Microsoft.Extensions.Http.Resilience.ResilienceHandler(MlflowClientFactory.CreateRetryPipeline(retry)) { InnerHandler = failOnce })
        { BaseAddress = Server.BaseAddress };
        var answered = Server.AnswerNextAsync(200, "{}");

        await MlflowClientFactory.CreateRunsApi(client).DeleteRunAsync(new DeleteRunRequest("r9"), Cancel);

        Assert.Equal(2, failOnce.Attempts);
        Assert.Equal("""{"run_id":"r9"}""", (await answered).Body);
    }

    [Fact]
    public void A_negative_retry_count_is_refused_naming_the_setting() =>
        Assert.Contains("MaxRetryAttempts", Assert.Throws<ArgumentException>(() => MlflowClientFactory.CreateHttpClient(
            new MlflowTrackingSettings(new Uri("http://127.0.0.1:1")), new MlflowRetryOptions { MaxRetryAttempts = -1 })).Message);

    /// <summary>Fails the first attempt as a dropped connection does, then lets requests through.</summary>
    private sealed class FailingOnceHandler : DelegatingHandler
    {
        public int Attempts { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            ++Attempts == 1
                ? throw new HttpRequestException("connection reset (simulated)")
                : base.SendAsync(request, cancellationToken);
    }
}
