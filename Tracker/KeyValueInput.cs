namespace FocusedQuantization.Tracker;

/// <summary>A key/value pair as a client sent it (tag or param), before validation.</summary>
/// <param name="Key">The key, or null when missing.</param>
/// <param name="Value">The value, or null when missing.</param>
public sealed record KeyValueInput(string? Key, string? Value);
