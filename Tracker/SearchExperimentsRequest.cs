namespace FocusedQuantization.Tracker;

/// <summary>Body of experiments/search.</summary>
/// <param name="MaxResults">Largest page; null means the default, 1000.</param>
/// <param name="PageToken">Token from the previous page, or null for the first.</param>
/// <param name="Filter">Filter on name (= , !=, LIKE, ILIKE) and tags, or null for all.</param>
/// <param name="OrderBy">Order, e.g. "name" or "creation_time DESC"; default creation_time DESC.</param>
/// <param name="ViewType">ACTIVE_ONLY (default), DELETED_ONLY or ALL.</param>
public sealed record SearchExperimentsRequest(
    long? MaxResults, string? PageToken, string? Filter, IReadOnlyList<string?>? OrderBy, string? ViewType);
