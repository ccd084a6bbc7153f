namespace FocusedQuantization.Tracker;

/// <summary>A key/value tag on a run; setting it again replaces the value.</summary>
/// <param name="Key">Tag name.</param>
/// <param name="Value">Tag value.</param>
public sealed record RunTag(string Key, string Value);
