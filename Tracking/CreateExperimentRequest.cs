namespace FocusedQuantization.Tracking;

/// <summary>Body of POST experiments/create.</summary>
/// <param name="Name">Name of the new experiment; unique on the server.</param>
/// <param name="ArtifactLocation">Where its artifacts go; null lets the server choose.</param>
/// <param name="Tags">Tags to set on it, or null.</param>
public sealed record CreateExperimentRequest(
    string Name, string? ArtifactLocation = null, IReadOnlyList<ExperimentTag>? Tags = null);
