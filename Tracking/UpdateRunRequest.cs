namespace FocusedQuantization.Tracking;

/// <summary>Body of POST runs/update; null fields are left unchanged.</summary>
/// <param name="RunId">The run to change.</param>
/// <param name="Status">New status, or null.</param>
/// <param name="EndTime">End, in Unix epoch milliseconds, or null.</param>
/// <param name="RunName">New display name, or null.</param>
public sealed record UpdateRunRequest(
    string RunId, MlflowRunStatus? Status = null, long? EndTime = null, string? RunName = null);
