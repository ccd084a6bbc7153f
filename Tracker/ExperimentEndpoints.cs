using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace FocusedQuantization.Tracker;

/// <summary>MLflow's experiments/* endpoints.</summary>
public static class ExperimentEndpoints
{
    /// <summary>MLflow's limit on the length of an experiment name.</summary>
    public const int MaxNameLength = 500;

    /// <summary>Maps experiments/create and experiments/get-by-name under the given group.</summary>
    public static RouteGroupBuilder MapExperimentEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/experiments/create", CreateAsync);
        group.MapGet("/experiments/get-by-name", GetByNameAsync);
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
            if (tag is null || string.IsNullOrEmpty(tag.Key))
                throw MlflowException.InvalidParameterValue("Every tag needs a non-empty 'key'.");
            if (tag.Value is null)
                throw MlflowException.InvalidParameterValue($"Tag '{tag.Key}' has no 'value'.");
            tags.Add(tag);
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
