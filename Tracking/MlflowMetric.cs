namespace FocusedQuantization.Tracking;

/// <summary>One value of a run's metric.</summary>
/// <param name="Key">Metric name.</param>
/// <param name="Value">The value; NaN and infinities travel as "NaN", "Infinity", "-Infinity".</param>
/// <param name="Timestamp">When it was measured, in Unix epoch milliseconds.</param>
/// <param name="Step">The step it belongs to (epoch, iteration, layer index).</param>
public sealed record MlflowMetric(string Key, double Value, long Timestamp, long Step = 0);
