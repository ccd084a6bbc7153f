namespace FocusedQuantization.Tracking;

/// <summary>A run's tag: the last value written wins.</summary>
/// <param name="Key">Tag name, e.g. mlflow.parentRunId.</param>
/// <param name="Value">Tag value.</param>
public sealed record MlflowRunTag(string Key, string Value);
