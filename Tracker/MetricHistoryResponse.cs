namespace FocusedQuantization.Tracker;

/// <summary>Answer of metrics/get-history.</summary>
/// <param name="Metrics">This page of the metric's values, in logging order.</param>
/// <param name="NextPageToken">Token for the next page; null on the last page.</param>
public sealed record MetricHistoryResponse(IReadOnlyList<Metric> Metrics, string? NextPageToken);
