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
    [property: Id(9)] SearchSpace Space)
{
    /// <summary>Multi-objective early stopping of fine-tuning; null: every trial runs its whole schedule.</summary>
    [Id(10)] public EarlyStoppingSpec? EarlyStopping { get; init; }
}

/// <summary>
/// Early stopping with fine-tuning epochs as the budget: rungs at MinFraction, MinFraction x Eta, ... of the schedule
/// (the last rung is the whole schedule); at each rung a trial goes on only when it ranks in the top 1/Eta of the trials
/// that reached that rung, by non-dominated sorting with a diversity tie-break (multi-objective ASHA, Schmucker et al. 2021).
/// </summary>
[GenerateSerializer, Immutable, Alias("fq.EarlyStoppingSpec")]
public sealed record EarlyStoppingSpec([property: Id(0)] int Eta, [property: Id(1)] double MinFraction);

/// <summary>One objective: a metric (cr, top1, top5, compressed_bytes) and whether it is maximised.</summary>
[GenerateSerializer, Immutable, Alias("fq.ObjectiveSpec")]
public sealed record ObjectiveSpec([property: Id(0)] ObjectiveMetric Metric, [property: Id(1)] bool Maximize);

/// <summary>How trials are drawn from the space: grid (every combination) or random (Budget draws with Seed).</summary>
[GenerateSerializer, Immutable, Alias("fq.StrategySpec")]
public sealed record StrategySpec([property: Id(0)] StrategyKind Kind, [property: Id(1)] int? Budget, [property: Id(2)] int? Seed)
{
    /// <summary>
    /// Adaptive strategies: trial k is asked knowing the outcomes of trials 0..k-Lag-1 (it waits for them), so that the
    /// sequence of trials depends on the spec and seed alone, not on timing. Null: the sweep's concurrency.
    /// </summary>
    [Id(3)] public int? Lag { get; init; }

    /// <summary>The id of an earlier sweep whose finished trials seed the sampler's history; null: a cold start.</summary>
    [Id(4)] public string? WarmStart { get; init; }

    /// <summary>nsga2: the population size (default: chosen by the sampler).</summary>
    [Id(5)] public int? Population { get; init; }

    /// <summary>Adaptive strategies: trials drawn at random before the sampler uses the history (default: chosen by the sampler).</summary>
    [Id(6)] public int? Startup { get; init; }
}

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
