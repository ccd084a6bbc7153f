namespace FocusedQuantization.Tracking;

/// <summary>Answer of runs/update.</summary>
/// <param name="RunInfo">The run's metadata after the change.</param>
public sealed record UpdateRunResponse(MlflowRunInfo RunInfo);
