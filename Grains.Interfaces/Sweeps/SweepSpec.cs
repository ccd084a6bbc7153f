namespace FocusedQuantization.Grains.Interfaces.Sweeps;

/// <summary>A hyperparameter sweep as the user wrote it (YAML), validated: what to compress and what to search.</summary>
[GenerateSerializer, Immutable, Alias("fq.SweepSpec")]
public sealed record SweepSpec(
    [property: Id(0)] string Name,
    [property: Id(1)] string Model,
    [property: Id(2)] string Dataset,
    [property: Id(3)] int Seed,
    [property: Id(4)] IReadOnlyList<ObjectiveSpec> Objectives,
    [property: Id(5)] double? MaxTop1Drop,
    [property: Id(6)] int Concurrency,
    [property: Id(7)] StrategySpec Strategy,
    [property: Id(8)] TrainingSpec Training,
    [property: Id(9)] SearchSpace Space);

/// <summary>One objective: a metric (cr, top1, top5, compressed_bytes) and whether it is maximised.</summary>
[GenerateSerializer, Immutable, Alias("fq.ObjectiveSpec")]
public sealed record ObjectiveSpec([property: Id(0)] ObjectiveMetric Metric, [property: Id(1)] bool Maximize);

/// <summary>How trials are drawn from the space: grid (every combination) or random (Budget draws with Seed).</summary>
[GenerateSerializer, Immutable, Alias("fq.StrategySpec")]
public sealed record StrategySpec([property: Id(0)] StrategyKind Kind, [property: Id(1)] int? Budget, [property: Id(2)] int? Seed);

/// <summary>Training settings shared by every trial of a sweep (so that trials share one baseline).</summary>
[GenerateSerializer, Immutable, Alias("fq.TrainingSpec")]
public sealed record TrainingSpec(
    [property: Id(0)] int BaselineEpochs,
    [property: Id(1)] int PruneEpochs,
    [property: Id(2)] int BatchSize,
    [property: Id(3)] double LearningRate,
    [property: Id(4)] int? TrainLimit,
    [property: Id(5)] int? TestLimit,
    [property: Id(6)] string? DataDirectory)
{
    /// <summary>
    /// Training images held out for validation: a fraction in (0, 1) or a whole count; null for the default 10 %.
    /// Every choice made from accuracy (the top-1 constraint, the front, layer searches) uses these images.
    /// </summary>
    [Id(7)] public double? Validation { get; init; }

    /// <summary>
    /// A PyTorch state_dict or safetensors file (absolute path, read there by every silo) whose tensors are the baseline
    /// instead of a trained one; null: the baseline is trained. Spec key model.weights (or weights).
    /// </summary>
    [Id(8)] public string? Weights { get; init; }

    /// <summary>The SHA-256 of <see cref="Weights"/> when the spec was read: the baseline's identity, checked before loading.</summary>
    [Id(9)] public string? WeightsSha256 { get; init; }

    /// <summary>Where every stage runs: "cpu" (null, the default), "cuda" (the first free CUDA device of the silo) or "cuda:N".
    /// Id 10: ids 8 and 9 are taken by the weights file on main.</summary>
    [Id(10)] public string? Device { get; init; }
}

/// <summary>
/// The values each knob takes. Exactly one of TargetSparsity and PruneAlpha is set. A null entry of OverflowRate
/// means the paper's default 1/(2^n + 1). FineTune lists fine-tuning modes (ste, inq).
/// </summary>
[GenerateSerializer, Immutable, Alias("fq.SearchSpace")]
public sealed record SearchSpace(
    [property: Id(0)] IReadOnlyList<double>? TargetSparsity,
    [property: Id(1)] IReadOnlyList<double>? PruneAlpha,
    [property: Id(2)] BitsSpace Bits,
    [property: Id(3)] IReadOnlyList<double> WSep,
    [property: Id(4)] IReadOnlyList<double?> OverflowRate,
    [property: Id(5)] IReadOnlyList<double> ScheduleScale,
    [property: Id(6)] IReadOnlyList<double> FineTuneLearningRate,
    [property: Id(7)] IReadOnlyList<CodingScheme> Coding)
{
    private static readonly IReadOnlyList<FineTuning> DefaultFineTune = [FineTuning.Ste];

    /// <summary>Fine-tuning modes, default [ste]; a space stored before this knob existed reads as the default.</summary>
    [Id(8)]
    public IReadOnlyList<FineTuning> FineTune { get => field ?? DefaultFineTune; init => field = value; } = DefaultFineTune;
}

/// <summary>
/// Bit widths: policy uniform sweeps Values as one width for every layer (the paper); policy per-layer picks each
/// layer's width from the candidate Values under each budget of BudgetBitsPerWeight (mixed precision).
/// </summary>
[GenerateSerializer, Immutable, Alias("fq.BitsSpace")]
public sealed record BitsSpace(
    [property: Id(0)] BitsPolicy Policy,
    [property: Id(1)] IReadOnlyList<int> Values,
    [property: Id(2)] IReadOnlyList<double>? BudgetBitsPerWeight);
