using System.Globalization;
using FocusedQuantization.Compression.Coding;

namespace FocusedQuantization.Compression.Stages;

/// <summary>
/// One layer search: layer <paramref name="Layer"/> (a weight's parameter name, e.g. "conv1.weight") of the checkpoint
/// <paramref name="PrunedCheckpointId"/>, tried at each of <paramref name="CandidateBits"/> with w_sep
/// <paramref name="WSep"/>, overflow rate <paramref name="OverflowRate"/> (null: the paper's 1/(2^n + 1)), coded in
/// <paramref name="Coding"/>. The layer's plan is seeded with Seed + 7919 x (its index), as in a trial, so that a
/// search and a trial of the same settings plan the layer alike. Top-1 is measured on the first
/// <paramref name="EvaluationLimit"/> (null: 1000) validation images that <paramref name="Validation"/> (null: 10 %)
/// holds out of the first <paramref name="TrainLimit"/> training images (null: all) — never on test images, because
/// mixed precision chooses widths from these figures. Data is read from <paramref name="DataDirectory"/> (null: the
/// usual places; not part of the result's key). <paramref name="Device"/> (null: the CPU) is where the model is evaluated.
/// </summary>
public sealed record LayerSearchRequest(
    string PrunedCheckpointId,
    string Layer,
    IReadOnlyList<int> CandidateBits,
    double WSep,
    double? OverflowRate,
    CodingMode Coding,
    int Seed,
    int? EvaluationLimit = null,
    string? DataDirectory = null,
    int? TrainLimit = null,
    Data.ValidationSplit? Validation = null,
    string? Device = null)
{
    /// <summary>The validation split in effect.</summary>
    public Data.ValidationSplit EffectiveValidation => Validation ?? Data.ValidationSplit.Default;

    /// <summary>Validation images a search evaluates on when <see cref="EvaluationLimit"/> is null.</summary>
    public const int DefaultEvaluationLimit = 1000;

    /// <summary>The validation images evaluated on.</summary>
    public int EffectiveEvaluationLimit => EvaluationLimit ?? DefaultEvaluationLimit;

    /// <summary>The stable id of this search's stored result ("layer-" and 16 hex digits).</summary>
    public string Id => CheckpointStore.KeyOf("layer", string.Create(CultureInfo.InvariantCulture,
        $"layer|{PrunedCheckpointId}|{Layer}|bits {string.Join(',', CandidateBits.Distinct().Order())}|wsep {WSep:R}|overflow {(OverflowRate is { } r ? r.ToString("R", CultureInfo.InvariantCulture) : "paper")}|{Coding}|seed {Seed}|validation {EffectiveValidation} of train {(TrainLimit is { } n ? n.ToString(CultureInfo.InvariantCulture) : "all")}|eval {EffectiveEvaluationLimit}{(Training.ComputeDevice.KeyPart(Device) is { } device ? $"|device {device}" : "")}"));

    /// <summary>Throws ArgumentException naming the first setting out of range.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(PrunedCheckpointId);
        ArgumentException.ThrowIfNullOrWhiteSpace(Layer);
        if (CandidateBits is null || CandidateBits.Count == 0) throw new ArgumentException("A layer search needs at least one candidate bit width.");
        foreach (var bits in CandidateBits)
            if (bits is < 3 or > 8) throw new ArgumentException($"Candidate bit widths must be between 3 and 8, got {bits}.");
        if (!(WSep >= 0)) throw new ArgumentException($"w_sep must be a number >= 0, got {WSep}.");
        if (OverflowRate is { } rate && !(rate >= 0 && rate < 1)) throw new ArgumentException($"The overflow rate must be in [0, 1), got {rate}.");
        if (TrainLimit is < 1) throw new ArgumentException($"The train limit must be at least 1, got {TrainLimit}.");
        if (EvaluationLimit is < 1) throw new ArgumentException($"The evaluation limit must be at least 1, got {EvaluationLimit}.");
    }
}
