namespace FocusedQuantization.Tracking;

/// <summary>A run's metadata as the server describes it; fields a server leaves out are null.</summary>
/// <param name="RunId">The id.</param>
/// <param name="RunName">The display name.</param>
/// <param name="ExperimentId">The experiment it belongs to.</param>
/// <param name="Status">Its status.</param>
/// <param name="StartTime">Start, in Unix epoch milliseconds.</param>
/// <param name="EndTime">End, in Unix epoch milliseconds, or null while it runs.</param>
/// <param name="ArtifactUri">Where its artifacts go.</param>
/// <param name="LifecycleStage">"active" or "deleted".</param>
/// <param name="UserId">Deprecated user field; MLflow now keeps the user in the tag mlflow.user.</param>
public sealed record MlflowRunInfo(
    string RunId,
    string? RunName,
    string? ExperimentId,
    MlflowRunStatus? Status,
    long? StartTime,
    long? EndTime,
    string? ArtifactUri,
    string? LifecycleStage,
    string? UserId = null);
