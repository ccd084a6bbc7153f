namespace FocusedQuantization.Tracker;

/// <summary>One logged value of a metric.</summary>
/// <param name="Key">Metric name.</param>
/// <param name="Value">The value; NaN and infinities travel as "NaN", "Infinity", "-Infinity".</param>
/// <param name="Timestamp">When it was logged, in Unix epoch milliseconds.</param>
/// <param name="Step">The step (epoch, iteration, ...) it belongs to.</param>
public sealed record Metric(string Key, double Value, long Timestamp, long Step);
