namespace FocusedQuantization.Tracking.Outbox;

/// <summary>
/// The tracker an outbox delivers to, which may become known only after the outbox opened (an embedded tracker that
/// starts beside the silo); null means none: operations are kept until a later process has one.
/// </summary>
public sealed class TrackingTarget
{
    private readonly TaskCompletionSource<MlflowTrackingSettings?> _settings = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A target known now (or known to be absent, when <paramref name="settings"/> is null).</summary>
    public static TrackingTarget Fixed(MlflowTrackingSettings? settings)
    {
        var target = new TrackingTarget();
        target.Resolve(settings);
        return target;
    }

    /// <summary>A target to be resolved later with <see cref="Resolve"/>.</summary>
    public static TrackingTarget Deferred() => new();

    /// <summary>The tracker from MLFLOW_TRACKING_URI (and its credentials), or none when it is not set.</summary>
    public static TrackingTarget FromEnvironment() => Fixed(MlflowTrackingSettings.FromEnvironment());

    /// <summary>Completes when the target is known.</summary>
    public Task<MlflowTrackingSettings?> Settings => _settings.Task;

    /// <summary>Sets the target; later calls are ignored.</summary>
    public void Resolve(MlflowTrackingSettings? settings) => _settings.TrySetResult(settings);
}
