namespace FocusedQuantization.Grains.Interfaces;

/// <summary>Identifies the silo that served a call.</summary>
/// <param name="Name">The silo's name, unique within its cluster.</param>
/// <param name="Address">The silo's address: endpoint plus generation.</param>
/// <param name="ClusterId">The cluster the silo belongs to.</param>
[GenerateSerializer, Immutable, Alias("fq.SiloInfo")]
public sealed record SiloInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] SiloAddress Address,
    [property: Id(2)] string ClusterId);
