using System.Globalization;

namespace FocusedQuantization.Compression.Stages;

/// <summary>
/// How a pruned checkpoint is made from a baseline: <paramref name="Epochs"/> of DNS pruning with retraining (SGD at
/// half the baseline's learning rate, its batch size, shuffling seeded with <paramref name="Seed"/> + 1), towards
/// <paramref name="TargetSparsity"/> split among layers by <see cref="Retraining.SparsityAllocation"/>, or with the DNS
/// threshold mean|W| + alpha std|W| in every layer when <paramref name="PruneAlpha"/> is set (it then wins).
/// </summary>
public sealed record PruneSpec(BaselineSpec Baseline, double? TargetSparsity, double? PruneAlpha, int Epochs, int Seed)
{
    /// <summary>The stable id of the pruned checkpoint ("pruned-" and 16 hex digits).</summary>
    public string Id => CheckpointStore.KeyOf("pruned", Canonical);

    /// <summary>The settings the id is made from, spelled out invariantly (the baseline by its id).</summary>
    public string Canonical => string.Create(CultureInfo.InvariantCulture,
        $"pruned|{Baseline.Id}|{(PruneAlpha is { } alpha ? $"alpha {alpha:R}" : $"sparsity {TargetSparsity:R}")}|epochs {Epochs}|seed {Seed}{Baseline.DeviceKey}");

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
    }
}
