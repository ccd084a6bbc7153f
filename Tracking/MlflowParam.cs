namespace FocusedQuantization.Tracking;

/// <summary>A run's parameter: written once, the same value may be written again.</summary>
/// <param name="Key">Parameter name.</param>
/// <param name="Value">Parameter value.</param>
public sealed record MlflowParam(string Key, string Value);
