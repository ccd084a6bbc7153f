using Orleans.Concurrency;

namespace FocusedQuantization.Grains.Interfaces.Sweeps;

/// <summary>The list of every sweep launched on this cluster (one activation, key 0).</summary>
[Alias("fq.ISweepRegistryGrain")]
public interface ISweepRegistryGrain : IGrainWithIntegerKey
{
    [Alias("Register")]
    Task Register(SweepSummary sweep);

    [Alias("Update")]
    Task Update(SweepSummary sweep);

    [AlwaysInterleave, Alias("List")]
    Task<IReadOnlyList<SweepSummary>> List();
}

/// <summary>A line of `fq sweep list`.</summary>
[GenerateSerializer, Immutable, Alias("fq.SweepSummary")]
public sealed record SweepSummary(
    [property: Id(0)] string SweepId,
    [property: Id(1)] string Name,
    [property: Id(2)] SweepState State,
    [property: Id(3)] int Trials,
    [property: Id(4)] int Completed,
    [property: Id(5)] DateTimeOffset CreatedAt);
