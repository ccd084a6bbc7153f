using Refit;

namespace FocusedQuantization.Tracking;

/// <summary>MLflow's runs and metrics endpoints (REST API 2.0).</summary>
public interface IMlflowRunsApi
{
    /// <summary>Creates a run in an experiment.</summary>
    [Post("/api/2.0/mlflow/runs/create")]
    Task<RunResponse> CreateRunAsync([Body] CreateRunRequest request, CancellationToken cancellationToken = default);

    /// <summary>Changes a run's status, end time or name.</summary>
    [Post("/api/2.0/mlflow/runs/update")]
    Task<UpdateRunResponse> UpdateRunAsync([Body] UpdateRunRequest request, CancellationToken cancellationToken = default);

    /// <summary>Reads a run; fails with 404 RESOURCE_DOES_NOT_EXIST when there is none.</summary>
    [Get("/api/2.0/mlflow/runs/get")]
    Task<RunResponse> GetRunAsync([AliasAs("run_id")] string runId, CancellationToken cancellationToken = default);

    /// <summary>Reads one page of the runs that match a filter.</summary>
    [Post("/api/2.0/mlflow/runs/search")]
    Task<SearchRunsResponse> SearchRunsAsync([Body] SearchRunsRequest request, CancellationToken cancellationToken = default);

    /// <summary>Soft-deletes a run.</summary>
    [Post("/api/2.0/mlflow/runs/delete")]
    Task DeleteRunAsync([Body] DeleteRunRequest request, CancellationToken cancellationToken = default);

    /// <summary>Appends one metric value.</summary>
    [Post("/api/2.0/mlflow/runs/log-metric")]
    Task LogMetricAsync([Body] LogMetricRequest request, CancellationToken cancellationToken = default);

    /// <summary>Writes a param; writing a different value for the same key fails with INVALID_PARAMETER_VALUE.</summary>
    [Post("/api/2.0/mlflow/runs/log-parameter")]
    Task LogParamAsync([Body] LogParamRequest request, CancellationToken cancellationToken = default);

    /// <summary>Sets a tag, replacing its value.</summary>
    [Post("/api/2.0/mlflow/runs/set-tag")]
    Task SetTagAsync([Body] SetTagRequest request, CancellationToken cancellationToken = default);

    /// <summary>Writes metrics, params and tags in one request, which must be within MLflow's limits.</summary>
    [Post("/api/2.0/mlflow/runs/log-batch")]
    Task LogBatchAsync([Body] LogBatchRequest request, CancellationToken cancellationToken = default);

    /// <summary>Reads the values of one metric; without a page size the server returns all of them.</summary>
    [Get("/api/2.0/mlflow/metrics/get-history")]
    Task<MetricHistoryResponse> GetMetricHistoryAsync(
        [AliasAs("run_id")] string runId,
        [AliasAs("metric_key")] string metricKey,
        [AliasAs("max_results")] int? maxResults = null,
        [AliasAs("page_token")] string? pageToken = null,
        CancellationToken cancellationToken = default);
}
