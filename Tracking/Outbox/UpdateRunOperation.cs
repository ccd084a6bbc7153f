namespace FocusedQuantization.Tracking.Outbox;

/// <summary>Changes a run's status and end time.</summary>
/// <param name="RunKey">The run's key.</param>
/// <param name="ExperimentName">The run's experiment.</param>
/// <param name="Status">New status.</param>
/// <param name="EndTime">End, in Unix epoch milliseconds, or null to leave it.</param>
public sealed record UpdateRunOperation(string RunKey, string ExperimentName, MlflowRunStatus Status, long? EndTime)
    : TrackingOperation(RunKey, ExperimentName);
