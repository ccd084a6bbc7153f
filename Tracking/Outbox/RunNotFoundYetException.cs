namespace FocusedQuantization.Tracking.Outbox;

/// <summary>A run key (or a parent's) is not on the tracker yet: another outbox has still to create it, so wait and retry.</summary>
internal sealed class RunNotFoundYetException(string message) : Exception(message);
