namespace FocusedQuantization.Tracking.Outbox;

/// <summary>Where the outbox keeps its operations and how its delivery loop waits.</summary>
public sealed record OutboxOptions
{
    /// <summary>Path of the SQLite file, created if missing. Default: outbox.db in the current directory.</summary>
    public string DatabasePath { get; init; } = "outbox.db";

    /// <summary>Wait before the first retry after a transient failure, doubled after each further one. Default: 0.5 s.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(0.5);

    /// <summary>Longest wait between two attempts. Default: 30 s.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long stopping the host may spend delivering what is left. Default: 3 s.</summary>
    public TimeSpan DrainOnStop { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Per-request timeout towards the tracker. Default: 30 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Delivered operations older than this are deleted when the outbox opens. Default: 7 days.</summary>
    public TimeSpan KeepDelivered { get; init; } = TimeSpan.FromDays(7);
}
