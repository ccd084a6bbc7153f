using FocusedQuantization.Search;

namespace FocusedQuantization.Benchmarks.Search;

/// <summary>The samplers the benchmark knows: fq's (in process, through ISampler) and Optuna 3.1's (through the peer script).</summary>
public static class SamplerCatalog
{
    /// <summary>fq's samplers by name, each made from a seed by the product's factory (defaults, as a spec without settings gets).</summary>
    public static readonly IReadOnlyDictionary<string, Func<int, ISampler>> Fq = new Dictionary<string, Func<int, ISampler>>(StringComparer.Ordinal)
    {
        ["random"] = seed => Samplers.Create("random", seed),
        ["nsga2"] = seed => Samplers.Create("nsga2", seed),
        ["motpe"] = seed => Samplers.Create("motpe", seed),
    };

    public static readonly IReadOnlyList<string> Optuna = ["optuna-random", "optuna-nsga2", "optuna-motpe"];

    /// <summary>Every sampler in table order: fq's (random, the baseline, first; then as Optuna's are listed; others by name), then Optuna's.</summary>
    public static IReadOnlyList<string> All =>
    [
        .. Fq.Keys.OrderBy(k => Array.IndexOf(Order, k) is var i and >= 0 ? i : Order.Length).ThenBy(k => k, StringComparer.Ordinal),
        .. Optuna,
    ];

    private static readonly string[] Order = ["random", "nsga2", "motpe"];

    public static bool IsOptuna(string name) => Optuna.Contains(name);

    /// <summary>Samplers from a comma-separated list, or <c>all</c>.</summary>
    public static IReadOnlyList<string> Resolve(string names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var chosen = new List<string>();
        foreach (var name in names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (name.Equals("all", StringComparison.OrdinalIgnoreCase)) chosen.AddRange(All);
            else if (All.FirstOrDefault(s => s.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } known) chosen.Add(known);
            else throw new ArgumentException($"unknown sampler '{name}' (known: {string.Join(", ", All)}, all)");
        }
        return [.. chosen.Distinct()];
    }
}
