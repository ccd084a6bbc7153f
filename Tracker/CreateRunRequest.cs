namespace FocusedQuantization.Tracker;

/// <summary>Body of runs/create.</summary>
/// <param name="ExperimentId">The experiment to create the run in; required.</param>
/// <param name="RunName">Display name; null means the mlflow.runName tag, or a generated name.</param>
/// <param name="StartTime">Start in Unix epoch milliseconds; null means now.</param>
/// <param name="Tags">Tags to set; null means none.</param>
/// <param name="UserId">Deprecated user id; null means the mlflow.user tag or empty.</param>
public sealed record CreateRunRequest(
    string? ExperimentId, string? RunName, long? StartTime, IReadOnlyList<KeyValueInput?>? Tags, string? UserId);
