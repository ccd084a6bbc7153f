namespace FocusedQuantization.Tracking;

/// <summary>Answer of runs/search: one page of runs.</summary>
/// <param name="Runs">The runs on this page, or null when there are none.</param>
/// <param name="NextPageToken">Token of the next page; null or empty on the last page.</param>
public sealed record SearchRunsResponse(IReadOnlyList<MlflowRun>? Runs, string? NextPageToken);
