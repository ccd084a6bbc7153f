namespace FocusedQuantization.Tracking;

/// <summary>Body of POST runs/set-tag.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Key">Tag name.</param>
/// <param name="Value">Tag value.</param>
public sealed record SetTagRequest(string RunId, string Key, string Value);
