namespace FocusedQuantization.Tracker;

/// <summary>Body of runs/delete and runs/restore.</summary>
/// <param name="RunId">The run; required.</param>
public sealed record RunIdRequest(string? RunId);
