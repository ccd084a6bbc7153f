namespace FocusedQuantization.Tracking;

/// <summary>Answer of experiments/create.</summary>
/// <param name="ExperimentId">Id of the new experiment (MLflow sends ids as strings).</param>
public sealed record CreateExperimentResponse(string ExperimentId);
