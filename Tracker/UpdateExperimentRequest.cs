namespace FocusedQuantization.Tracker;

/// <summary>Body of experiments/update.</summary>
/// <param name="ExperimentId">The experiment; required.</param>
/// <param name="NewName">Its new name; required, at most 500 characters, not taken by another experiment.</param>
public sealed record UpdateExperimentRequest(string? ExperimentId, string? NewName);
