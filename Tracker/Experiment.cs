namespace FocusedQuantization.Tracker;

/// <summary>An experiment as MLflow's REST API shows it (serialized with snake_case names).</summary>
/// <param name="ExperimentId">The id, an integer sent as a string, as MLflow does.</param>
/// <param name="Name">Unique name.</param>
/// <param name="ArtifactLocation">Where the experiment's runs keep their artifacts.</param>
/// <param name="LifecycleStage">"active" or "deleted".</param>
/// <param name="LastUpdateTime">Last change, in Unix epoch milliseconds.</param>
/// <param name="CreationTime">Creation, in Unix epoch milliseconds.</param>
/// <param name="Tags">The tags, or null when there are none (MLflow leaves the field out then).</param>
public sealed record Experiment(
    string ExperimentId,
    string Name,
    string ArtifactLocation,
    string LifecycleStage,
    long LastUpdateTime,
    long CreationTime,
    IReadOnlyList<ExperimentTag>? Tags);
