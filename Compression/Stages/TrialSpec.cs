using System.Globalization;
using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Retraining;

namespace FocusedQuantization.Compression.Stages;

/// <summary>
/// One trial on a pruned checkpoint: every layer quantized at <paramref name="Bits"/> (3..8), or at the width
/// <paramref name="BitsPerLayer"/> gives its weight's name (layers it leaves out take Bits); w_sep
/// <paramref name="WSep"/>; overflow rate <paramref name="OverflowRate"/> (null: the paper's 1/(2^n + 1)); the paper's
/// fine-tuning schedule scaled by <paramref name="ScheduleScale"/>, starting at <paramref name="FineTuneLearningRate"/>
/// (batch size of the baseline, shuffling seeded with Seed + 2) in the mode <paramref name="FineTune"/>; the .fqz coded
/// in <paramref name="Coding"/>; component draws seeded with <paramref name="Seed"/>.
/// </summary>
public sealed record TrialSpec(
    PruneSpec Prune,
    int Bits,
    IReadOnlyDictionary<string, int>? BitsPerLayer,
    double WSep,
    double? OverflowRate,
    double ScheduleScale,
    double FineTuneLearningRate,
    CodingMode Coding,
    int Seed,
    FineTuneMode FineTune = FineTuneMode.Ste)
{
    /// <summary>The width of <paramref name="layer"/>.</summary>
    public int BitsOf(string layer) => BitsPerLayer is not null && BitsPerLayer.TryGetValue(layer, out var bits) ? bits : Bits;

    /// <summary>
    /// Every setting that shapes the trial's fine-tuning and file, spelled out invariantly (the pruned checkpoint by its
    /// id, per-layer widths in ordinal order): what a paused fine-tuning checkpoint is keyed by and checked against.
    /// </summary>
    public string Canonical
    {
        get
        {
            var layers = BitsPerLayer is null ? "" : string.Join(',', BitsPerLayer.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Where(p => p.Value != Bits).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value}")));
            return string.Create(CultureInfo.InvariantCulture,
                $"trial|{Prune.Id}|bits {Bits}|layers {layers}|w_sep {WSep:R}|overflow {(OverflowRate is { } rate ? rate.ToString("R", CultureInfo.InvariantCulture) : "paper")}|scale {ScheduleScale:R}|lr {FineTuneLearningRate:R}|coding {Coding}|seed {Seed}|fine-tune {FineTune}");
        }
    }

    /// <summary>
    /// The id of this trial's fine-tuning paused after <paramref name="epoch"/> epochs ("paused-" and 16 hex digits), for
    /// <paramref name="owner"/> (see <see cref="TrialRunOptions.Owner"/>) when given.
    /// </summary>
    public string PausedId(int epoch, string? owner = null) => CheckpointStore.KeyOf("paused", string.Create(CultureInfo.InvariantCulture,
        $"{Canonical}|after {epoch}|state 1{(owner is null ? "" : "|owner " + owner)}"));

    /// <summary>Throws ArgumentException naming the first setting out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Prune);
        Prune.Validate();
        if (Bits is < 3 or > 8) throw new ArgumentException($"Bits must be between 3 and 8, got {Bits}.");
        foreach (var (layer, bits) in BitsPerLayer ?? new Dictionary<string, int>())
            if (bits is < 3 or > 8) throw new ArgumentException($"Bits of layer '{layer}' must be between 3 and 8, got {bits}.");
        if (!(WSep >= 0) || double.IsInfinity(WSep)) throw new ArgumentException($"w_sep must be a finite number >= 0, got {WSep}.");
        if (OverflowRate is { } rate && !(rate >= 0 && rate < 1)) throw new ArgumentException($"The overflow rate must be in [0, 1), got {rate}.");
        if (!(ScheduleScale > 0 && ScheduleScale <= 100)) throw new ArgumentException($"The schedule scale must be in (0, 100], got {ScheduleScale}.");
        if (!(FineTuneLearningRate > 0 && FineTuneLearningRate < 10)) throw new ArgumentException($"The fine-tuning learning rate must be in (0, 10), got {FineTuneLearningRate}.");
        if (!Enum.IsDefined(Coding)) throw new ArgumentException($"Unknown coding mode {Coding}.");
        if (!Enum.IsDefined(FineTune)) throw new ArgumentException($"Unknown fine-tuning mode {FineTune}.");
    }
}
