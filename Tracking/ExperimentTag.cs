namespace FocusedQuantization.Tracking;

/// <summary>A key/value tag on an MLflow experiment.</summary>
/// <param name="Key">Tag name.</param>
/// <param name="Value">Tag value.</param>
public sealed record ExperimentTag(string Key, string Value);
