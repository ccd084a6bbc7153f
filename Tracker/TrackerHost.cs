namespace FocusedQuantization.Tracker;

/// <summary>
/// A tracker running inside another process (the embedded default of the fq tool, and tests), configured only by
/// its <see cref="TrackerOptions"/>: no appsettings, environment variables or console logging are read or written.
/// </summary>
public sealed class TrackerHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private TrackerHost(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>Where the tracker listens: the first of its URLs, with the port the system picked if it was 0.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Starts a tracker and returns once it accepts requests.</summary>
    public static async Task<TrackerHost> StartAsync(TrackerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRouting();
        builder.AddTracker(options);
        var app = builder.Build();
        app.MapTracker();
        await app.StartAsync(cancellationToken);
        // After start, the server's address list holds the bound ports rather than the configured ones.
        return new TrackerHost(app, new Uri(app.Urls.First()));
    }

    /// <summary>Stops the tracker and releases its database file.</summary>
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
