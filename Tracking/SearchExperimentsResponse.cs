namespace FocusedQuantization.Tracking;

/// <summary>Answer of experiments/search: one page of experiments.</summary>
/// <param name="Experiments">The experiments on this page, or null when there are none.</param>
/// <param name="NextPageToken">Token of the next page; null or empty on the last page.</param>
public sealed record SearchExperimentsResponse(IReadOnlyList<MlflowExperiment>? Experiments, string? NextPageToken);
