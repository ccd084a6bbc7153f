namespace FocusedQuantization.Tracker;

/// <summary>Answer of experiments/get-by-name and experiments/get.</summary>
/// <param name="Experiment">The experiment found.</param>
public sealed record GetExperimentResponse(Experiment Experiment);
