using System.Text.Json;

namespace FocusedQuantization.Tracker.Tests;

public sealed class RunLoggingTests : TrackerTestBase
{
    private async Task<string> CreateRunAsync() =>
        (await PostOkAsync("runs/create", """{"experiment_id":"0"}""")).GetProperty("run").GetProperty("info")
        .GetProperty("run_id").GetString()!;

    private async Task<JsonElement> DataAsync(string runId) =>
        (await GetOkAsync($"runs/get?run_id={runId}")).GetProperty("run").GetProperty("data");

    private static List<(string Key, string Value)> Pairs(JsonElement data, string field) =>
        data.TryGetProperty(field, out var list)
            ? list.EnumerateArray().Select(p => (p.GetProperty("key").GetString()!, p.GetProperty("value").GetString()!)).ToList()
            : [];

    [Fact]
    public async Task Metrics_append_and_get_returns_the_latest_by_timestamp_while_history_keeps_all()
    {
        var run = await CreateRunAsync();
        await PostOkAsync("runs/log-metric", $$"""{"run_id":"{{run}}","key":"loss","value":3.5,"timestamp":100,"step":0}""");
        await PostOkAsync("runs/log-metric", $$"""{"run_id":"{{run}}","key":"loss","value":1.25,"timestamp":300,"step":2}""");
        await PostOkAsync("runs/log-metric", $$"""{"run_id":"{{run}}","key":"loss","value":2.0,"timestamp":"200","step":"1"}""");

        var latest = (await DataAsync(run)).GetProperty("metrics").EnumerateArray().Single();
        var history = (await GetOkAsync($"metrics/get-history?run_id={run}&metric_key=loss")).GetProperty("metrics")
            .EnumerateArray().Select(m => (m.GetProperty("value").GetDouble(), m.GetProperty("timestamp").GetInt64(), m.GetProperty("step").GetInt64()))
            .ToList();

        Assert.Equal(1.25, latest.GetProperty("value").GetDouble());
        Assert.Equal(300, latest.GetProperty("timestamp").GetInt64());
        Assert.Equal([(3.5, 100L, 0L), (1.25, 300L, 2L), (2.0, 200L, 1L)], history);
    }

    [Fact]
    public async Task Non_finite_metric_values_travel_as_NaN_and_Infinity_strings()
    {
        var run = await CreateRunAsync();
        await PostOkAsync("runs/log-metric", $$"""{"run_id":"{{run}}","key":"a","value":"NaN","timestamp":1}""");
        await PostOkAsync("runs/log-metric", $$"""{"run_id":"{{run}}","key":"b","value":"Infinity","timestamp":1}""");
        await PostOkAsync("runs/log-metric", $$"""{"run_id":"{{run}}","key":"c","value":"-Infinity","timestamp":1}""");

        var values = (await DataAsync(run)).GetProperty("metrics").EnumerateArray()
            .Select(m => m.GetProperty("value").GetString()).ToList();

        Assert.Equal(["NaN", "Infinity", "-Infinity"], values);
    }

    [Fact]
    public async Task Metric_history_pages_with_max_results_and_page_token()
    {
        var run = await CreateRunAsync();
        for (var step = 0; step < 5; step++)
            await PostOkAsync("runs/log-metric", $$"""{"run_id":"{{run}}","key":"acc","value":{{step}},"timestamp":{{step}},"step":{{step}}}""");

        var first = await GetOkAsync($"metrics/get-history?run_id={run}&metric_key=acc&max_results=3");
        var token = Uri.EscapeDataString(first.GetProperty("next_page_token").GetString()!);
        var second = await GetOkAsync($"metrics/get-history?run_id={run}&metric_key=acc&max_results=3&page_token={token}");

        Assert.Equal([0L, 1L, 2L], first.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("step").GetInt64()));
        Assert.Equal([3L, 4L], second.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("step").GetInt64()));
        Assert.False(second.TryGetProperty("next_page_token", out _));
    }

    [Fact]
    public async Task A_param_is_written_once_the_same_value_again_is_fine_and_a_different_one_is_refused()
    {
        var run = await CreateRunAsync();
        await PostOkAsync("runs/log-parameter", $$"""{"run_id":"{{run}}","key":"lr","value":"0.1"}""");
        await PostOkAsync("runs/log-parameter", $$"""{"run_id":"{{run}}","key":"lr","value":"0.1"}""");

        AssertInvalid(await PostAsync("runs/log-parameter", $$"""{"run_id":"{{run}}","key":"lr","value":"0.2"}"""));
        Assert.Equal([("lr", "0.1")], Pairs(await DataAsync(run), "params"));
    }

    [Fact]
    public async Task A_tag_set_twice_keeps_the_last_value_and_delete_tag_removes_it()
    {
        var run = await CreateRunAsync();
        await PostOkAsync("runs/set-tag", $$"""{"run_id":"{{run}}","key":"fq.pareto","value":"false"}""");
        await PostOkAsync("runs/set-tag", $$"""{"run_id":"{{run}}","key":"fq.pareto","value":"true"}""");
        var afterSet = Pairs(await DataAsync(run), "tags").Where(t => t.Key == "fq.pareto").ToList();
        await PostOkAsync("runs/delete-tag", $$"""{"run_id":"{{run}}","key":"fq.pareto"}""");

        Assert.Equal([("fq.pareto", "true")], afterSet);
        Assert.DoesNotContain(Pairs(await DataAsync(run), "tags"), t => t.Key == "fq.pareto");
    }

    [Fact]
    public async Task Log_batch_writes_metrics_params_and_tags_in_one_request()
    {
        var run = await CreateRunAsync();

        await PostOkAsync("runs/log-batch", $$"""
            {"run_id":"{{run}}",
             "metrics":[{"key":"cr","value":10.5,"timestamp":5,"step":0},{"key":"top1","value":0.75,"timestamp":5}],
             "params":[{"key":"bits","value":"4"},{"key":"mode","value":"recentralized"}],
             "tags":[{"key":"mlflow.parentRunId","value":"p"}]}
            """);
        var data = await DataAsync(run);

        Assert.Equal([("bits", "4"), ("mode", "recentralized")], Pairs(data, "params"));
        Assert.Contains(("mlflow.parentRunId", "p"), Pairs(data, "tags"));
        Assert.Equal([("cr", 10.5), ("top1", 0.75)],
            data.GetProperty("metrics").EnumerateArray().Select(m => (m.GetProperty("key").GetString()!, m.GetProperty("value").GetDouble())));
    }

    [Fact]
    public async Task A_refused_batch_writes_nothing()
    {
        var run = await CreateRunAsync();
        await PostOkAsync("runs/log-parameter", $$"""{"run_id":"{{run}}","key":"bits","value":"4"}""");

        AssertInvalid(await PostAsync("runs/log-batch", $$"""
            {"run_id":"{{run}}","metrics":[{"key":"cr","value":1,"timestamp":1}],"params":[{"key":"bits","value":"5"}]}
            """));

        Assert.False((await DataAsync(run)).TryGetProperty("metrics", out _));
    }

    [Fact]
    public async Task Logging_to_a_deleted_run_is_refused()
    {
        var run = await CreateRunAsync();
        await PostOkAsync("runs/delete", $$"""{"run_id":"{{run}}"}""");

        AssertInvalid(await PostAsync("runs/set-tag", $$"""{"run_id":"{{run}}","key":"k","value":"v"}"""));
    }

    private static string LargeBatch(string run, int parameters, int tags) =>
        JsonSerializer.Serialize(new
        {
            run_id = run,
            metrics = new[] { new { key = "cr", value = 9.5, timestamp = 1 } },
            @params = Enumerable.Range(0, parameters).Select(i => new { key = $"p{i}", value = new string('v', RunLimits.MaxParamValueLength) }),
            tags = Enumerable.Range(0, tags).Select(i => new { key = $"t{i}", value = new string('v', RunLimits.MaxTagValueLength) }),
        });

    [Fact]
    public async Task A_batch_body_over_1_MB_gives_400_and_stores_none_of_it()
    {
        var run = await CreateRunAsync();
        var body = LargeBatch(run, 100, 100);
        Assert.InRange(body.Length, RunLimits.MaxBatchRequestBytes + 1, 2 * RunLimits.MaxBatchRequestBytes);

        AssertInvalid(await PostAsync("runs/log-batch", body));

        var data = await DataAsync(run);
        Assert.False(data.TryGetProperty("metrics", out _));
        Assert.False(data.TryGetProperty("params", out _));
        Assert.DoesNotContain(Pairs(data, "tags"), t => t.Key == "t0");
    }

    [Fact]
    public async Task A_chunked_batch_body_over_1_MB_without_a_length_is_refused_too()
    {
        var run = await CreateRunAsync();
        var bytes = System.Text.Encoding.UTF8.GetBytes(LargeBatch(run, 100, 100));
        // A stream of unknown length makes HttpClient send the body chunked, without Content-Length.
        using var content = new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = new("application/json");

        AssertInvalid(await PostContentAsync("runs/log-batch", content));

        Assert.False((await DataAsync(run)).TryGetProperty("params", out _));
    }

    [Fact]
    public async Task A_batch_body_just_under_1_MB_is_accepted()
    {
        var run = await CreateRunAsync();
        var body = LargeBatch(run, 100, 45);
        Assert.InRange(body.Length, 900_000, RunLimits.MaxBatchRequestBytes);

        await PostOkAsync("runs/log-batch", body);

        Assert.Equal(100, (await DataAsync(run)).GetProperty("params").GetArrayLength());
    }

    [Fact]
    public async Task A_metric_identical_to_a_stored_one_is_not_stored_again_so_a_client_may_resend()
    {
        var run = await CreateRunAsync();
        var batch = $$"""
            {"run_id":"{{run}}","metrics":[
              {"key":"loss","value":0.5,"timestamp":10,"step":1},
              {"key":"loss","value":0.5,"timestamp":10,"step":1},
              {"key":"loss","value":"NaN","timestamp":11,"step":2}]}
            """;
        await PostOkAsync("runs/log-batch", batch);

        // The re-send after a crash: the same batch and the same single value again.
        await PostOkAsync("runs/log-batch", batch);
        await PostOkAsync("runs/log-metric", $$"""{"run_id":"{{run}}","key":"loss","value":0.5,"timestamp":10,"step":1}""");
        // Differing in one of value, timestamp or step, it is a new value.
        await PostOkAsync("runs/log-metric", $$"""{"run_id":"{{run}}","key":"loss","value":0.25,"timestamp":10,"step":1}""");
        await PostOkAsync("runs/log-metric", $$"""{"run_id":"{{run}}","key":"loss","value":0.5,"timestamp":12,"step":1}""");
        await PostOkAsync("runs/log-metric", $$"""{"run_id":"{{run}}","key":"loss","value":0.5,"timestamp":10,"step":3}""");

        var history = (await GetOkAsync($"metrics/get-history?run_id={run}&metric_key=loss")).GetProperty("metrics")
            .EnumerateArray().Select(m => (m.GetProperty("value").ToString(), m.GetProperty("timestamp").GetInt64(), m.GetProperty("step").GetInt64()))
            .ToList();
        Assert.Equal([("0.5", 10L, 1L), ("NaN", 11L, 2L), ("0.25", 10L, 1L), ("0.5", 12L, 1L), ("0.5", 10L, 3L)], history);
    }

    public static TheoryData<string> OversizedBatches()
    {
        static string Metrics(int n) => string.Join(",", Enumerable.Range(0, n).Select(i => $$"""{"key":"m{{i}}","value":1,"timestamp":1}"""));
        static string Pairs(int n, string prefix) => string.Join(",", Enumerable.Range(0, n).Select(i => $$"""{"key":"{{prefix}}{{i}}","value":"v"}"""));
        return new TheoryData<string>
        {
            $$"""{"metrics":[{{Metrics(1001)}}]}""",
            $$"""{"params":[{{Pairs(101, "p")}}]}""",
            $$"""{"tags":[{{Pairs(101, "t")}}]}""",
            $$"""{"metrics":[{{Metrics(900)}}],"params":[{{Pairs(50, "p")}}],"tags":[{{Pairs(51, "t")}}]}""",
        };
    }

    [Theory]
    [MemberData(nameof(OversizedBatches))]
    public async Task A_batch_over_MLflow_limits_gives_400(string fields)
    {
        var run = await CreateRunAsync();

        AssertInvalid(await PostAsync("runs/log-batch", $$"""{"run_id":"{{run}}",{{fields[1..]}}"""));
    }

    [Fact]
    public async Task A_batch_exactly_at_the_limits_is_accepted()
    {
        var run = await CreateRunAsync();
        var metrics = string.Join(",", Enumerable.Range(0, 900).Select(i => $$"""{"key":"m","value":{{i}},"timestamp":{{i}}}"""));
        var parameters = string.Join(",", Enumerable.Range(0, 50).Select(i => $$"""{"key":"p{{i}}","value":"v"}"""));
        var tags = string.Join(",", Enumerable.Range(0, 50).Select(i => $$"""{"key":"t{{i}}","value":"v"}"""));

        await PostOkAsync("runs/log-batch", $$"""{"run_id":"{{run}}","metrics":[{{metrics}}],"params":[{{parameters}}],"tags":[{{tags}}]}""");

        Assert.Equal(899, (await DataAsync(run)).GetProperty("metrics")[0].GetProperty("value").GetDouble());
    }

    public static TheoryData<string, string> BadLogRequests()
    {
        var longKey = new string('k', 251);
        return new TheoryData<string, string>
        {
            { "runs/log-metric", """{"key":"k","value":1,"timestamp":1}""" },
            { "runs/log-metric", """{"run_id":"RUN","value":1,"timestamp":1}""" },
            { "runs/log-metric", """{"run_id":"RUN","key":"k","timestamp":1}""" },
            { "runs/log-metric", """{"run_id":"RUN","key":"k","value":1}""" },
            { "runs/log-metric", """{"run_id":"RUN","key":"k","value":"high","timestamp":1}""" },
            { "runs/log-metric", $$"""{"run_id":"RUN","key":"{{longKey}}","value":1,"timestamp":1}""" },
            { "runs/log-metric", """{"run_id":"RUN","key":"a:b","value":1,"timestamp":1}""" },
            { "runs/log-metric", """{"run_id":"RUN","key":"/abs","value":1,"timestamp":1}""" },
            { "runs/log-metric", """{"run_id":"RUN","key":"a//b","value":1,"timestamp":1}""" },
            { "runs/log-metric", """{"run_id":"RUN","key":"a/../b","value":1,"timestamp":1}""" },
            { "runs/log-parameter", """{"run_id":"RUN","key":"k"}""" },
            { "runs/log-parameter", $$"""{"run_id":"RUN","key":"k","value":"{{new string('v', 6001)}}"}""" },
            { "runs/set-tag", $$"""{"run_id":"RUN","key":"k","value":"{{new string('v', 8001)}}"}""" },
            { "runs/set-tag", """{"run_id":"RUN","value":"v"}""" },
            { "runs/log-batch", """{"run_id":"RUN","params":[{"key":"a","value":"1"},{"key":"a","value":"1"}]}""" },
            { "runs/log-batch", """{"run_id":"RUN","metrics":[{"key":"a","value":1}]}""" },
            { "runs/log-batch", """{"run_id":"RUN","metrics":{}}""" },
            { "runs/log-batch", """{"metrics":[]}""" },
        };
    }

    [Theory]
    [MemberData(nameof(BadLogRequests))]
    public async Task Bad_log_requests_give_400_INVALID_PARAMETER_VALUE(string path, string body)
    {
        var run = await CreateRunAsync();

        AssertInvalid(await PostAsync(path, body.Replace("RUN", run, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Values_at_the_length_limits_are_accepted()
    {
        var run = await CreateRunAsync();
        var key = new string('k', 250);

        await PostOkAsync("runs/log-parameter", $$"""{"run_id":"{{run}}","key":"{{key}}","value":"{{new string('v', 6000)}}"}""");
        await PostOkAsync("runs/set-tag", $$"""{"run_id":"{{run}}","key":"{{key}}","value":"{{new string('v', 8000)}}"}""");

        Assert.Equal(6000, Pairs(await DataAsync(run), "params").Single().Value.Length);
    }

    [Fact]
    public async Task Get_history_without_a_metric_key_gives_400()
    {
        var run = await CreateRunAsync();

        AssertInvalid(await GetAsync($"metrics/get-history?run_id={run}"));
    }
}
