using System.Text.Json;

namespace FocusedQuantization.Tracking.Tests;

public sealed class MlflowRunsApiTests : RecordingServerTests
{
    private readonly IMlflowRunsApi api;

    public MlflowRunsApiTests()
    {
        api = MlflowClientFactory.CreateRunsApi(Http);
    }

    private const string RunJson = """
        {"run":{"info":{"run_id":"r1","run_uuid":"r1","run_name":"trial 1","experiment_id":"2","status":"RUNNING",
          "start_time":"1700000000000","artifact_uri":"/a/r1","lifecycle_stage":"active"},
         "data":{"metrics":[{"key":"top1","value":"NaN","timestamp":5,"step":"2"}],
                 "params":[{"key":"lr","value":"0.1"}],"tags":[{"key":"mlflow.parentRunId","value":"p"}]}}}
        """;

    private static readonly MlflowRunInfo ExpectedInfo =
        new("r1", "trial 1", "2", MlflowRunStatus.Running, 1700000000000, null, "/a/r1", "active");

    private static JsonElement Body(RecordedRequest request) => JsonDocument.Parse(request.Body).RootElement;

    private static void AssertRunIsTheRecordedOne(MlflowRun run)
    {
        Assert.Equal(ExpectedInfo, run.Info);
        var metric = Assert.Single(run.Data!.Metrics!);
        Assert.Equal(("top1", 5L, 2L), (metric.Key, metric.Timestamp, metric.Step));
        Assert.True(double.IsNaN(metric.Value));
        Assert.Equal([new MlflowParam("lr", "0.1")], run.Data.Params!);
        Assert.Equal([new MlflowRunTag("mlflow.parentRunId", "p")], run.Data.Tags!);
    }

    [Fact]
    public async Task Create_posts_the_experiment_name_start_and_tags_and_reads_the_run()
    {
        var answered = Server.AnswerNextAsync(200, RunJson);

        var response = await api.CreateRunAsync(
            new CreateRunRequest("2", "trial 1", 1700000000000, [new MlflowRunTag("mlflow.parentRunId", "p")]), Cancel);
        var request = await answered;

        AssertRunIsTheRecordedOne(response.Run);
        Assert.Equal(("POST", "/api/2.0/mlflow/runs/create"), (request.Method, request.PathAndQuery));
        Assert.StartsWith("application/json", request.ContentType);
        var body = Body(request);
        Assert.Equal(["experiment_id", "run_name", "start_time", "tags"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1700000000000, body.GetProperty("start_time").GetInt64());
        Assert.Equal("p", body.GetProperty("tags")[0].GetProperty("value").GetString());
    }

    [Fact]
    public async Task Update_sends_the_status_as_its_upper_case_name_and_reads_the_run_info()
    {
        var answered = Server.AnswerNextAsync(200, """
            {"run_info":{"run_id":"r1","run_name":"n","experiment_id":"2","status":"FINISHED","start_time":1,
             "end_time":9,"artifact_uri":"/a","lifecycle_stage":"active"}}
            """);

        var response = await api.UpdateRunAsync(new UpdateRunRequest("r1", MlflowRunStatus.Finished, 9), Cancel);
        var request = await answered;

        Assert.Equal(new MlflowRunInfo("r1", "n", "2", MlflowRunStatus.Finished, 1, 9, "/a", "active"), response.RunInfo);
        Assert.Equal(("POST", "/api/2.0/mlflow/runs/update"), (request.Method, request.PathAndQuery));
        Assert.Equal("""{"run_id":"r1","status":"FINISHED","end_time":9}""", request.Body);
    }

    [Fact]
    public async Task Get_sends_the_run_id_in_the_query_and_reads_a_nan_metric()
    {
        var answered = Server.AnswerNextAsync(200, RunJson);

        var response = await api.GetRunAsync("r 1", Cancel);
        var request = await answered;

        AssertRunIsTheRecordedOne(response.Run);
        Assert.Equal(("GET", "/api/2.0/mlflow/runs/get?run_id=r%201"), (request.Method, request.PathAndQuery));
    }

    [Fact]
    public async Task Search_posts_filter_order_paging_and_view_type_and_reads_the_page()
    {
        var answered = Server.AnswerNextAsync(200, $$"""{"runs":[{{RunJson[(RunJson.IndexOf(':') + 1)..^1]}}],"next_page_token":"t2"}""");

        var response = await api.SearchRunsAsync(new SearchRunsRequest(
            ["1", "2"], "tags.sweep_id = 'x'", MlflowViewType.ActiveOnly, 50, ["metrics.top1 DESC"], "t1"), Cancel);
        var request = await answered;

        AssertRunIsTheRecordedOne(Assert.Single(response.Runs!));
        Assert.Equal("t2", response.NextPageToken);
        Assert.Equal(("POST", "/api/2.0/mlflow/runs/search"), (request.Method, request.PathAndQuery));
        Assert.Equal("""
            {"experiment_ids":["1","2"],"filter":"tags.sweep_id = \u0027x\u0027","run_view_type":"ACTIVE_ONLY","max_results":50,"order_by":["metrics.top1 DESC"],"page_token":"t1"}
            """, request.Body);
    }

    [Fact]
    public async Task An_empty_search_answer_is_the_last_page_without_runs()
    {
        var answered = Server.AnswerNextAsync(200, "{}");

        var response = await api.SearchRunsAsync(new SearchRunsRequest(["1"]), Cancel);
        var request = await answered;

        Assert.Null(response.Runs);
        Assert.Null(response.NextPageToken);
        Assert.Equal("""{"experiment_ids":["1"]}""", request.Body);
    }

    [Fact]
    public async Task Delete_posts_the_run_id_and_accepts_an_empty_answer()
    {
        var answered = Server.AnswerNextAsync(200, "{}");

        await api.DeleteRunAsync(new DeleteRunRequest("r1"), Cancel);
        var request = await answered;

        Assert.Equal(("POST", "/api/2.0/mlflow/runs/delete", """{"run_id":"r1"}"""),
            (request.Method, request.PathAndQuery, request.Body));
    }

    [Theory]
    [InlineData(0.25, "0.25")]
    [InlineData(double.NaN, "\"NaN\"")]
    [InlineData(double.PositiveInfinity, "\"Infinity\"")]
    [InlineData(double.NegativeInfinity, "\"-Infinity\"")]
    public async Task Log_metric_posts_the_value_with_non_finite_values_as_proto_json_strings(double value, string json)
    {
        var answered = Server.AnswerNextAsync(200, "{}");

        await api.LogMetricAsync(new LogMetricRequest("r1", "loss", value, 1700000000000, 3), Cancel);
        var request = await answered;

        Assert.Equal(("POST", "/api/2.0/mlflow/runs/log-metric"), (request.Method, request.PathAndQuery));
        Assert.Equal($$"""{"run_id":"r1","key":"loss","value":{{json}},"timestamp":1700000000000,"step":3}""", request.Body);
    }

    [Fact]
    public async Task Log_param_and_set_tag_post_key_and_value_to_their_paths()
    {
        var param = Server.AnswerNextAsync(200, "{}");
        await api.LogParamAsync(new LogParamRequest("r1", "lr", "0.1"), Cancel);
        var tag = Server.AnswerNextAsync(200, "{}");
        await api.SetTagAsync(new SetTagRequest("r1", "fq.pareto", "true"), Cancel);

        Assert.Equal(("/api/2.0/mlflow/runs/log-parameter", """{"run_id":"r1","key":"lr","value":"0.1"}"""),
            ((await param).PathAndQuery, (await param).Body));
        Assert.Equal(("/api/2.0/mlflow/runs/set-tag", """{"run_id":"r1","key":"fq.pareto","value":"true"}"""),
            ((await tag).PathAndQuery, (await tag).Body));
    }

    [Fact]
    public async Task Log_batch_posts_metrics_params_and_tags_in_order()
    {
        var answered = Server.AnswerNextAsync(200, "{}");

        await api.LogBatchAsync(new LogBatchRequest("r1",
            [new MlflowMetric("a", 1, 10, 0), new MlflowMetric("a", 2, 11, 1)],
            [new MlflowParam("p", "v")], [new MlflowRunTag("t", "u")]), Cancel);
        var request = await answered;

        Assert.Equal(("POST", "/api/2.0/mlflow/runs/log-batch"), (request.Method, request.PathAndQuery));
        Assert.Equal("""
            {"run_id":"r1","metrics":[{"key":"a","value":1,"timestamp":10,"step":0},{"key":"a","value":2,"timestamp":11,"step":1}],"params":[{"key":"p","value":"v"}],"tags":[{"key":"t","value":"u"}]}
            """, request.Body);
    }

    [Fact]
    public async Task Metric_history_sends_paging_only_when_asked_and_reads_the_values()
    {
        var all = Server.AnswerNextAsync(200, """
            {"metrics":[{"key":"loss","value":"Infinity","timestamp":"7","step":1},{"key":"loss","value":0.5,"timestamp":8,"step":2}]}
            """);
        var history = await api.GetMetricHistoryAsync("r1", "loss", cancellationToken: Cancel);
        var paged = Server.AnswerNextAsync(200, """{"metrics":[],"next_page_token":"n"}""");
        var page = await api.GetMetricHistoryAsync("r1", "loss", 10, "p", Cancel);

        Assert.Equal([new MlflowMetric("loss", double.PositiveInfinity, 7, 1), new MlflowMetric("loss", 0.5, 8, 2)],
            history.Metrics!);
        Assert.Equal(("GET", "/api/2.0/mlflow/metrics/get-history?run_id=r1&metric_key=loss"),
            ((await all).Method, (await all).PathAndQuery));
        Assert.Equal("n", page.NextPageToken);
        Assert.Equal("/api/2.0/mlflow/metrics/get-history?run_id=r1&metric_key=loss&max_results=10&page_token=p",
            (await paged).PathAndQuery);
    }

    [Fact]
    public async Task Log_batch_in_parts_sends_the_split_requests_in_order()
    {
        var answered = Task.Run(async () => new[]
        {
            await Server.AnswerNextAsync(200, "{}"), await Server.AnswerNextAsync(200, "{}"),
        });

        var sent = await api.LogBatchInPartsAsync(new LogBatchRequest("r1",
                [new MlflowMetric("a", 1, 10), new MlflowMetric("a", 2, 11), new MlflowMetric("a", 3, 12)], [], []),
            new LogBatchLimits { MaxMetrics = 2 }, Cancel);
        var requests = await answered;

        Assert.Equal(2, sent);
        Assert.Equal(["/api/2.0/mlflow/runs/log-batch", "/api/2.0/mlflow/runs/log-batch"], requests.Select(r => r.PathAndQuery));
        Assert.Equal([[1.0, 2.0], [3.0]], requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("metrics")
            .EnumerateArray().Select(m => m.GetProperty("value").GetDouble()).ToArray()));
    }
}
