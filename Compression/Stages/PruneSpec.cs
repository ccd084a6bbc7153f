using System.Globalization;

namespace FocusedQuantization.Compression.Stages;

/// <summary>
/// How a pruned checkpoint is made from a baseline: <paramref name="Epochs"/> of DNS pruning with retraining (SGD at
/// half the baseline's learning rate, its batch size, shuffling seeded with <paramref name="Seed"/> + 1), towards
/// <paramref name="TargetSparsity"/> split among layers by <see cref="Retraining.SparsityAllocation"/>, or with the DNS
/// threshold mean|W| + alpha std|W| in every layer when <paramref name="PruneAlpha"/> is set (it then wins).
/// </summary>
/// <remarks>
/// <see cref="LayerSparsity"/> prunes the layers it names (by weight name, e.g. fc1.weight) to their own sparsity, and
/// TargetSparsity is then allocated by <see cref="Retraining.SparsityAllocation"/> over the other layers only (their
/// weighted mean sparsity is TargetSparsity; the whole model's follows from both). It needs TargetSparsity: DNS alpha
/// pruning sets no sparsity to share out.
/// </remarks>
public sealed record PruneSpec(BaselineSpec Baseline, double? TargetSparsity, double? PruneAlpha, int Epochs, int Seed)
{
    /// <summary>Layers (weight name to sparsity in [0, 0.999]) pruned to their own target; null or empty: none.</summary>
    public IReadOnlyDictionary<string, double>? LayerSparsity { get; init; }

    /// <summary>The stable id of the pruned checkpoint ("pruned-" and 16 hex digits).</summary>
    public string Id => CheckpointStore.KeyOf("pruned", Canonical);

    /// <summary>
    /// The settings the id is made from, spelled out invariantly (the baseline by its id). Per-layer targets are
    /// appended in ordinal order of the layer names, and only when there are some, so that a spec without them keeps
    /// the id it always had.
    /// </summary>
    public string Canonical => string.Create(CultureInfo.InvariantCulture,
        $"pruned|{Baseline.Id}|{(PruneAlpha is { } alpha ? $"alpha {alpha:R}" : $"sparsity {TargetSparsity:R}")}{LayersKey}|epochs {Epochs}|seed {Seed}{Baseline.DeviceKey}");

    private string LayersKey => LayerSparsity is { Count: > 0 } layers
        ? "|layers " + string.Join(",", layers.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Key}={l.Value:R}")))
        : "";

    /// <summary>Throws ArgumentException naming the first setting out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Baseline);
        Baseline.Validate();
        if (TargetSparsity is null && PruneAlpha is null) throw new ArgumentException("Pruning needs a target sparsity or a DNS alpha.");
        if (PruneAlpha is null && TargetSparsity is { } s && !(s >= 0 && s < 0.9995))
            throw new ArgumentException($"The target sparsity must be in [0, 0.999], got {s}.");
        if (PruneAlpha is { } a && !double.IsFinite(a)) throw new ArgumentException("The DNS alpha must be a finite number.");
        if (Epochs < 0) throw new ArgumentException($"Pruning epochs must be >= 0, got {Epochs}.");
        if (LayerSparsity is { Count: > 0 } layers)
        {
            if (PruneAlpha is not null)
                throw new ArgumentException("Per-layer sparsity needs a target sparsity for the other layers; it does not combine with a DNS alpha.");
            foreach (var (layer, sparsity) in layers.OrderBy(l => l.Key, StringComparer.Ordinal))
            {
                if (string.IsNullOrWhiteSpace(layer)) throw new ArgumentException("A per-layer sparsity needs a layer name.");
                if (!(sparsity >= 0 && sparsity < 0.9995))
                    throw new ArgumentException($"The sparsity of layer '{layer}' must be in [0, 0.999], got {sparsity}.");
            }
        }
    }
}
