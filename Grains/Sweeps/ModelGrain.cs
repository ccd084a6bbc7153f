using FocusedQuantization.Grains.Execution;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace FocusedQuantization.Grains.Sweeps;

/// <summary>
/// Owns one baseline and its pruned checkpoints. Reentrant so that many trials can ask at once: concurrent requests
/// for the same checkpoint share one in-flight task, and a finished one is answered from the store.
/// </summary>
[Reentrant]
public sealed class ModelGrain(IStageRunner stages, ILocalSiloDetails silo) : Grain, IModelGrain
{
    private readonly Dictionary<string, Task<CheckpointRef>> _inFlight = [];

    public Task<CheckpointRef> EnsureBaseline(BaselineRequest request, CancellationToken cancellationToken = default) =>
        Shared("baseline/" + Keys.Of(request), token => stages.EnsureBaselineAsync(request, silo.SiloAddress.ToString(), token), cancellationToken);

    public Task<CheckpointRef> EnsurePruned(PruneRequest request, CancellationToken cancellationToken = default) =>
        Shared("pruned/" + Keys.Of(request), async token =>
        {
            await EnsureBaseline(request.Baseline, token);
            return await stages.EnsurePrunedAsync(request, silo.SiloAddress.ToString(), token);
        }, cancellationToken);

    private async Task<CheckpointRef> Shared(string key, Func<CancellationToken, Task<CheckpointRef>> work, CancellationToken cancellationToken)
    {
        if (!_inFlight.TryGetValue(key, out var task) || task.IsFaulted || task.IsCanceled)
        {
            // The shared work is not tied to one caller's token: another trial may still want it.
            _inFlight[key] = task = work(CancellationToken.None);
        }
        return await task.WaitAsync(cancellationToken);
    }
}
