namespace FocusedQuantization.Tracker;

/// <summary>A run parameter, written once.</summary>
/// <param name="Key">Parameter name.</param>
/// <param name="Value">Parameter value.</param>
public sealed record Param(string Key, string Value);
