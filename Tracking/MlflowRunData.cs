namespace FocusedQuantization.Tracking;

/// <summary>What a run has logged: for each metric only its latest value, its params and its tags.</summary>
/// <param name="Metrics">Latest value of each metric, or null when there are none.</param>
/// <param name="Params">The params, or null when there are none.</param>
/// <param name="Tags">The tags, or null when there are none.</param>
public sealed record MlflowRunData(
    IReadOnlyList<MlflowMetric>? Metrics, IReadOnlyList<MlflowParam>? Params, IReadOnlyList<MlflowRunTag>? Tags);
