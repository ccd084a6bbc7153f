namespace FocusedQuantization.Tracker;

/// <summary>Answer of experiments/create.</summary>
/// <param name="ExperimentId">Id of the new experiment.</param>
public sealed record CreateExperimentResponse(string ExperimentId);
