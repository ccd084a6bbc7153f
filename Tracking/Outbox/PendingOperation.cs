namespace FocusedQuantization.Tracking.Outbox;

/// <summary>An operation waiting in the outbox, and how many times it was sent before.</summary>
internal sealed record PendingOperation(long Sequence, TrackingOperation Operation, int Attempts);
