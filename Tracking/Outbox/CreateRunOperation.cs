namespace FocusedQuantization.Tracking.Outbox;

/// <summary>
/// Creates the run of <see cref="TrackingOperation.RunKey"/> unless it exists: the tracker is searched for
/// tags.fq.key first, so a re-send or another silo's outbox finds the run instead of creating a second one.
/// </summary>
/// <param name="RunKey">The run's key.</param>
/// <param name="ExperimentName">The experiment to create it in.</param>
/// <param name="RunName">Display name.</param>
/// <param name="StartTime">Start, in Unix epoch milliseconds.</param>
/// <param name="Tags">Tags set at creation.</param>
/// <param name="ParentKey">Key of the parent run (tag mlflow.parentRunId), or null; the run waits until the parent is found.</param>
public sealed record CreateRunOperation(
    string RunKey,
    string ExperimentName,
    string RunName,
    long StartTime,
    IReadOnlyList<MlflowRunTag> Tags,
    string? ParentKey = null) : TrackingOperation(RunKey, ExperimentName);
