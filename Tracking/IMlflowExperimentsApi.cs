using Refit;

namespace FocusedQuantization.Tracking;

/// <summary>MLflow's experiments endpoints (REST API 2.0).</summary>
public interface IMlflowExperimentsApi
{
    /// <summary>Creates an experiment; fails with 400 RESOURCE_ALREADY_EXISTS when the name is taken.</summary>
    [Post("/api/2.0/mlflow/experiments/create")]
    Task<CreateExperimentResponse> CreateExperimentAsync(
        [Body] CreateExperimentRequest request, CancellationToken cancellationToken = default);

    /// <summary>Finds an experiment by name; fails with 404 RESOURCE_DOES_NOT_EXIST when there is none.</summary>
    [Get("/api/2.0/mlflow/experiments/get-by-name")]
    Task<GetExperimentResponse> GetExperimentByNameAsync(
        [AliasAs("experiment_name")] string experimentName, CancellationToken cancellationToken = default);

    /// <summary>Reads an experiment by id, deleted ones included; fails with 404 RESOURCE_DOES_NOT_EXIST when there is none.</summary>
    [Get("/api/2.0/mlflow/experiments/get")]
    Task<GetExperimentResponse> GetExperimentAsync(
        [AliasAs("experiment_id")] string experimentId, CancellationToken cancellationToken = default);

    /// <summary>Reads one page of the experiments that match a filter.</summary>
    [Post("/api/2.0/mlflow/experiments/search")]
    Task<SearchExperimentsResponse> SearchExperimentsAsync(
        [Body] SearchExperimentsRequest request, CancellationToken cancellationToken = default);
}
