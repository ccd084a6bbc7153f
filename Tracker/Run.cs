namespace FocusedQuantization.Tracker;

/// <summary>A run: its metadata and its data.</summary>
/// <param name="Info">Metadata.</param>
/// <param name="Data">Metrics, params and tags.</param>
public sealed record Run(RunInfo Info, RunData Data);
