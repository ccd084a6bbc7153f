using FocusedQuantization.Grains.Execution;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using Orleans.Placement;
using Orleans.Runtime;

namespace FocusedQuantization.Grains.Sweeps;

/// <summary>
/// The quantization search of one layer of one pruned checkpoint under one setting, as a job. Concurrent askers share one
/// computation; the answer itself is kept in the checkpoint store by the layer search stage, so the same question is never
/// computed twice, not even after the silo that answered it is gone (no grain state: one commit less per layer).
/// </summary>
// Spread by key over the silos: the default placement keeps calls local, which would pile every search onto the silo of
// the trial that asked (docs/ARCHITECTURE.md, "Placement", says why not resource-optimized placement).
[HashBasedPlacement]
// Idle for 2 minutes, it goes (the default is 15): its answer is kept in the checkpoint store for whoever asks later,
// and a large sweep would otherwise hold one activation per layer search it made.
[CollectionAgeLimit(Minutes = 2)]
public sealed class LayerGrain : Grain, ILayerGrain
{
    private const string Key = "search";
    private readonly IStageRunner _stages;
    private readonly string _silo;
    private readonly JobTable<LayerSearchAnswer> _job;

    public LayerGrain(IStageRunner stages, WorkerPool workers, ILocalSiloDetails silo)
    {
        _stages = stages;
        _silo = silo.SiloAddress.ToString();
        _job = new JobTable<LayerSearchAnswer>(() => workers.IsStopping);
    }

    public Task<StageJob<LayerSearchAnswer>> Search(LayerSearchRequest request) =>
        Task.FromResult(_job.Ensure(Key, () => _stages.SearchLayerAsync(request, _silo, CancellationToken.None)));

    public Task<StageJob<LayerSearchAnswer>> WaitSearch(LayerSearchRequest request, TimeSpan upTo, CancellationToken cancellationToken = default) =>
        _job.WaitAsync(Key, upTo, cancellationToken);
}
