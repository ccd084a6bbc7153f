using System.Globalization;

namespace FocusedQuantization.Tracker;

/// <summary>MLflow's runs/create, get, update, delete, restore and search endpoints.</summary>
public static class RunEndpoints
{
    /// <summary>Maps the run endpoints under the given group.</summary>
    public static RouteGroupBuilder MapRunEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/runs/create", CreateAsync);
        group.MapGet("/runs/get", GetAsync);
        group.MapPost("/runs/update", UpdateAsync);
        group.MapPost("/runs/delete", (HttpRequest request, SqliteRunStore store, CancellationToken token) =>
            SetStageAsync(request, store, "runs/delete", "deleted", token));
        group.MapPost("/runs/restore", (HttpRequest request, SqliteRunStore store, CancellationToken token) =>
            SetStageAsync(request, store, "runs/restore", "active", token));
        group.MapPost("/runs/search", SearchAsync);
        return group;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, SqliteRunStore store, CancellationToken token)
    {
        var body = await RequestBody.ReadAsync<CreateRunRequest>(request, "runs/create", token);
        var experimentId = RequestBody.Required(body.ExperimentId, "experiment_id");
        var tags = (body.Tags ?? []).Select(t => t is null
            ? throw MlflowException.InvalidParameterValue("A tag is null.")
            : RunLimits.Tag(t.Key, t.Value)).ToList();
        var run = await store.CreateAsync(experimentId, RunLimits.RunName(body.RunName), body.StartTime, body.UserId, tags, token);
        return Results.Json(new RunResponse(run));
    }

    private static async Task<IResult> GetAsync(HttpRequest request, SqliteRunStore store, CancellationToken token)
    {
        var runId = RequestBody.Required(
            request.Query["run_id"].FirstOrDefault() ?? request.Query["run_uuid"].FirstOrDefault(), "run_id");
        return Results.Json(new RunResponse(await store.GetAsync(runId, token)));
    }

    private static async Task<IResult> UpdateAsync(HttpRequest request, SqliteRunStore store, CancellationToken token)
    {
        var body = await RequestBody.ReadAsync<UpdateRunRequest>(request, "runs/update", token);
        var runId = RequestBody.Required(body.RunId ?? body.RunUuid, "run_id");
        var status = body.Status is null ? null : RunStatus.Parse(body.Status);
        var info = await store.UpdateAsync(runId, status, body.EndTime, RunLimits.RunName(body.RunName), token);
        return Results.Json(new UpdateRunResponse(info));
    }

    private static async Task<IResult> SetStageAsync(
        HttpRequest request, SqliteRunStore store, string endpoint, string stage, CancellationToken token)
    {
        var body = await RequestBody.ReadAsync<RunIdRequest>(request, endpoint, token);
        await store.SetLifecycleStageAsync(RequestBody.Required(body.RunId, "run_id"), stage, token);
        return RequestBody.Empty;
    }

    private static async Task<IResult> SearchAsync(HttpRequest request, SqliteRunStore store, CancellationToken token)
    {
        var body = await RequestBody.ReadAsync<SearchRunsRequest>(request, "runs/search", token);
        var experimentIds = (body.ExperimentIds ?? []).Where(id => !string.IsNullOrWhiteSpace(id)).Select(id => id!).ToList();
        if (experimentIds.Count == 0)
            throw MlflowException.InvalidParameterValue("runs/search needs at least one id in 'experiment_ids'.");
        var (page, next) = await store.SearchAsync(
            experimentIds, ViewType.Parse(body.RunViewType), SearchFilter.Parse(body.Filter), OrderByClause.ParseAll(body.OrderBy),
            PageToken.Decode(body.PageToken), RequestBody.MaxResults(body.MaxResults, 1000, 50_000), token);
        return Results.Json(new SearchRunsResponse(page, next));
    }

    internal static long? ParseLong(string? text, string parameter) =>
        text is null ? null
        : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value
        : throw MlflowException.InvalidParameterValue($"Parameter '{parameter}' must be an integer, not '{text}'.");
}
