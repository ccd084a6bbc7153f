using FocusedQuantization.Grains.Interfaces;
using Orleans.Concurrency;

namespace FocusedQuantization.Grains;

/// <summary>Reports the silo it runs on; a stateless worker, so it is activated on whichever silo receives the call.</summary>
[StatelessWorker]
public sealed class ClusterInfoGrain(ILocalSiloDetails silo) : Grain, IClusterInfoGrain
{
    /// <inheritdoc />
    public Task<SiloInfo> GetSiloInfo() => Task.FromResult(new SiloInfo(silo.Name, silo.SiloAddress, silo.ClusterId));
}
