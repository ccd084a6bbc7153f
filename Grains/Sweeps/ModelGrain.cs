using FocusedQuantization.Grains.Execution;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using Orleans.Runtime;

namespace FocusedQuantization.Grains.Sweeps;

/// <summary>
/// Owns one baseline and its pruned checkpoints as jobs: concurrent askers share one job per checkpoint; a finished one is
/// answered from the store. Not reentrant: Ensure only looks up or starts a job (synchronously), and the long polls
/// (Wait*, [AlwaysInterleave] on the interface) only read the job table. Nothing here calls another grain.
/// </summary>
public sealed class ModelGrain : Grain, IModelGrain
{
    private readonly IStageRunner _stages;
    private readonly string _silo;
    private readonly JobTable<CheckpointRef> _jobs;

    public ModelGrain(IStageRunner stages, WorkerPool workers, ILocalSiloDetails silo)
    {
        _stages = stages;
        _silo = silo.SiloAddress.ToString();
        _jobs = new JobTable<CheckpointRef>(() => workers.IsStopping);
    }

    public Task<StageJob<CheckpointRef>> EnsureBaseline(BaselineRequest request) =>
        Task.FromResult(_jobs.Ensure(BaselineKey(request), () => Baseline(request)));

    public Task<StageJob<CheckpointRef>> WaitBaseline(BaselineRequest request, TimeSpan upTo, CancellationToken cancellationToken = default) =>
        _jobs.WaitAsync(BaselineKey(request), upTo, cancellationToken);

    public Task<StageJob<CheckpointRef>> EnsurePruned(PruneRequest request) =>
        Task.FromResult(_jobs.Ensure(PrunedKey(request), () => Pruned(request)));

    public Task<StageJob<CheckpointRef>> WaitPruned(PruneRequest request, TimeSpan upTo, CancellationToken cancellationToken = default) =>
        _jobs.WaitAsync(PrunedKey(request), upTo, cancellationToken);

    private static string BaselineKey(BaselineRequest request) => "baseline/" + Keys.Of(request);

    private static string PrunedKey(PruneRequest request) => "pruned/" + Keys.Of(request);

    // The shared work is not tied to one asker: another trial may still want it.
    private Task<CheckpointRef> Baseline(BaselineRequest request) => _stages.EnsureBaselineAsync(request, _silo, CancellationToken.None);

    private async Task<CheckpointRef> Pruned(PruneRequest request)
    {
        await _jobs.JobOf(BaselineKey(request.Baseline), () => Baseline(request.Baseline));
        return await _stages.EnsurePrunedAsync(request, _silo, CancellationToken.None);
    }
}
