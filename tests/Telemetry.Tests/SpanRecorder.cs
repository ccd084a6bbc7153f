using System.Collections.Concurrent;
using System.Diagnostics;

namespace FocusedQuantization.Telemetry.Tests;

/// <summary>Records every span of the product's and Orleans' application sources that ends while it listens.</summary>
public sealed class SpanRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _spans = new();

    private SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is FqTelemetry.SourceName or FqTelemetry.OrleansApplicationSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The spans that ended so far.</summary>
    public IReadOnlyList<Activity> Spans => _spans.ToArray();

    public static SpanRecorder Start() => new();

    public void Dispose() => _listener.Dispose();
}

/// <summary>Tests that listen to the process-wide sources run one at a time, so none sees another's spans.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ListenerCollection
{
    public const string Name = "span listeners";
}
