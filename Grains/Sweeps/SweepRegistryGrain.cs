using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Grains.Sweeps;

/// <summary>Every sweep launched on the cluster, newest first.</summary>
public sealed class SweepRegistryGrain([PersistentState("registry")] IPersistentState<SweepRegistryState> state) : Grain, ISweepRegistryGrain
{
    public async Task Register(SweepSummary sweep)
    {
        state.State.Sweeps[sweep.SweepId] = sweep;
        await state.WriteStateAsync();
    }

    public Task Update(SweepSummary sweep) => Register(sweep);

    public Task<IReadOnlyList<SweepSummary>> List() =>
        Task.FromResult<IReadOnlyList<SweepSummary>>(state.State.Sweeps.Values.OrderByDescending(s => s.CreatedAt).ToArray());
}

/// <summary>The registry's persisted list.</summary>
[GenerateSerializer, Alias("fq.SweepRegistryState")]
public sealed class SweepRegistryState
{
    [Id(0)] public Dictionary<string, SweepSummary> Sweeps { get; set; } = [];
}
