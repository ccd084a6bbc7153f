namespace FocusedQuantization.Tracking.Outbox;

/// <summary>
/// Metrics (each with the timestamp and step taken when it was enqueued, so a re-send is an exact duplicate), params
/// and tags for a run; any size, split into MLflow-sized requests on delivery.
/// </summary>
/// <param name="RunKey">The run's key.</param>
/// <param name="ExperimentName">The run's experiment.</param>
/// <param name="Metrics">Metric values in the order they should be written.</param>
/// <param name="Params">Params.</param>
/// <param name="Tags">Tags.</param>
public sealed record LogBatchOperation(
    string RunKey,
    string ExperimentName,
    IReadOnlyList<MlflowMetric> Metrics,
    IReadOnlyList<MlflowParam> Params,
    IReadOnlyList<MlflowRunTag> Tags) : TrackingOperation(RunKey, ExperimentName);
