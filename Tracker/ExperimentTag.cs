namespace FocusedQuantization.Tracker;

/// <summary>A key/value tag on an experiment.</summary>
/// <param name="Key">Tag name.</param>
/// <param name="Value">Tag value.</param>
public sealed record ExperimentTag(string Key, string Value);
