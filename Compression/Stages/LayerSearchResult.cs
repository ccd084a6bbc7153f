namespace FocusedQuantization.Compression.Stages;

/// <summary>
/// The rate-distortion points of one layer, by rising width: the layer, its weight count, the Wasserstein separation
/// of its mixture, one point per candidate width, and <paramref name="Top1Reference"/>, top-1 (percent) of the
/// unquantized checkpoint on the same images (the point of reference of each point's drop).
/// </summary>
public sealed record LayerSearchResult(string Layer, long Weights, double Separation, IReadOnlyList<LayerSearchPoint> Points, double Top1Reference);
