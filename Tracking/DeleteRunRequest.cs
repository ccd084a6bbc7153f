namespace FocusedQuantization.Tracking;

/// <summary>Body of POST runs/delete (a soft delete).</summary>
/// <param name="RunId">The run to delete.</param>
public sealed record DeleteRunRequest(string RunId);
