namespace FocusedQuantization.Tracker;

/// <summary>Body of runs/update.</summary>
/// <param name="RunId">The run; required (or its deprecated alias run_uuid).</param>
/// <param name="RunUuid">Deprecated alias of <paramref name="RunId"/>.</param>
/// <param name="Status">New status, or null to keep it.</param>
/// <param name="EndTime">New end time in Unix epoch milliseconds, or null to keep it.</param>
/// <param name="RunName">New name, or null to keep it.</param>
public sealed record UpdateRunRequest(string? RunId, string? RunUuid, string? Status, long? EndTime, string? RunName);
