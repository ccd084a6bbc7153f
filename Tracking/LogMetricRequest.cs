namespace FocusedQuantization.Tracking;

/// <summary>Body of POST runs/log-metric.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Key">Metric name.</param>
/// <param name="Value">The value; NaN and infinities travel as "NaN", "Infinity", "-Infinity".</param>
/// <param name="Timestamp">When it was measured, in Unix epoch milliseconds.</param>
/// <param name="Step">The step it belongs to. Default: 0.</param>
public sealed record LogMetricRequest(string RunId, string Key, double Value, long Timestamp, long Step = 0);
