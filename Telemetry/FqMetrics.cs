using System.Diagnostics.Metrics;

namespace FocusedQuantization.Telemetry;

/// <summary>
/// The product's instruments, all on <see cref="FqTelemetry.Meter"/>. Throughput is a histogram of images per second,
/// one measurement per fine-tuning epoch or evaluation, rather than a counter of images: a counter's rate would mix
/// busy and idle time (a silo waiting on a layer search counts as slow), whereas each measurement here is the speed of
/// one real pass, so the histogram shows how fast each silo trains and how much that varies.
/// </summary>
public static class FqMetrics
{
    private static readonly Lock Gate = new();
    private static readonly List<Func<long>> OutboxDepths = [];

    /// <summary>Trials that started running (a resumed trial counts again).</summary>
    public static Counter<long> TrialsStarted { get; } =
        FqTelemetry.Meter.CreateCounter<long>("fq.trials.started", "{trial}", "Trials that started running (a resumed trial counts again).");

    /// <summary>Trials that completed with a result.</summary>
    public static Counter<long> TrialsCompleted { get; } =
        FqTelemetry.Meter.CreateCounter<long>("fq.trials.completed", "{trial}", "Trials that completed with a result.");

    /// <summary>Trials that failed.</summary>
    public static Counter<long> TrialsFailed { get; } =
        FqTelemetry.Meter.CreateCounter<long>("fq.trials.failed", "{trial}", "Trials that failed.");

    /// <summary>Layer searches computed (answers found in the checkpoint store count too: they are cheap but real answers).</summary>
    public static Counter<long> LayerSearches { get; } =
        FqTelemetry.Meter.CreateCounter<long>("fq.layer_searches", "{search}", "Layer quantization searches answered.");

    /// <summary>Wall time of a stage, in seconds, tagged with <see cref="FqTags.Stage"/>.</summary>
    public static Histogram<double> StageDuration { get; } =
        FqTelemetry.Meter.CreateHistogram<double>("fq.stage.duration", "s", "Wall time of a stage (fq.stage).");

    /// <summary>Images per second of one fine-tuning epoch or one evaluation, tagged with <see cref="FqTags.Stage"/>.</summary>
    public static Histogram<double> ImagesPerSecond { get; } =
        FqTelemetry.Meter.CreateHistogram<double>("fq.images_per_second", "{image}/s", "Images per second of one fine-tuning epoch or evaluation (fq.stage).");

    /// <summary>Runs and metrics waiting in the tracking outbox, summed over every registered outbox of this process.</summary>
    public static ObservableGauge<long> TrackingOutboxDepth { get; } =
        FqTelemetry.Meter.CreateObservableGauge("fq.tracking.outbox_depth", ObserveOutboxDepth, "{entry}",
            "Entries waiting in the tracking outbox to reach the tracker.");

    /// <summary>Records a stage's duration (and nothing when it is not positive).</summary>
    public static void RecordStage(string stage, TimeSpan duration)
    {
        if (duration > TimeSpan.Zero) StageDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>(FqTags.Stage, stage));
    }

    /// <summary>Records the throughput of one pass over <paramref name="images"/> images that took <paramref name="duration"/>.</summary>
    public static void RecordThroughput(string stage, long images, TimeSpan duration)
    {
        if (images > 0 && duration > TimeSpan.Zero)
            ImagesPerSecond.Record(images / duration.TotalSeconds, new KeyValuePair<string, object?>(FqTags.Stage, stage));
    }

    /// <summary>
    /// Lets a tracking outbox report its depth as <c>fq.tracking.outbox_depth</c>; dispose the result when the outbox
    /// goes away. <paramref name="depth"/> is called on the metrics collector's thread and must be cheap and thread-safe.
    /// </summary>
    public static IDisposable RegisterOutboxDepth(Func<long> depth)
    {
        ArgumentNullException.ThrowIfNull(depth);
        lock (Gate) OutboxDepths.Add(depth);
        return new Registration(depth);
    }

    private static IEnumerable<Measurement<long>> ObserveOutboxDepth()
    {
        Func<long>[] sources;
        lock (Gate) sources = OutboxDepths.ToArray();
        if (sources.Length == 0) return [];
        return [new Measurement<long>(sources.Sum(s => s()))];
    }

    private sealed class Registration(Func<long> depth) : IDisposable
    {
        public void Dispose()
        {
            lock (Gate) OutboxDepths.Remove(depth);
        }
    }
}
