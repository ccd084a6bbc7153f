namespace FocusedQuantization.Tracker;

/// <summary>What a run logged: the latest value of each metric, its params and its tags (null lists are left out).</summary>
/// <param name="Metrics">Latest value of each metric, by key.</param>
/// <param name="Params">Parameters, by key.</param>
/// <param name="Tags">Tags, by key.</param>
public sealed record RunData(IReadOnlyList<Metric>? Metrics, IReadOnlyList<Param>? Params, IReadOnlyList<RunTag>? Tags);
