namespace FocusedQuantization.Tracker;

/// <summary>Body of runs/log-parameter, runs/set-tag and runs/delete-tag.</summary>
/// <param name="RunId">The run; required (or its deprecated alias run_uuid).</param>
/// <param name="RunUuid">Deprecated alias of <paramref name="RunId"/>.</param>
/// <param name="Key">Param or tag name; required.</param>
/// <param name="Value">Value; required except for delete-tag.</param>
public sealed record RunKeyValueRequest(string? RunId, string? RunUuid, string? Key, string? Value);
