namespace FocusedQuantization.Tracking;

/// <summary>Body of POST runs/log-parameter.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Key">Parameter name.</param>
/// <param name="Value">Parameter value.</param>
public sealed record LogParamRequest(string RunId, string Key, string Value);
