namespace FocusedQuantization.Tracking;

/// <summary>Body of POST runs/log-batch; <see cref="LogBatchSplitter"/> keeps it within MLflow's limits.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Metrics">Metric values, in the order the server should write them.</param>
/// <param name="Params">Params, in order.</param>
/// <param name="Tags">Tags, in order.</param>
public sealed record LogBatchRequest(
    string RunId,
    IReadOnlyList<MlflowMetric> Metrics,
    IReadOnlyList<MlflowParam> Params,
    IReadOnlyList<MlflowRunTag> Tags);
