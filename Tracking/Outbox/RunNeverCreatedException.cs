namespace FocusedQuantization.Tracking.Outbox;

/// <summary>A run key's creation was refused for good, so operations on the run can never be delivered.</summary>
internal sealed class RunNeverCreatedException(string message) : Exception(message);
