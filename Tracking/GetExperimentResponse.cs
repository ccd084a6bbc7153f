namespace FocusedQuantization.Tracking;

/// <summary>Answer of experiments/get and experiments/get-by-name.</summary>
/// <param name="Experiment">The experiment found.</param>
public sealed record GetExperimentResponse(MlflowExperiment Experiment);
