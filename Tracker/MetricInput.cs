namespace FocusedQuantization.Tracker;

/// <summary>A metric value as a client sent it, before validation.</summary>
/// <param name="Key">Metric name; required.</param>
/// <param name="Value">The value; required.</param>
/// <param name="Timestamp">Unix epoch milliseconds; required.</param>
/// <param name="Step">Step; null means 0.</param>
public sealed record MetricInput(string? Key, double? Value, long? Timestamp, long? Step);
