namespace FocusedQuantization.Tracker;

/// <summary>Body of runs/log-metric.</summary>
/// <param name="RunId">The run; required (or its deprecated alias run_uuid).</param>
/// <param name="RunUuid">Deprecated alias of <paramref name="RunId"/>.</param>
/// <param name="Key">Metric name; required.</param>
/// <param name="Value">Value; required; "NaN", "Infinity" and "-Infinity" are accepted.</param>
/// <param name="Timestamp">Unix epoch milliseconds; required.</param>
/// <param name="Step">Step; null means 0.</param>
public sealed record LogMetricRequest(string? RunId, string? RunUuid, string? Key, double? Value, long? Timestamp, long? Step);
