namespace FocusedQuantization.Grains.Interfaces;

/// <summary>One trial seen as a point of the accuracy/size trade-off; both coordinates are better when larger.</summary>
/// <param name="Id">Identifies the trial the point comes from.</param>
/// <param name="CompressionRatio">Compression ratio of the trial.</param>
/// <param name="Top1">Top-1 accuracy of the trial.</param>
[GenerateSerializer, Immutable, Alias("fq.ParetoPoint")]
public sealed record ParetoPoint(
    [property: Id(0)] string Id,
    [property: Id(1)] double CompressionRatio,
    [property: Id(2)] double Top1);
