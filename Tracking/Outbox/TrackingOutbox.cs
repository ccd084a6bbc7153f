using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Refit;

namespace FocusedQuantization.Tracking.Outbox;

/// <summary>
/// A durable, ordered queue of tracking operations in a local SQLite file, and the loop that delivers them. Enqueuing
/// never touches the network; the loop sends one operation at a time in enqueue order, marks it delivered once the
/// tracker accepted it, retries transient failures (network, 5xx, 429) with backoff on the same operation, and records
/// permanent refusals (other 4xx) as dead letters before going on.
/// </summary>
public sealed class TrackingOutbox : IHostedService, IAsyncDisposable
{
    // How many pending operations one send looks at for batches to merge, and the most metrics a merged send carries.
    private const int MergeWindow = 64;
    private static readonly int MaxMergedMetrics = new LogBatchLimits().MaxMetrics;
    private readonly OutboxStore _store;
    private readonly OutboxOptions _options;
    private readonly TrackingTarget _target;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly Lock _progressLock = new();
    private TaskCompletionSource _progress = NewSignal();
    private CancellationTokenSource? _stopping;
    private Task? _loop;
    private long _pending;
    private volatile bool _hasTarget = true;
    private int _disposed;

    /// <summary>
    /// Opens (or creates) the outbox file; delivery starts with <see cref="StartAsync"/>. A damaged file is moved aside
    /// (<see cref="SetAsidePath"/>), with a warning, and a new one started: tracking must not stop the work it tracks.
    /// </summary>
    /// <param name="options">File and backoff settings.</param>
    /// <param name="target">The tracker to deliver to; may be resolved later, or to none.</param>
    /// <param name="logger">Where warnings about refusals and a missing tracker go.</param>
    public TrackingOutbox(OutboxOptions options, TrackingTarget target, ILogger<TrackingOutbox>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(target);
        _options = options;
        _target = target;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _store = new OutboxStore(options.DatabasePath, options.KeepDelivered);
        if (_store.SetAside is var (aside, problem))
            _logger.LogWarning("The tracking outbox {Outbox} was damaged ({Problem}); it was moved to {SetAside}, where its undelivered " +
                "operations stay for inspection but are not sent, and a new, empty outbox was started in {NewOutbox}",
                DatabasePath, problem.TrimEnd('.'), aside, DatabasePath);
        _pending = _store.CountPending();
    }

    /// <summary>Where a damaged outbox file found on opening was moved (a new one was started); null when it was sound.</summary>
    public string? SetAsidePath => _store.SetAside?.Path;

    /// <summary>Operations waiting for delivery (dead letters excluded); for an outbox-depth gauge.</summary>
    public long PendingCount => Interlocked.Read(ref _pending);

    /// <summary>Full path of the SQLite file.</summary>
    public string DatabasePath => Path.GetFullPath(_options.DatabasePath);

    /// <summary>Appends an operation; a local insert that returns at once, whatever the tracker's state.</summary>
    /// <exception cref="ArgumentException">The run key is blank or holds a single quote (it could not be searched for).</exception>
    public void Enqueue(TrackingOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        CheckKey(operation.RunKey, nameof(operation));
        if (operation is CreateRunOperation { ParentKey: { } parent }) CheckKey(parent, nameof(operation));
        _store.Append(operation);
        Interlocked.Increment(ref _pending);
        _wake.Release();
    }

    /// <summary>The operations the tracker refused for good, oldest first.</summary>
    public IReadOnlyList<DeadLetter> DeadLetters() => _store.Refused();

    /// <summary>
    /// Delivers what is pending, retrying at once rather than after the current backoff, until nothing is left or
    /// <paramref name="timeout"/> passes. What is left stays in the file for the next process.
    /// </summary>
    /// <returns>True when nothing is pending any more.</returns>
    public async Task<bool> DrainAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (PendingCount > 0)
        {
            if (!_hasTarget || _loop is null or { IsCompleted: true }) return false;
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero) return false;
            Task progress;
            lock (_progressLock) progress = _progress.Task;
            _wake.Release();
            try
            {
                await progress.WaitAsync(remaining < TimeSpan.FromMilliseconds(200) ? remaining : TimeSpan.FromMilliseconds(200)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Wake the loop again: it may have been between its check and its wait.
            }
        }
        return true;
    }

    /// <summary>Starts the delivery loop.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_loop is not null) return Task.CompletedTask;
        _stopping = new CancellationTokenSource();
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Delivers what it can within <see cref="OutboxOptions.DrainOnStop"/>, then stops the loop.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_loop is null || _stopping is null) return;
        if (PendingCount > 0) await DrainAsync(_options.DrainOnStop).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _loop = null;
    }

    /// <summary>Stops the loop without draining and closes the file; later calls do nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        // A host's container may hold this instance twice (as itself and as a hosted service) and dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (_stopping is not null) await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        _stopping?.Dispose();
        _store.Dispose();
        _wake.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var settings = await _target.Settings.WaitAsync(stopping).ConfigureAwait(false);
        if (settings is null)
        {
            _hasTarget = false;
            _logger.LogWarning(
                "No tracking server is configured: tracking operations are kept in {Outbox} and nothing is delivered until " +
                "{Variable} names one (the next process that has it delivers them).", DatabasePath, MlflowTrackingSettings.UriVariable);
            return;
        }

        using var http = MlflowClientFactory.CreateHttpClient(settings, MlflowRetryOptions.None);
        http.Timeout = _options.RequestTimeout;
        var delivery = new OutboxDelivery(_store, MlflowClientFactory.CreateExperimentsApi(http), MlflowClientFactory.CreateRunsApi(http));
        var backoff = _options.InitialBackoff;
        while (!stopping.IsCancellationRequested)
        {
            var next = NextDelivery();
            if (next is null)
            {
                Signal();
                await _wake.WaitAsync(stopping).ConfigureAwait(false);
                continue;
            }
            try
            {
                _store.CountAttempts(next.Sequence, next.LastSequence);
                await delivery.DeliverAsync(next.Pending, stopping).ConfigureAwait(false);
                _store.MarkDelivered(next.Sequence, next.LastSequence);
                Interlocked.Add(ref _pending, -next.Count);
                backoff = _options.InitialBackoff;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (IsTransient(ex))
            {
                _logger.LogDebug(ex, "Tracking operation {Sequence} not delivered yet; retrying in {Backoff}", next.Sequence, backoff);
                Signal();
                // Wake-ups from earlier enqueues would end the wait at once; only those during it (a drain) cut it short.
                while (_wake.CurrentCount > 0) _wake.Wait(0, CancellationToken.None);
                await _wake.WaitAsync(backoff, stopping).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
                continue;
            }
            catch (Exception ex)
            {
                _logger.LogWarning("The tracker refused {Operation} for run {RunKey} for good; it stays in {Outbox} as a dead letter and " +
                    "delivery goes on: {Error}", next.Pending.Operation.GetType().Name, next.Pending.Operation.RunKey, DatabasePath, ex.Message);
                _store.MarkRefused(next.Sequence, next.LastSequence, ex.Message);
                Interlocked.Add(ref _pending, -next.Count);
            }
            Signal();
        }
    }

    /// <summary>
    /// The next thing to send: the oldest pending operation, merged with the metric-only batches for the same run that
    /// directly follow it (up to one MLflow request's worth of metrics). A sweep queues many small batches; one request
    /// for a run of them instead of one each is what keeps delivery far ahead of logging. Order is kept, and the merged
    /// operations are marked together.
    /// </summary>
    private Delivery? NextDelivery()
    {
        var pending = _store.NextPending(MergeWindow);
        if (pending.Count == 0) return null;
        var first = pending[0];
        if (first.Operation is not LogBatchOperation batch) return new Delivery(first, first.Sequence, 1);

        var metrics = new List<MlflowMetric>(batch.Metrics);
        var last = first;
        var attempts = first.Attempts;
        var count = 1;
        foreach (var next in pending.Skip(1))
        {
            if (next.Operation is not LogBatchOperation { Params.Count: 0, Tags.Count: 0 } more
                || more.RunKey != batch.RunKey
                || metrics.Count + more.Metrics.Count > MaxMergedMetrics) break;
            metrics.AddRange(more.Metrics);
            attempts = Math.Max(attempts, next.Attempts);
            last = next;
            count++;
        }
        return count == 1
            ? new Delivery(first, first.Sequence, 1)
            : new Delivery(new PendingOperation(first.Sequence, batch with { Metrics = metrics }, attempts), last.Sequence, count);
    }

    /// <summary>What one send covers: the (possibly merged) operation and the outbox rows it stands for.</summary>
    private sealed record Delivery(PendingOperation Pending, long LastSequence, int Count)
    {
        public long Sequence => Pending.Sequence;
    }

    /// <summary>Network trouble, timeouts, 5xx, 429 and 408, or a run another outbox has still to create.</summary>
    private static bool IsTransient(Exception ex) => ex switch
    {
        RunNotFoundYetException or HttpRequestException or TaskCanceledException or TimeoutException => true,
        // Refit wraps a failed connection (no answer at all) in an ApiRequestException.
        ApiRequestException => true,
        ApiException api => api.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)api.StatusCode >= 500,
        Microsoft.Data.Sqlite.SqliteException => true,
        _ => false,
    };

    private void Signal()
    {
        TaskCompletionSource done;
        lock (_progressLock)
        {
            done = _progress;
            _progress = NewSignal();
        }
        done.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static void CheckKey(string key, string parameter)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Contains('\'', StringComparison.Ordinal))
            throw new ArgumentException($"The run key '{key}' must not be blank nor hold a single quote (it is searched for as tags.fq.key).", parameter);
    }
}
