using System.Collections.Concurrent;

namespace FocusedQuantization.Tracking.Outbox;

/// <summary>Sends one outbox operation to the tracker, resolving run keys to run ids on the way.</summary>
internal sealed class OutboxDelivery(OutboxStore store, IMlflowExperimentsApi experiments, IMlflowRunsApi runs)
{
    /// <summary>Tag holding a run's key, searched for before creating a run.</summary>
    public const string KeyTag = "fq.key";

    private const string ParentTag = "mlflow.parentRunId";
    private readonly ConcurrentDictionary<string, string> _experimentIds = new(StringComparer.Ordinal);

    /// <summary>Delivers the operation; throws what the tracker answered, or <see cref="RunNotFoundYetException"/>.</summary>
    /// <param name="pending">The operation; its attempt count tells whether it may have been sent already.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    public async Task DeliverAsync(PendingOperation pending, CancellationToken cancellationToken)
    {
        switch (pending.Operation)
        {
            case CreateRunOperation create:
                await CreateRunAsync(create, cancellationToken).ConfigureAwait(false);
                break;
            case LogBatchOperation batch:
                var runId = await RunIdAsync(batch, cancellationToken).ConfigureAwait(false);
                var metrics = pending.Attempts > 0
                    ? await NotYetLoggedAsync(runId, batch.Metrics, cancellationToken).ConfigureAwait(false)
                    : batch.Metrics;
                await runs.LogBatchInPartsAsync(new LogBatchRequest(runId, metrics, batch.Params, batch.Tags),
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            case SetTagOperation tag:
                await runs.SetTagAsync(new SetTagRequest(await RunIdAsync(tag, cancellationToken).ConfigureAwait(false), tag.Key, tag.Value),
                    cancellationToken).ConfigureAwait(false);
                break;
            case UpdateRunOperation update:
                await runs.UpdateRunAsync(new UpdateRunRequest(await RunIdAsync(update, cancellationToken).ConfigureAwait(false),
                    update.Status, update.EndTime), cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new InvalidOperationException($"The outbox does not know the operation {pending.Operation.GetType().Name}.");
        }
    }

    private async Task CreateRunAsync(CreateRunOperation create, CancellationToken cancellationToken)
    {
        if (store.RunId(create.RunKey) is not null) return;
        var experimentId = await ExperimentIdAsync(create.ExperimentName, cancellationToken).ConfigureAwait(false);
        if (await FindRunAsync(experimentId, create.RunKey, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            store.RememberRun(create.RunKey, existing, experimentId);
            return;
        }

        var tags = new List<MlflowRunTag>(create.Tags.Where(t => t.Key is not KeyTag and not ParentTag)) { new(KeyTag, create.RunKey) };
        if (create.ParentKey is { } parentKey)
        {
            var parent = store.RunId(parentKey) ?? await FindRunAsync(experimentId, parentKey, cancellationToken).ConfigureAwait(false);
            if (parent is null)
            {
                if (store.CreateWasRefused(parentKey))
                    throw new RunNeverCreatedException($"The parent run '{parentKey}' was refused by the tracker, so its child '{create.RunKey}' cannot be created.");
                throw new RunNotFoundYetException($"The parent run '{parentKey}' of '{create.RunKey}' is not on the tracker yet.");
            }
            tags.Add(new MlflowRunTag(ParentTag, parent));
        }
        var created = await runs.CreateRunAsync(new CreateRunRequest(experimentId, create.RunName, create.StartTime, tags),
            cancellationToken).ConfigureAwait(false);
        store.RememberRun(create.RunKey, created.Run.Info.RunId, experimentId);
    }

    private async Task<string> RunIdAsync(TrackingOperation operation, CancellationToken cancellationToken)
    {
        if (store.RunId(operation.RunKey) is { } known) return known;
        var experimentId = await ExperimentIdAsync(operation.ExperimentName, cancellationToken).ConfigureAwait(false);
        if (await FindRunAsync(experimentId, operation.RunKey, cancellationToken).ConfigureAwait(false) is { } found)
        {
            store.RememberRun(operation.RunKey, found, experimentId);
            return found;
        }
        if (store.CreateWasRefused(operation.RunKey))
            throw new RunNeverCreatedException($"The run '{operation.RunKey}' was refused by the tracker when it was created.");
        throw new RunNotFoundYetException($"The run '{operation.RunKey}' is not on the tracker yet.");
    }

    private async Task<string?> FindRunAsync(string experimentId, string runKey, CancellationToken cancellationToken)
    {
        var found = await runs.SearchRunsAsync(new SearchRunsRequest([experimentId], $"tags.`{KeyTag}` = '{runKey}'", MaxResults: 1),
            cancellationToken).ConfigureAwait(false);
        return found.Runs is { Count: > 0 } matches ? matches[0].Info.RunId : null;
    }

    private async Task<string> ExperimentIdAsync(string name, CancellationToken cancellationToken)
    {
        if (_experimentIds.TryGetValue(name, out var cached)) return cached;
        string id;
        try
        {
            id = (await experiments.GetExperimentByNameAsync(name, cancellationToken).ConfigureAwait(false)).Experiment.ExperimentId;
        }
        catch (ResourceDoesNotExistException)
        {
            try
            {
                id = (await experiments.CreateExperimentAsync(new CreateExperimentRequest(name), cancellationToken).ConfigureAwait(false)).ExperimentId;
            }
            catch (ResourceAlreadyExistsException)
            {
                // Another silo created it between our two calls.
                id = (await experiments.GetExperimentByNameAsync(name, cancellationToken).ConfigureAwait(false)).Experiment.ExperimentId;
            }
        }
        _experimentIds[name] = id;
        return id;
    }

    /// <summary>
    /// The metrics of a batch that may have been sent before (a crash between sending and marking) minus those the run
    /// already has, so that a tracker which appends duplicates still ends up with each value once.
    /// </summary>
    private async Task<IReadOnlyList<MlflowMetric>> NotYetLoggedAsync(string runId, IReadOnlyList<MlflowMetric> metrics,
        CancellationToken cancellationToken)
    {
        var logged = new HashSet<MlflowMetric>();
        foreach (var key in metrics.Select(m => m.Key).Distinct(StringComparer.Ordinal))
        {
            var history = await runs.GetMetricHistoryAsync(runId, key, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var metric in history.Metrics ?? []) logged.Add(metric with { Key = key });
        }
        return metrics.Where(m => !logged.Contains(m)).ToArray();
    }
}
