using FocusedQuantization.Tracker;
using FocusedQuantization.Tracking;
using FocusedQuantization.Tracking.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FocusedQuantization.Silo;

/// <summary>
/// The tracker an embedded fq process runs beside its silo when MLFLOW_TRACKING_URI is not set: on loopback, on
/// $FQ_HOME/tracker.db. Its URL is written to embedded.tracker in the state folder, where a joining fq process reads it.
/// Stopping it first gives the silo's outbox a few seconds to deliver what is left. With a token (FQ_TRACKER_TOKEN), the
/// tracker requires it and the outbox presents it. Registered by <c>AddEmbeddedTracker</c>.
/// </summary>
public sealed class EmbeddedTracker(EmbeddedTrackerSettings settings, IServiceProvider services) : IHostedService
{
    /// <summary>How long stopping may spend delivering the outbox before the tracker goes away.</summary>
    public static readonly TimeSpan DrainBeforeStop = TimeSpan.FromSeconds(5);

    private const string AddressFileName = "embedded.tracker";
    private readonly TaskCompletionSource<Uri?> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _stateFolder = FqStateFolder.Resolve(settings.StateFolder);
    private TrackerHost? _tracker;

    /// <summary>The target the silo's outbox delivers to, resolved once the tracker runs (or failed to start).</summary>
    public TrackingTarget Target { get; } = TrackingTarget.Deferred();

    /// <summary>The tracker's URL once it runs; null if it could not start.</summary>
    public Task<Uri?> Address => _address.Task;

    /// <summary>The URL another fq process's embedded tracker on this state folder published, or null.</summary>
    public static Uri? ReadPublished(string stateFolder)
    {
        try
        {
            var path = Path.Combine(stateFolder, AddressFileName);
            return File.Exists(path) && Uri.TryCreate(File.ReadAllText(path).Trim(), UriKind.Absolute, out var uri) ? uri : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Starts a tracker on <paramref name="port"/>, or on a free port when that one is taken; with a
    /// <paramref name="token"/>, its API requires it as the bearer token.
    /// </summary>
    public static async Task<TrackerHost> StartOnAsync(
        string database, int port, bool fallBackToFreePort, string? token, CancellationToken cancellationToken)
    {
        try
        {
            return await TrackerHost.StartAsync(
                new TrackerOptions { DatabasePath = database, Urls = $"http://127.0.0.1:{port}", Token = token }, cancellationToken);
        }
        catch (IOException) when (fallBackToFreePort)
        {
            return await TrackerHost.StartAsync(
                new TrackerOptions { DatabasePath = database, Urls = "http://127.0.0.1:0", Token = token }, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(_stateFolder);
            _tracker = await StartOnAsync(settings.DatabasePath, settings.Port, fallBackToFreePort: true, settings.Token, cancellationToken);
            File.WriteAllText(Path.Combine(_stateFolder, AddressFileName), _tracker.BaseAddress.ToString());
            Target.Resolve(new MlflowTrackingSettings(_tracker.BaseAddress, token: settings.Token));
            _address.TrySetResult(_tracker.BaseAddress);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A sweep must not fail because its tracker could not start: the outbox keeps everything for a later run.
            Console.Error.WriteLine($"fq: the embedded tracker did not start ({ex.Message}); tracking is kept in the outbox for later.");
            Target.Resolve(null);
            _address.TrySetResult(null);
        }
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_tracker is null) return;
        if (services.GetService<TrackingOutbox>() is { } outbox) await outbox.DrainAsync(DrainBeforeStop);
        try
        {
            File.Delete(Path.Combine(_stateFolder, AddressFileName));
        }
        catch (IOException)
        {
        }
        await _tracker.DisposeAsync();
        _tracker = null;
    }
}
