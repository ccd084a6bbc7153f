namespace FocusedQuantization.Tracking;

/// <summary>Answer of metrics/get-history: one page of a metric's values.</summary>
/// <param name="Metrics">The values, or null when there are none.</param>
/// <param name="NextPageToken">Token of the next page; null or empty on the last page.</param>
public sealed record MetricHistoryResponse(IReadOnlyList<MlflowMetric>? Metrics, string? NextPageToken);
