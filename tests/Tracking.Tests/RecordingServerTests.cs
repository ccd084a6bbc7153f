namespace FocusedQuantization.Tracking.Tests;

/// <summary>
/// The scaffold of the client-side tests: a recording HTTP server on a loopback port and the client's HttpClient
/// pointed at it, both disposed after each test.
/// </summary>
public abstract class RecordingServerTests : IDisposable
{
    /// <param name="settings">The client's settings for the server's address; default: no credentials.</param>
    /// <param name="retry">The client's retries; default: none.</param>
    protected RecordingServerTests(Func<Uri, MlflowTrackingSettings>? settings = null, MlflowRetryOptions? retry = null)
    {
        Server = new RecordingHttpServer();
        Http = MlflowClientFactory.CreateHttpClient(
            settings?.Invoke(Server.BaseAddress) ?? new MlflowTrackingSettings(Server.BaseAddress), retry ?? MlflowRetryOptions.None);
    }

    /// <summary>The server the client talks to.</summary>
    protected RecordingHttpServer Server { get; }

    /// <summary>The client's HttpClient (base address, credentials, retries).</summary>
    protected HttpClient Http { get; }

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Http.Dispose();
        Server.Dispose();
        GC.SuppressFinalize(this);
    }
}
