namespace FocusedQuantization.Tracker;

/// <summary>Body of runs/search.</summary>
/// <param name="ExperimentIds">Experiments to search; required, non-empty.</param>
/// <param name="Filter">MLflow filter string, or null for all runs.</param>
/// <param name="RunViewType">ACTIVE_ONLY (default), DELETED_ONLY or ALL.</param>
/// <param name="MaxResults">Largest page; null means 1000, at most 50000.</param>
/// <param name="OrderBy">Order entries such as "metrics.cr DESC"; default start_time DESC.</param>
/// <param name="PageToken">Token from the previous page, or null for the first.</param>
public sealed record SearchRunsRequest(
    IReadOnlyList<string?>? ExperimentIds, string? Filter, string? RunViewType, long? MaxResults,
    IReadOnlyList<string?>? OrderBy, string? PageToken);
