using FocusedQuantization.Telemetry;
using FocusedQuantization.Tracking.Outbox;
using Microsoft.Extensions.Hosting;

namespace FocusedQuantization.Grains.Tracking;

/// <summary>Publishes the silo's outbox depth as the fq.tracking.outbox_depth gauge while the host runs.</summary>
public sealed class OutboxDepthGauge(TrackingOutbox outbox) : IHostedService
{
    private IDisposable? _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = FqMetrics.RegisterOutboxDepth(() => outbox.PendingCount);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _registration?.Dispose();
        _registration = null;
        return Task.CompletedTask;
    }
}
