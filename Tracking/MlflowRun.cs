namespace FocusedQuantization.Tracking;

/// <summary>An MLflow run: its metadata and what it has logged.</summary>
/// <param name="Info">Metadata.</param>
/// <param name="Data">Logged values; null when the server leaves it out.</param>
public sealed record MlflowRun(MlflowRunInfo Info, MlflowRunData? Data);
