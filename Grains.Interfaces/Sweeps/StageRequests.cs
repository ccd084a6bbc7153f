namespace FocusedQuantization.Grains.Interfaces.Sweeps;

/// <summary>A dense baseline: which model, data and training produce it.</summary>
[GenerateSerializer, Immutable, Alias("fq.BaselineRequest")]
public sealed record BaselineRequest(
    [property: Id(0)] string Model,
    [property: Id(1)] string Dataset,
    [property: Id(2)] int Seed,
    [property: Id(3)] TrainingSpec Training);

/// <summary>A pruned checkpoint of a baseline. Exactly one of TargetSparsity and PruneAlpha is set.</summary>
[GenerateSerializer, Immutable, Alias("fq.PruneRequest")]
public sealed record PruneRequest(
    [property: Id(0)] BaselineRequest Baseline,
    [property: Id(1)] double? TargetSparsity,
    [property: Id(2)] double? PruneAlpha);

/// <summary>A checkpoint in the store every silo reads, with the test accuracy it scored.</summary>
[GenerateSerializer, Immutable, Alias("fq.CheckpointRef")]
public sealed record CheckpointRef(
    [property: Id(0)] string Id,
    [property: Id(1)] double Top1,
    [property: Id(2)] double Top5,
    [property: Id(3)] string Silo);

/// <summary>The quantization search of one layer of a pruned checkpoint, over candidate bit widths.</summary>
[GenerateSerializer, Immutable, Alias("fq.LayerSearchRequest")]
public sealed record LayerSearchRequest(
    [property: Id(0)] string PrunedCheckpointId,
    [property: Id(1)] string Model,
    [property: Id(2)] string Dataset,
    [property: Id(3)] string Layer,
    [property: Id(4)] IReadOnlyList<int> CandidateBits,
    [property: Id(5)] double WSep,
    [property: Id(6)] double? OverflowRate,
    [property: Id(7)] CodingScheme Coding,
    [property: Id(8)] int Seed,
    [property: Id(9)] TrainingSpec Training);

/// <summary>One candidate width of a layer: its coded size, its error, and top-1 with only this layer quantized.</summary>
[GenerateSerializer, Immutable, Alias("fq.LayerPoint")]
public sealed record LayerPoint(
    [property: Id(0)] int Bits,
    [property: Id(1)] LayerMode Mode,
    [property: Id(2)] long CodedBits,
    [property: Id(3)] double Mse,
    [property: Id(4)] double RelativeError,
    [property: Id(5)] double Top1);

/// <summary>
/// A layer's rate-distortion points, top-1 (percent) of the unquantized checkpoint on the same images (each point's
/// drop is measured from it, so the width choice needs it), and the silo that computed them.
/// </summary>
[GenerateSerializer, Immutable, Alias("fq.LayerSearchAnswer")]
public sealed record LayerSearchAnswer(
    [property: Id(0)] string Layer,
    [property: Id(1)] long Weights,
    [property: Id(2)] double Separation,
    [property: Id(3)] IReadOnlyList<LayerPoint> Points,
    [property: Id(5)] double Top1Reference,
    [property: Id(4)] string Silo);

/// <summary>Owns a baseline and its pruned checkpoints: each is trained once, whoever asks and however often.</summary>
[Alias("fq.IModelGrain")]
public interface IModelGrain : IGrainWithStringKey
{
    [ResponseTimeout("04:00:00"), Alias("EnsureBaseline")]
    Task<CheckpointRef> EnsureBaseline(BaselineRequest request, CancellationToken cancellationToken = default);

    [ResponseTimeout("04:00:00"), Alias("EnsurePruned")]
    Task<CheckpointRef> EnsurePruned(PruneRequest request, CancellationToken cancellationToken = default);
}

/// <summary>One layer's quantization search, one activation per (checkpoint, layer, setting); answers are cached.</summary>
[Alias("fq.ILayerGrain")]
public interface ILayerGrain : IGrainWithStringKey
{
    [ResponseTimeout("01:00:00"), Alias("Search")]
    Task<LayerSearchAnswer> Search(LayerSearchRequest request, CancellationToken cancellationToken = default);
}
