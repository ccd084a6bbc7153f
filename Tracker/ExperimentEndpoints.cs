using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace FocusedQuantization.Tracker;

/// <summary>MLflow's experiments/* endpoints.</summary>
public static class ExperimentEndpoints
{
    /// <summary>MLflow's limit on the length of an experiment name.</summary>
    public const int MaxNameLength = 500;

    /// <summary>Maps experiments/create, get-by-name, get, search, delete, restore and update under the given group.</summary>
    public static RouteGroupBuilder MapExperimentEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/experiments/create", CreateAsync);
        group.MapGet("/experiments/get-by-name", GetByNameAsync);
        group.MapGet("/experiments/get", GetAsync);
        group.MapPost("/experiments/search", SearchFromBodyAsync);
        group.MapGet("/experiments/search", SearchFromQueryAsync);
        group.MapPost("/experiments/delete", DeleteAsync);
        group.MapPost("/experiments/restore", RestoreAsync);
        group.MapPost("/experiments/update", UpdateAsync);
        return group;
    }

    private static async Task<IResult> CreateAsync(
        HttpRequest request, SqliteExperimentStore store, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        CreateExperimentRequest? body;
        try
        {
            // Read whatever the content type says: MLflow clients send JSON, hand-written curl calls often forget the header.
            body = await JsonSerializer.DeserializeAsync<CreateExperimentRequest>(
                request.Body, json.Value.SerializerOptions, cancellationToken);
        }
        catch (JsonException e)
        {
            throw MlflowException.InvalidParameterValue($"The request body is not a valid experiments/create request: {e.Message}");
        }

        var name = ValidateName(body?.Name, "name");
        var tags = new List<ExperimentTag>();
        foreach (var tag in body?.Tags ?? [])
        {
            if (tag is null) throw MlflowException.InvalidParameterValue("A tag is null.");
            tags.Add(RunLimits.ExperimentTag(tag.Key, tag.Value));
        }
        var location = string.IsNullOrWhiteSpace(body?.ArtifactLocation) ? null : body.ArtifactLocation;
        var id = await store.CreateAsync(name, location, tags, cancellationToken);
        return Results.Json(new CreateExperimentResponse(id));
    }

    private static async Task<IResult> GetByNameAsync(
        HttpRequest request, SqliteExperimentStore store, CancellationToken cancellationToken)
    {
        var name = ValidateName(request.Query["experiment_name"].FirstOrDefault(), "experiment_name");
        var experiment = await store.FindByNameAsync(name, cancellationToken)
                         ?? throw MlflowException.ResourceDoesNotExist($"Could not find experiment with name '{name}'.");
        return Results.Json(new GetExperimentResponse(experiment));
    }

    private static async Task<IResult> GetAsync(
        HttpRequest request, SqliteExperimentStore store, CancellationToken cancellationToken)
    {
        var id = RequestBody.Required(request.Query["experiment_id"].FirstOrDefault(), "experiment_id");
        var experiment = await store.FindByIdAsync(id, cancellationToken)
                         ?? throw MlflowException.ResourceDoesNotExist($"No experiment with id '{id}'.");
        return Results.Json(new GetExperimentResponse(experiment));
    }

    private static async Task<IResult> DeleteAsync(HttpRequest request, SqliteExperimentStore store, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync<ExperimentIdRequest>(request, "experiments/delete", cancellationToken);
        await store.DeleteAsync(RequestBody.Required(body.ExperimentId, "experiment_id"), cancellationToken);
        return RequestBody.Empty;
    }

    private static async Task<IResult> RestoreAsync(HttpRequest request, SqliteExperimentStore store, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync<ExperimentIdRequest>(request, "experiments/restore", cancellationToken);
        await store.RestoreAsync(RequestBody.Required(body.ExperimentId, "experiment_id"), cancellationToken);
        return RequestBody.Empty;
    }

    private static async Task<IResult> UpdateAsync(HttpRequest request, SqliteExperimentStore store, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync<UpdateExperimentRequest>(request, "experiments/update", cancellationToken);
        var id = RequestBody.Required(body.ExperimentId, "experiment_id");
        await store.RenameAsync(id, ValidateName(body.NewName, "new_name"), cancellationToken);
        return RequestBody.Empty;
    }

    private static async Task<IResult> SearchFromBodyAsync(
        HttpRequest request, SqliteExperimentStore store, CancellationToken cancellationToken) =>
        await RunSearchAsync(
            await RequestBody.ReadAsync<SearchExperimentsRequest>(request, "experiments/search", cancellationToken),
            store, cancellationToken);

    private static async Task<IResult> SearchFromQueryAsync(
        HttpRequest request, SqliteExperimentStore store, CancellationToken cancellationToken)
    {
        var query = request.Query;
        long? max = null;
        if (query["max_results"].FirstOrDefault() is { } text)
            max = long.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw MlflowException.InvalidParameterValue($"max_results '{text}' is not an integer.");
        return await RunSearchAsync(new SearchExperimentsRequest(max, query["page_token"].FirstOrDefault(),
            query["filter"].FirstOrDefault(), query["order_by"].ToArray(), query["view_type"].FirstOrDefault()),
            store, cancellationToken);
    }

    private static async Task<IResult> RunSearchAsync(
        SearchExperimentsRequest body, SqliteExperimentStore store, CancellationToken cancellationToken)
    {
        var (page, next) = await store.SearchAsync(
            ViewType.Parse(body.ViewType), SearchFilter.Parse(body.Filter), OrderByClause.ParseAll(body.OrderBy),
            PageToken.Decode(body.PageToken), RequestBody.MaxResults(body.MaxResults, 1000, 50_000), cancellationToken);
        return Results.Json(new SearchExperimentsResponse(page, next));
    }

    private static string ValidateName(string? name, string parameter)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw MlflowException.InvalidParameterValue($"Missing value for required parameter '{parameter}'.");
        if (name.Length > MaxNameLength)
            throw MlflowException.InvalidParameterValue(
                $"Parameter '{parameter}' is {name.Length} characters long; at most {MaxNameLength} are allowed.");
        return name;
    }
}
