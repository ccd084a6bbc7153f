using System.Diagnostics.Metrics;

namespace FocusedQuantization.Telemetry.Tests;

[Collection(ListenerCollection.Name)]
public sealed class FqMetricsTests
{
    [Fact]
    public void The_outbox_depth_gauge_sums_the_registered_outboxes_and_forgets_a_disposed_one()
    {
        using var recorder = new MeasurementRecorder("fq.tracking.outbox_depth");
        using var first = FqMetrics.RegisterOutboxDepth(() => 3);
        var second = FqMetrics.RegisterOutboxDepth(() => 4);

        recorder.Collect();
        second.Dispose();
        recorder.Collect();

        Assert.Equal([7.0, 3.0], recorder.Values);
    }

    [Fact]
    public void Throughput_is_images_over_seconds_tagged_with_the_stage()
    {
        using var recorder = new MeasurementRecorder("fq.images_per_second");

        FqMetrics.RecordThroughput("fine_tune", 600, TimeSpan.FromSeconds(2));
        FqMetrics.RecordThroughput("evaluate", 0, TimeSpan.FromSeconds(1));

        Assert.Equal([300.0], recorder.Values);
        Assert.Equal(["fine_tune"], recorder.Stages);
    }

    /// <summary>Listens to one instrument of the product's meter.</summary>
    private sealed class MeasurementRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<double> _values = [];
        private readonly List<string?> _stages = [];

        public MeasurementRecorder(string instrument)
        {
            _listener.InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == FqTelemetry.SourceName && i.Name == instrument) l.EnableMeasurementEvents(i);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Add(value, tags));
            _listener.SetMeasurementEventCallback<double>((_, value, tags, _) => Add(value, tags));
            _listener.Start();
        }

        public IReadOnlyList<double> Values
        {
            get
            {
                lock (_values) return _values.ToArray();
            }
        }

        public IReadOnlyList<string?> Stages
        {
            get
            {
                lock (_values) return _stages.ToArray();
            }
        }

        public void Collect() => _listener.RecordObservableInstruments();

        public void Dispose() => _listener.Dispose();

        private void Add(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? stage = null;
            foreach (var tag in tags)
                if (tag.Key == FqTags.Stage) stage = tag.Value as string;
            lock (_values)
            {
                _values.Add(value);
                if (stage is not null) _stages.Add(stage);
            }
        }
    }
}
