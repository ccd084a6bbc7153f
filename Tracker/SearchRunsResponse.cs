namespace FocusedQuantization.Tracker;

/// <summary>Answer of runs/search.</summary>
/// <param name="Runs">This page of runs.</param>
/// <param name="NextPageToken">Token for the next page; null on the last page.</param>
public sealed record SearchRunsResponse(IReadOnlyList<Run> Runs, string? NextPageToken);
