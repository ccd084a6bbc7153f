namespace FocusedQuantization.Tracking.Tests;

/// <summary>What the recording server received.</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, string Body, string? ContentType, string? Authorization);
