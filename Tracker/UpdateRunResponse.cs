namespace FocusedQuantization.Tracker;

/// <summary>Answer of runs/update.</summary>
/// <param name="RunInfo">The run's metadata after the update.</param>
public sealed record UpdateRunResponse(RunInfo RunInfo);
