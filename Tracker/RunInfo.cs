namespace FocusedQuantization.Tracker;

/// <summary>A run's metadata as MLflow's REST API shows it.</summary>
/// <param name="RunId">The run's id, 32 hex digits.</param>
/// <param name="RunUuid">The same id under its deprecated name, which old clients still read.</param>
/// <param name="RunName">The run's display name.</param>
/// <param name="ExperimentId">The experiment holding the run.</param>
/// <param name="UserId">Who started it (deprecated by MLflow in favour of the mlflow.user tag); empty when unknown.</param>
/// <param name="Status">RUNNING, SCHEDULED, FINISHED, FAILED or KILLED.</param>
/// <param name="StartTime">Start, in Unix epoch milliseconds.</param>
/// <param name="EndTime">End, in Unix epoch milliseconds, or null while it has none.</param>
/// <param name="ArtifactUri">Where the run keeps its artifacts.</param>
/// <param name="LifecycleStage">"active" or "deleted".</param>
public sealed record RunInfo(
    string RunId, string RunUuid, string RunName, string ExperimentId, string UserId, string Status,
    long StartTime, long? EndTime, string ArtifactUri, string LifecycleStage);
