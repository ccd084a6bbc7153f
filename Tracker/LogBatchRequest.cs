namespace FocusedQuantization.Tracker;

/// <summary>Body of runs/log-batch.</summary>
/// <param name="RunId">The run; required.</param>
/// <param name="Metrics">Metric values to append; at most 1000.</param>
/// <param name="Params">Params to write; at most 100.</param>
/// <param name="Tags">Tags to set; at most 100.</param>
public sealed record LogBatchRequest(
    string? RunId, IReadOnlyList<MetricInput?>? Metrics, IReadOnlyList<KeyValueInput?>? Params, IReadOnlyList<KeyValueInput?>? Tags);
