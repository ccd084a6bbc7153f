using FocusedQuantization.Compression.Coding;

namespace FocusedQuantization.Compression.Pipeline;

/// <summary>The names users give coding modes on the command line and in specs.</summary>
public static class CodingModes
{
    private static readonly Dictionary<string, CodingMode> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["arithmetic"] = CodingMode.ContextArithmetic,
        ["paper"] = CodingMode.Paper,
    };

    /// <summary>Every accepted name, the default first.</summary>
    public static IReadOnlyList<string> Names { get; } = ["arithmetic", "paper"];

    /// <summary>The default: context-modelled arithmetic coding, below one bit a weight on sparse layers.</summary>
    public const string DefaultName = "arithmetic";

    /// <summary>The mode for a name; ArgumentException listing the valid names otherwise.</summary>
    public static CodingMode Parse(string name) =>
        ByName.TryGetValue(name.Trim(), out var mode)
            ? mode
            : throw new ArgumentException($"Unknown coding mode '{name}'. Valid: {string.Join(", ", Names)}.");

    /// <summary>The user-facing name of a mode.</summary>
    public static string NameOf(CodingMode mode) => ByName.First(pair => pair.Value == mode).Key;
}
