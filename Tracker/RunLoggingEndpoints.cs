namespace FocusedQuantization.Tracker;

/// <summary>MLflow's endpoints that log to a run: log-metric, log-parameter, set-tag, delete-tag, log-batch, and metrics/get-history.</summary>
public static class RunLoggingEndpoints
{
    /// <summary>Maps the logging endpoints under the given group.</summary>
    public static RouteGroupBuilder MapRunLoggingEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/runs/log-metric", LogMetricAsync);
        group.MapPost("/runs/log-parameter", LogParameterAsync);
        group.MapPost("/runs/set-tag", SetTagAsync);
        group.MapPost("/runs/delete-tag", DeleteTagAsync);
        group.MapPost("/runs/log-batch", LogBatchAsync);
        group.MapGet("/metrics/get-history", GetHistoryAsync);
        return group;
    }

    private static async Task<IResult> LogMetricAsync(HttpRequest request, SqliteRunStore store, CancellationToken token)
    {
        var body = await RequestBody.ReadAsync<LogMetricRequest>(request, "runs/log-metric", token);
        var runId = RequestBody.Required(body.RunId ?? body.RunUuid, "run_id");
        var metric = RunLimits.Metric(body.Key, body.Value, body.Timestamp, body.Step);
        await store.LogAsync(runId, [metric], [], [], token);
        return RequestBody.Empty;
    }

    private static async Task<IResult> LogParameterAsync(HttpRequest request, SqliteRunStore store, CancellationToken token)
    {
        var body = await RequestBody.ReadAsync<RunKeyValueRequest>(request, "runs/log-parameter", token);
        var runId = RequestBody.Required(body.RunId ?? body.RunUuid, "run_id");
        await store.LogAsync(runId, [], [RunLimits.Param(body.Key, body.Value)], [], token);
        return RequestBody.Empty;
    }

    private static async Task<IResult> SetTagAsync(HttpRequest request, SqliteRunStore store, CancellationToken token)
    {
        var body = await RequestBody.ReadAsync<RunKeyValueRequest>(request, "runs/set-tag", token);
        var runId = RequestBody.Required(body.RunId ?? body.RunUuid, "run_id");
        await store.LogAsync(runId, [], [], [RunLimits.Tag(body.Key, body.Value)], token);
        return RequestBody.Empty;
    }

    private static async Task<IResult> DeleteTagAsync(HttpRequest request, SqliteRunStore store, CancellationToken token)
    {
        var body = await RequestBody.ReadAsync<RunKeyValueRequest>(request, "runs/delete-tag", token);
        var runId = RequestBody.Required(body.RunId ?? body.RunUuid, "run_id");
        await store.DeleteTagAsync(runId, RequestBody.Required(body.Key, "key"), token);
        return RequestBody.Empty;
    }

    private static async Task<IResult> LogBatchAsync(HttpRequest request, SqliteRunStore store, CancellationToken token)
    {
        var body = await RequestBody.ReadAsync<LogBatchRequest>(request, "runs/log-batch", RunLimits.MaxBatchRequestBytes, token);
        var runId = RequestBody.Required(body.RunId, "run_id");
        RunLimits.Batch(body.Metrics?.Count ?? 0, body.Params?.Count ?? 0, body.Tags?.Count ?? 0);
        var metrics = (body.Metrics ?? []).Select(m => m is null
            ? throw MlflowException.InvalidParameterValue("A metric in the batch is null.")
            : RunLimits.Metric(m.Key, m.Value, m.Timestamp, m.Step)).ToList();
        var parameters = (body.Params ?? []).Select(p => p is null
            ? throw MlflowException.InvalidParameterValue("A param in the batch is null.")
            : RunLimits.Param(p.Key, p.Value)).ToList();
        var duplicate = parameters.GroupBy(p => p.Key).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw MlflowException.InvalidParameterValue($"The batch holds param '{duplicate.Key}' {duplicate.Count()} times.");
        var tags = (body.Tags ?? []).Select(t => t is null
            ? throw MlflowException.InvalidParameterValue("A tag in the batch is null.")
            : RunLimits.Tag(t.Key, t.Value)).ToList();
        await store.LogAsync(runId, metrics, parameters, tags, token);
        return RequestBody.Empty;
    }

    private static async Task<IResult> GetHistoryAsync(HttpRequest request, SqliteRunStore store, CancellationToken token)
    {
        var query = request.Query;
        var runId = RequestBody.Required(query["run_id"].FirstOrDefault() ?? query["run_uuid"].FirstOrDefault(), "run_id");
        var key = RequestBody.Required(query["metric_key"].FirstOrDefault(), "metric_key");
        // Without max_results MLflow returns the whole history.
        var max = RequestBody.MaxResults(RunEndpoints.ParseLong(query["max_results"].FirstOrDefault(), "max_results"), int.MaxValue, int.MaxValue);
        var (page, next) = await store.GetMetricHistoryAsync(runId, key, PageToken.Decode(query["page_token"].FirstOrDefault()), max, token);
        return Results.Json(new MetricHistoryResponse(page, next));
    }
}
