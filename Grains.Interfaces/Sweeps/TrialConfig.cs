namespace FocusedQuantization.Grains.Interfaces.Sweeps;

/// <summary>
/// One point of a sweep's space: everything a trial needs to run. Exactly one of TargetSparsity and PruneAlpha is set.
/// With BitsPolicy Uniform every layer gets Bits; with PerLayer each layer's width is chosen from CandidateBits
/// so that the coded size stays within BudgetBitsPerWeight.
/// </summary>
[GenerateSerializer, Immutable, Alias("fq.TrialConfig")]
public sealed record TrialConfig(
    [property: Id(0)] string Model,
    [property: Id(1)] string Dataset,
    [property: Id(2)] int Seed,
    [property: Id(3)] TrainingSpec Training,
    [property: Id(4)] double? TargetSparsity,
    [property: Id(5)] double? PruneAlpha,
    [property: Id(6)] BitsPolicy BitsPolicy,
    [property: Id(7)] int Bits,
    [property: Id(8)] IReadOnlyList<int> CandidateBits,
    [property: Id(9)] double? BudgetBitsPerWeight,
    [property: Id(10)] double WSep,
    [property: Id(11)] double? OverflowRate,
    [property: Id(12)] double ScheduleScale,
    [property: Id(13)] double FineTuneLearningRate,
    [property: Id(14)] CodingScheme Coding)
{
    /// <summary>Fine-tuning mode: ste (default) or inq; a config stored before this knob existed reads as ste.</summary>
    [Id(15)]
    public FineTuning FineTune { get; init; }

    /// <summary>Per-layer target sparsity (layer name to fraction) that overrides the whole-model target for those layers; null: none.</summary>
    [Id(16)]
    public IReadOnlyDictionary<string, double>? LayerSparsity { get; init; }

    /// <summary>Per-layer bit width (layer name to bits) that overrides Bits for those layers; null: none.</summary>
    [Id(17)]
    public IReadOnlyDictionary<string, int>? LayerBits { get; init; }

    /// <summary>
    /// The sampler's point this config was made from (dimension name to value; categoricals as choice indices), so that a
    /// sweep can rebuild its sampler's history, or warm-start another, from finished trials; null for planned trials.
    /// </summary>
    [Id(18)]
    public IReadOnlyDictionary<string, double>? Parameters { get; init; }
}
