using System.Net;
using System.Net.Sockets;
using FocusedQuantization.Tracker;
using FocusedQuantization.Tracking.Outbox;
using Microsoft.Extensions.Logging;

namespace FocusedQuantization.Tracking.Tests.Outbox;

/// <summary>A temporary folder with a tracker database and outbox files, a tracker that can be started and stopped on one port, and a client to read it.</summary>
public sealed class OutboxFixture : IAsyncDisposable
{
    private readonly List<TrackingOutbox> _outboxes = [];
    private TrackerHost? _tracker;
    private HttpClient? _http;

    public string Folder { get; } = Directory.CreateTempSubdirectory("fq-outbox-").FullName;

    public int Port { get; } = FreePort();

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public string TrackerDatabase => Path.Combine(Folder, "tracker.db");

    public IMlflowRunsApi Runs => MlflowClientFactory.CreateRunsApi(_http ??= MlflowClientFactory.CreateHttpClient(new MlflowTrackingSettings(Address), MlflowRetryOptions.None));

    public IMlflowExperimentsApi Experiments => MlflowClientFactory.CreateExperimentsApi(_http ??= MlflowClientFactory.CreateHttpClient(new MlflowTrackingSettings(Address), MlflowRetryOptions.None));

    public async Task StartTrackerAsync() =>
        _tracker = await TrackerHost.StartAsync(new TrackerOptions { DatabasePath = TrackerDatabase, Urls = Address.ToString().TrimEnd('/') });

    /// <summary>Opens an outbox file in the folder (a new one, or an existing one again) and starts its delivery loop.</summary>
    /// <param name="name">File name in the folder.</param>
    /// <param name="withoutTracker">Open it with no tracker configured, as a cluster silo without MLFLOW_TRACKING_URI.</param>
    /// <param name="logger">Receives the outbox's warnings.</param>
    public async Task<TrackingOutbox> OpenOutboxAsync(string name, bool withoutTracker = false, ILogger<TrackingOutbox>? logger = null)
    {
        var outbox = new TrackingOutbox(
            new OutboxOptions { DatabasePath = Path.Combine(Folder, name), InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(400) },
            TrackingTarget.Fixed(withoutTracker ? null : new MlflowTrackingSettings(Address)), logger);
        _outboxes.Add(outbox);
        await outbox.StartAsync(CancellationToken.None);
        return outbox;
    }

    /// <summary>Stops the outbox's loop and closes its file, as a process that ends would.</summary>
    public async Task CloseAsync(TrackingOutbox outbox)
    {
        _outboxes.Remove(outbox);
        await outbox.DisposeAsync();
    }

    /// <summary>The run whose fq.key is <paramref name="key"/>, checking that there is exactly one.</summary>
    public async Task<MlflowRun> SingleRunAsync(string experimentName, string key)
    {
        var experiment = (await Experiments.GetExperimentByNameAsync(experimentName)).Experiment;
        var found = await Runs.SearchRunsAsync(new SearchRunsRequest([experiment.ExperimentId], $"tags.`fq.key` = '{key}'"));
        return Assert.Single(found.Runs ?? []);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var outbox in _outboxes) await outbox.DisposeAsync();
        _http?.Dispose();
        if (_tracker is not null) await _tracker.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        try
        {
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        finally
        {
            probe.Stop();
        }
    }
}
