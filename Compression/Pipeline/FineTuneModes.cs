using FocusedQuantization.Compression.Retraining;

namespace FocusedQuantization.Compression.Pipeline;

/// <summary>The names users give fine-tuning modes on the command line and in specs.</summary>
public static class FineTuneModes
{
    private static readonly Dictionary<string, FineTuneMode> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ste"] = FineTuneMode.Ste,
        ["inq"] = FineTuneMode.Inq,
    };

    /// <summary>Every accepted name, the default first.</summary>
    public static IReadOnlyList<string> Names { get; } = ["ste", "inq"];

    /// <summary>The default: the straight-through estimator, quantized weights keep training.</summary>
    public const string DefaultName = "ste";

    /// <summary>The mode for a name; ArgumentException listing the valid names otherwise.</summary>
    public static FineTuneMode Parse(string name) =>
        ByName.TryGetValue(name.Trim(), out var mode)
            ? mode
            : throw new ArgumentException($"Unknown fine-tuning mode '{name}'. Valid: {string.Join(", ", Names)}.");

    /// <summary>The user-facing name of a mode.</summary>
    public static string NameOf(FineTuneMode mode) => ByName.First(pair => pair.Value == mode).Key;
}
