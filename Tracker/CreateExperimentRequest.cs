namespace FocusedQuantization.Tracker;

/// <summary>Body of experiments/create.</summary>
/// <param name="Name">Name of the new experiment; required and unique.</param>
/// <param name="ArtifactLocation">Where its artifacts go; null means under the tracker's artifact root.</param>
/// <param name="Tags">Tags to set on it; null means none.</param>
public sealed record CreateExperimentRequest(string? Name, string? ArtifactLocation, IReadOnlyList<ExperimentTag?>? Tags);
