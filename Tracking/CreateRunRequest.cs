namespace FocusedQuantization.Tracking;

/// <summary>Body of POST runs/create.</summary>
/// <param name="ExperimentId">Experiment to create the run in.</param>
/// <param name="RunName">Display name, or null to let the server pick one.</param>
/// <param name="StartTime">Start, in Unix epoch milliseconds, or null.</param>
/// <param name="Tags">Tags to set at creation (e.g. mlflow.parentRunId for a child run), or null.</param>
public sealed record CreateRunRequest(
    string ExperimentId, string? RunName = null, long? StartTime = null, IReadOnlyList<MlflowRunTag>? Tags = null);
