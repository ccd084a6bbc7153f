namespace FocusedQuantization.Tracking;

/// <summary>An MLflow experiment as the server describes it; fields a server leaves out are null.</summary>
/// <param name="ExperimentId">The id.</param>
/// <param name="Name">The unique name.</param>
/// <param name="ArtifactLocation">Where its runs keep their artifacts.</param>
/// <param name="LifecycleStage">"active" or "deleted".</param>
/// <param name="LastUpdateTime">Last change, in Unix epoch milliseconds.</param>
/// <param name="CreationTime">Creation, in Unix epoch milliseconds.</param>
/// <param name="Tags">The experiment's tags.</param>
public sealed record MlflowExperiment(
    string ExperimentId,
    string Name,
    string? ArtifactLocation,
    string? LifecycleStage,
    long? LastUpdateTime,
    long? CreationTime,
    IReadOnlyList<ExperimentTag>? Tags);
