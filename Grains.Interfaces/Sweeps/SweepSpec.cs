using System.Text.Json.Serialization;

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
/// Early stopping with fine-tuning epochs as the budget: rungs at MinFraction, MinFraction x Eta, ... of the schedule,
/// or at the epochs of Rungs when given (the last rung is the whole schedule); at each rung a trial goes on only when it
/// ranks in the top 1/Eta of the trials that reached that rung, by non-dominated sorting with a diversity tie-break
/// (multi-objective ASHA, Schmucker et al. 2021).
/// </summary>
[GenerateSerializer, Immutable, Alias("fq.EarlyStoppingSpec")]
public sealed record EarlyStoppingSpec([property: Id(0)] int Eta, [property: Id(1)] double MinFraction)
{
    /// <summary>The rungs as fine-tuning epochs, rising (MinFraction is then unused); null: geometric from MinFraction and Eta.</summary>
    [Id(2)] public IReadOnlyList<int>? Rungs { get; init; }
}

/// <summary>One objective: a metric (cr, top1, top5, compressed_bytes) and whether it is maximised.</summary>
[GenerateSerializer, Immutable, Alias("fq.ObjectiveSpec")]
public sealed record ObjectiveSpec([property: Id(0)] ObjectiveMetric Metric, [property: Id(1)] bool Maximize);

/// <summary>
/// How trials are drawn from the space: grid (every combination), random (Budget draws with Seed), or an adaptive
/// sampler (nsga2, motpe) asked for Budget trials.
/// </summary>
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

    /// <summary>
    /// Numeric keys given as a range rather than a list, by spec key (<see cref="SpaceKeys"/>: sparsity, prune_alpha,
    /// bits, budget_bits_per_weight, w_sep, overflow_rate, schedule_scale, fine_tune_lr); the key's list is then empty.
    /// Null (a space stored before ranges existed, or one of lists only): no ranges.
    /// </summary>
    [Id(9), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, ValueRange>? Ranges { get; init; }

    /// <summary>Per-layer dimensions, one entry per layer of the model (concrete names, in the model's layer order); null: none.</summary>
    [Id(10), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<LayerSpace>? Layers { get; init; }

    /// <summary>The range given for <paramref name="key"/>, or null when the key is a list.</summary>
    public ValueRange? RangeOf(string key) => Ranges is not null && Ranges.TryGetValue(key, out var range) ? range : null;
}

/// <summary>
/// The spec keys of a space, which are also the dimension names a sampler sees (per-layer ones are
/// layers.LAYER.sparsity and layers.LAYER.bits).
/// </summary>
public static class SpaceKeys
{
    public const string Sparsity = "sparsity";
    public const string PruneAlpha = "prune_alpha";
    public const string Bits = "bits";
    public const string BitsPolicy = "bits.policy";
    public const string BudgetBitsPerWeight = "budget_bits_per_weight";
    public const string WSep = "w_sep";
    public const string OverflowRate = "overflow_rate";
    public const string ScheduleScale = "schedule_scale";
    public const string FineTuneLearningRate = "fine_tune_lr";
    public const string Coding = "coding";
    public const string FineTune = "fine_tune";

    /// <summary>The numeric keys that may be given as a range.</summary>
    public static IReadOnlyList<string> Rangeable { get; } = [Sparsity, PruneAlpha, Bits, BudgetBitsPerWeight, WSep, OverflowRate, ScheduleScale, FineTuneLearningRate];

    /// <summary>The dimension name of a layer's sparsity: layers.LAYER.sparsity.</summary>
    public static string LayerSparsity(string layer) => $"layers.{layer}.sparsity";

    /// <summary>The dimension name of a layer's bit width: layers.LAYER.bits.</summary>
    public static string LayerBits(string layer) => $"layers.{layer}.bits";
}

/// <summary>
/// A numeric range [Low, High]: continuous, or discrete with Step (Low, Low + Step, ... up to High); Log draws
/// uniformly in log space (continuous floats, or whole numbers with step 1). Bit widths are whole numbers (Step 1 when
/// not given).
/// </summary>
[GenerateSerializer, Immutable, Alias("fq.ValueRange")]
public sealed record ValueRange(
    [property: Id(0)] double Low,
    [property: Id(1)] double High,
    [property: Id(2)] bool Log = false,
    [property: Id(3)] double? Step = null)
{
    /// <summary>True when the range is a finite set of values (it has a step).</summary>
    [JsonIgnore]
    public bool IsDiscrete => Step is not null;
}

/// <summary>
/// One layer's own dimensions: its name as a spec writes it (<paramref name="Layer"/>, e.g. fc1) and the name of its
/// weight in the model (<paramref name="Weight"/>, e.g. fc1.weight), under which the pipeline knows it. Each of
/// sparsity and bits is a list, a range, or absent (the layer then follows the whole-model setting).
/// </summary>
[GenerateSerializer, Immutable, Alias("fq.LayerSpace")]
public sealed record LayerSpace([property: Id(0)] string Layer, [property: Id(1)] string Weight)
{
    /// <summary>The layer's own target sparsity values; null when a range or absent.</summary>
    [Id(2)] public IReadOnlyList<double>? Sparsity { get; init; }

    /// <summary>The layer's own target sparsity range; null when a list or absent.</summary>
    [Id(3)] public ValueRange? SparsityRange { get; init; }

    /// <summary>The layer's own bit widths (uniform policy); null when a range or absent.</summary>
    [Id(4)] public IReadOnlyList<int>? Bits { get; init; }

    /// <summary>The layer's own bit width range; null when a list or absent.</summary>
    [Id(5)] public ValueRange? BitsRange { get; init; }

    [JsonIgnore]
    public bool HasSparsity => Sparsity is not null || SparsityRange is not null;

    [JsonIgnore]
    public bool HasBits => Bits is not null || BitsRange is not null;
}

/// <summary>
/// Bit widths: policy uniform sweeps Values as one width for every layer (the paper); policy per-layer picks each
/// layer's width from the candidate Values under each budget of BudgetBitsPerWeight (mixed precision).
/// </summary>
[GenerateSerializer, Immutable, Alias("fq.BitsSpace")]
public sealed record BitsSpace(
    [property: Id(0)] BitsPolicy Policy,
    [property: Id(1)] IReadOnlyList<int> Values,
    [property: Id(2)] IReadOnlyList<double>? BudgetBitsPerWeight)
{
    /// <summary>
    /// Both policies searched, as a choice of the sampler (bits.policy), in the order written; null: <see cref="Policy"/>
    /// alone. Then <see cref="Values"/> are the uniform widths (or Ranges["bits"]), <see cref="Candidates"/> the
    /// per-layer candidates, and BudgetBitsPerWeight (or Ranges["budget_bits_per_weight"]) applies under per-layer only.
    /// </summary>
    [Id(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<BitsPolicy>? Policies { get; init; }

    /// <summary>The per-layer candidates when <see cref="Policies"/> holds both policies; null otherwise (Values serve).</summary>
    [Id(4), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<int>? Candidates { get; init; }

    /// <summary>True when the policy is itself searched (uniform or per-layer).</summary>
    [JsonIgnore]
    public bool SearchesPolicy => Policies is { Count: > 1 };

    /// <summary>The candidates of the per-layer policy.</summary>
    [JsonIgnore]
    public IReadOnlyList<int> PerLayerCandidates => Candidates ?? Values;
}
