using System.Diagnostics.Metrics;
using FocusedQuantization.Grains.Tracking;
using FocusedQuantization.Telemetry;
using FocusedQuantization.Tracking;
using FocusedQuantization.Tracking.Outbox;

namespace FocusedQuantization.Grains.Tests.Tracking;

/// <summary>Runs alone: the gauge sums every outbox of the process, and other tests' silos have outboxes too.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GaugeCollection
{
    public const string Name = "outbox depth gauge";
}

[Collection(GaugeCollection.Name)]
public sealed class OutboxDepthGaugeTests : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fq-gauge-").FullName;

    [Fact]
    public async Task The_gauge_reports_the_outbox_depth_while_the_host_runs_and_nothing_after()
    {
        var ct = TestContext.Current.CancellationToken;
        // No tracker: what is enqueued stays pending, so the depth is known.
        await using var outbox = new TrackingOutbox(new OutboxOptions { DatabasePath = Path.Combine(_folder, "outbox.db") }, TrackingTarget.Fixed(null));
        for (var i = 0; i < 3; i++)
            outbox.Enqueue(new SetTagOperation("trial/gauge", "fq/gauge", "fq.pareto", i % 2 == 0 ? "true" : "false"));
        var gauge = new OutboxDepthGauge(outbox);
        var values = new List<long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == FqTelemetry.SourceName && instrument.Name == "fq.tracking.outbox_depth") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => values.Add(value));
        listener.Start();

        await gauge.StartAsync(ct);
        listener.RecordObservableInstruments();
        Assert.Equal([3L], values);

        await gauge.StopAsync(ct);
        values.Clear();
        listener.RecordObservableInstruments();
        Assert.Empty(values);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}
