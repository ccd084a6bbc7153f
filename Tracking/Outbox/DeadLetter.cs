namespace FocusedQuantization.Tracking.Outbox;

/// <summary>An operation the tracker refused for good; it stays in the outbox with the error, and delivery went on.</summary>
/// <param name="Sequence">Its place in the outbox's order.</param>
/// <param name="Operation">What was refused.</param>
/// <param name="Error">The tracker's answer.</param>
public sealed record DeadLetter(long Sequence, TrackingOperation Operation, string Error);
