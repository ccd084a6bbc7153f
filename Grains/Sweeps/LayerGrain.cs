using FocusedQuantization.Grains.Execution;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using Orleans.Concurrency;
using Orleans.Placement;
using Orleans.Runtime;

namespace FocusedQuantization.Grains.Sweeps;

/// <summary>
/// The quantization search of one layer of one pruned checkpoint under one setting. Concurrent askers share one
/// computation; the answer itself is kept in the checkpoint store by the layer search stage, so the same question is
/// never computed twice, not even after the silo that answered it is gone (no grain state: one commit less per layer).
/// </summary>
// Spread by key over the silos: the default placement keeps calls local, which would pile every trial onto the
// silo of the sweep that started it.
[HashBasedPlacement]
[Reentrant]
public sealed class LayerGrain(IStageRunner stages, ILocalSiloDetails silo) : Grain, ILayerGrain
{
    private Task<LayerSearchAnswer>? _answer;

    public async Task<LayerSearchAnswer> Search(LayerSearchRequest request, CancellationToken cancellationToken = default)
    {
        if (_answer is null || _answer.IsFaulted || _answer.IsCanceled)
            _answer = stages.SearchLayerAsync(request, silo.SiloAddress.ToString(), CancellationToken.None);
        return await _answer.WaitAsync(cancellationToken);
    }
}
