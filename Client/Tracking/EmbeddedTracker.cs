using System.Globalization;
using FocusedQuantization.Silo;
using FocusedQuantization.Tracker;
using FocusedQuantization.Tracking;
using FocusedQuantization.Tracking.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FocusedQuantization.Client.Tracking;

/// <summary>
/// The tracker the embedded fq process runs beside its silo when MLFLOW_TRACKING_URI is not set: on loopback, on
/// $FQ_HOME/tracker.db. Its URL is written to embedded.tracker in the state folder, where a joining fq process reads it.
/// Stopping it first gives the silo's outbox a few seconds to deliver what is left. With a token (FQ_TRACKER_TOKEN), the
/// tracker requires it and the outbox presents it.
/// </summary>
public sealed class EmbeddedTracker(string stateFolder, IServiceProvider services, string? token = null) : IHostedService
{
    /// <summary>Environment variable that picks the port: FQ_TRACKER_PORT.</summary>
    public const string PortVariable = "FQ_TRACKER_PORT";

    /// <summary>The port used when FQ_TRACKER_PORT is not set (a free one is taken when it is busy).</summary>
    public const int DefaultPort = 5055;

    /// <summary>Name of the tracker's database in the state folder.</summary>
    public const string DatabaseFileName = "tracker.db";

    /// <summary>How long stopping may spend delivering the outbox before the tracker goes away.</summary>
    public static readonly TimeSpan DrainBeforeStop = TimeSpan.FromSeconds(5);

    private const string AddressFileName = "embedded.tracker";
    private readonly TaskCompletionSource<Uri?> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TrackerHost? _tracker;

    /// <summary>The target the silo's outbox delivers to, resolved once the tracker runs (or failed to start).</summary>
    public TrackingTarget Target { get; } = TrackingTarget.Deferred();

    /// <summary>The tracker's URL once it runs; null if it could not start.</summary>
    public Task<Uri?> Address => _address.Task;

    /// <summary>Adds the embedded tracker to an embedded silo's host, replacing the silo's tracking target with it.</summary>
    public static void AddTo(ISiloBuilder silo, string stateFolder)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddSingleton(sp => new EmbeddedTracker(stateFolder, sp, ConfiguredToken()));
        silo.Services.AddSingleton(sp => sp.GetRequiredService<EmbeddedTracker>().Target);
        silo.Services.AddHostedService(sp => sp.GetRequiredService<EmbeddedTracker>());
    }

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

    /// <summary>The port to ask for: FQ_TRACKER_PORT, else <see cref="DefaultPort"/>.</summary>
    /// <exception cref="ArgumentException">FQ_TRACKER_PORT is not a port number.</exception>
    public static int ConfiguredPort()
    {
        var text = Environment.GetEnvironmentVariable(PortVariable);
        if (string.IsNullOrWhiteSpace(text)) return DefaultPort;
        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"{PortVariable} must be a port number between 1 and 65535; got '{text}'.");
        return port;
    }

    /// <summary>The token the tracker requires: FQ_TRACKER_TOKEN, or null (none) when it is not set or blank.</summary>
    public static string? ConfiguredToken()
    {
        var token = Environment.GetEnvironmentVariable(TrackerOptions.TokenVariable);
        return string.IsNullOrWhiteSpace(token) ? null : token;
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
            _tracker = await StartOnAsync(
                Path.Combine(stateFolder, DatabaseFileName), ConfiguredPort(), fallBackToFreePort: true, token, cancellationToken);
            File.WriteAllText(Path.Combine(stateFolder, AddressFileName), _tracker.BaseAddress.ToString());
            Target.Resolve(new MlflowTrackingSettings(_tracker.BaseAddress, token: token));
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
            File.Delete(Path.Combine(stateFolder, AddressFileName));
        }
        catch (IOException)
        {
        }
        await _tracker.DisposeAsync();
        _tracker = null;
    }
}
