namespace FocusedQuantization.Tracking;

/// <summary>Body of POST runs/search.</summary>
/// <param name="ExperimentIds">Experiments to search in.</param>
/// <param name="Filter">MLflow filter, e.g. "tags.sweep_id = 'x' and metrics.top1 > 0.7", or null for all runs.</param>
/// <param name="RunViewType">Which lifecycle stages to return, or null for the server's default (active only).</param>
/// <param name="MaxResults">Page size, or null for the server's default (1000).</param>
/// <param name="OrderBy">Sort keys, e.g. "metrics.top1 DESC", or null.</param>
/// <param name="PageToken">Token of the page to read, from the previous answer, or null for the first page.</param>
public sealed record SearchRunsRequest(
    IReadOnlyList<string> ExperimentIds,
    string? Filter = null,
    MlflowViewType? RunViewType = null,
    int? MaxResults = null,
    IReadOnlyList<string>? OrderBy = null,
    string? PageToken = null);
