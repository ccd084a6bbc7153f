using Orleans.Placement;
using FocusedQuantization.Grains.Execution;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace FocusedQuantization.Grains.Sweeps;

/// <summary>
/// The quantization search of one layer of one pruned checkpoint under one setting. The answer is persisted, so the
/// same question is never computed twice, not even after the silo that answered it is gone.
/// </summary>
// Spread by key over the silos: the default placement keeps calls local, which would pile every trial onto the
// silo of the sweep that started it.
[HashBasedPlacement]
[Reentrant]
public sealed class LayerGrain(
    [PersistentState("layer")] IPersistentState<LayerGrainState> state,
    IStageRunner stages,
    ILocalSiloDetails silo) : Grain, ILayerGrain
{
    private Task<LayerSearchAnswer>? _inFlight;

    public async Task<LayerSearchAnswer> Search(LayerSearchRequest request, CancellationToken cancellationToken = default)
    {
        if (state.State.Answer is { } answer) return answer;
        if (_inFlight is null || _inFlight.IsFaulted || _inFlight.IsCanceled) _inFlight = ComputeAsync(request);
        return await _inFlight.WaitAsync(cancellationToken);
    }

    private async Task<LayerSearchAnswer> ComputeAsync(LayerSearchRequest request)
    {
        var answer = await stages.SearchLayerAsync(request, silo.SiloAddress.ToString(), CancellationToken.None);
        state.State.Answer = answer;
        await state.WriteStateAsync();
        return answer;
    }
}

/// <summary>A layer search's persisted answer.</summary>
[GenerateSerializer, Alias("fq.LayerGrainState")]
public sealed class LayerGrainState
{
    [Id(0)] public LayerSearchAnswer? Answer { get; set; }
}
