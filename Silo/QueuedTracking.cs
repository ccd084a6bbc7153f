namespace FocusedQuantization.Silo;

/// <summary>
/// The line a command that hosted a silo prints on exit when its outbox still holds undelivered operations (the tracker
/// was down, or the drain on stop ran out of time): nothing is lost, but the user should know where it waits.
/// </summary>
public static class QueuedTracking
{
    /// <summary>The line, or null when nothing is queued.</summary>
    /// <param name="pending">Operations still queued after the host stopped (and drained).</param>
    /// <param name="outboxPath">The outbox file they are in.</param>
    /// <param name="tracker">Where they were meant to go, when known.</param>
    /// <param name="deliveredBy">Who delivers them, and to which tracker: the truth for this kind of silo.</param>
    public static string? Describe(long pending, string outboxPath, Uri? tracker, string deliveredBy)
    {
        if (pending <= 0) return null;
        var what = pending == 1 ? "1 tracking operation is" : $"{pending} tracking operations are";
        var target = tracker is null ? "" : $" (not taken by the tracker at {tracker.AbsoluteUri})";
        return $"fq: {what} still queued in {outboxPath}{target}; {deliveredBy}.";
    }

    /// <summary>Who delivers what an embedded silo's outbox.db keeps.</summary>
    public const string ByNextEmbeddedCommand =
        "the next fq command that hosts the embedded silo on this state folder (e.g. fq sweep list) delivers them, " +
        "to MLFLOW_TRACKING_URI if that command has it, else to the embedded tracker";

    /// <summary>Who delivers what the outbox of a cluster silo or a secondary embedded silo (outbox-HOST-PORT.db) keeps.</summary>
    public static string BySiloOnSamePort(int siloPort) =>
        $"a silo started again on this machine with the same state folder and --silo-port {siloPort} delivers them, to the MLFLOW_TRACKING_URI it has";
}
