namespace FocusedQuantization.Tracking;

/// <summary>Body of POST experiments/search.</summary>
/// <param name="MaxResults">Page size, or null for the server's default.</param>
/// <param name="PageToken">Token of the page to read, from the previous answer, or null for the first page.</param>
/// <param name="Filter">MLflow filter, e.g. "name LIKE 'fq%'", or null.</param>
/// <param name="OrderBy">Sort keys, e.g. "creation_time DESC", or null.</param>
/// <param name="ViewType">Which lifecycle stages to return, or null for the server's default (active only).</param>
public sealed record SearchExperimentsRequest(
    long? MaxResults = null,
    string? PageToken = null,
    string? Filter = null,
    IReadOnlyList<string>? OrderBy = null,
    MlflowViewType? ViewType = null);
