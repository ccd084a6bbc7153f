using System.Globalization;
using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Client.Rendering;

/// <summary>Short human descriptions of a trial's config, shared by the table and the plot.</summary>
public static class TrialText
{
    /// <summary>"5" for uniform bits, "per-layer {3,4,5,6} &lt;= 0.8 b/w" for mixed precision.</summary>
    public static string Bits(TrialConfig? config) => config is null ? NotChosen : config.BitsPolicy == BitsPolicy.PerLayer
        ? string.Create(CultureInfo.InvariantCulture,
            $"per-layer {{{string.Join(",", config.CandidateBits)}}} <= {config.BudgetBitsPerWeight:G3} b/w")
        : config.Bits.ToString(CultureInfo.InvariantCulture) + Layers(config.LayerBits);

    /// <summary>What a pending trial of an adaptive sweep shows: its config is chosen when it starts.</summary>
    public const string NotChosen = "(chosen when it starts)";

    /// <summary>The pruning knob: "sparsity 0.92" or "alpha 1.25".</summary>
    public static string Pruning(TrialConfig config) => config.TargetSparsity is { } sparsity
        ? string.Create(CultureInfo.InvariantCulture, $"sparsity {sparsity:G4}") + Layers(config.LayerSparsity)
        : string.Create(CultureInfo.InvariantCulture, $"alpha {config.PruneAlpha:G4}");

    /// <summary>Layers with their own value, " (fc1 0.97, conv2 0.8)" in ordinal order of their names; empty when none.</summary>
    private static string Layers<T>(IReadOnlyDictionary<string, T>? layers) where T : IFormattable =>
        layers is { Count: > 0 }
            ? " (" + string.Join(", ", layers.OrderBy(l => l.Key, StringComparer.Ordinal)
                .Select(l => $"{(l.Key.EndsWith(".weight", StringComparison.Ordinal) ? l.Key[..^".weight".Length] : l.Key)} {l.Value.ToString("G4", CultureInfo.InvariantCulture)}")) + ")"
            : "";

    /// <summary>
    /// The knobs besides bits, e.g. "sparsity 0.92, w_sep 2, overflow default, schedule 0.2, ft-lr 0.001, arithmetic"; a
    /// fine-tuning mode other than the default ends it (", inq").
    /// </summary>
    public static string Summary(TrialConfig? config) => config is null ? NotChosen : string.Create(CultureInfo.InvariantCulture,
        $"{Pruning(config)}, w_sep {config.WSep:G4}, overflow {(config.OverflowRate is { } rate ? rate.ToString("G4", CultureInfo.InvariantCulture) : "default")}, " +
        $"schedule {config.ScheduleScale:G4}, ft-lr {config.FineTuneLearningRate:G4}, {SweepVocabulary.Name(config.Coding)}" +
        $"{(config.FineTune == FineTuning.Ste ? "" : ", " + SweepVocabulary.Name(config.FineTune))}");
}
