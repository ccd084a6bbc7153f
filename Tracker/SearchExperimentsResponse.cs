namespace FocusedQuantization.Tracker;

/// <summary>Answer of experiments/search.</summary>
/// <param name="Experiments">This page of experiments.</param>
/// <param name="NextPageToken">Token for the next page; null on the last page.</param>
public sealed record SearchExperimentsResponse(IReadOnlyList<Experiment> Experiments, string? NextPageToken);
