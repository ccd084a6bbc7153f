namespace FocusedQuantization.Tracker;

/// <summary>Body of experiments/delete and experiments/restore.</summary>
/// <param name="ExperimentId">The experiment; required.</param>
public sealed record ExperimentIdRequest(string? ExperimentId);
