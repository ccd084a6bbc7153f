namespace FocusedQuantization.Grains.Interfaces.Sweeps.Specs;

/// <summary>
/// The names a sweep spec may use for models, data sets, coding modes, objective metrics and bit policies, with their
/// aliases. Grains.Interfaces cannot see the Compression library, so these mirror its model zoo and data set catalog.
/// </summary>
public static class SweepVocabulary
{
    /// <summary>Canonical model names.</summary>
    public static IReadOnlyList<string> Models { get; } = ["lenet-300-100", "lenet5", "cifar9", "resnet20"];

    /// <summary>Canonical data set names.</summary>
    public static IReadOnlyList<string> Datasets { get; } = ["fashion-mnist", "mnist"];

    /// <summary>Coding modes of the .fqz file, the default first.</summary>
    public static IReadOnlyList<string> CodingModes { get; } = ["arithmetic", "paper"];

    /// <summary>
    /// Fine-tuning modes, the default first: ste (quantized weights keep training through the straight-through
    /// estimator) and inq (frozen once quantized).
    /// </summary>
    public static IReadOnlyList<string> FineTuneModes { get; } = ["ste", "inq"];

    /// <summary>The default fine-tuning mode, ste.</summary>
    public const string DefaultFineTune = "ste";

    /// <summary>Metrics an objective may name.</summary>
    public static IReadOnlyList<string> Metrics { get; } = ["cr", "top1", "top5", "compressed_bytes"];

    /// <summary>Bit-width policies: one width for every layer (the paper), or a width per layer under a budget.</summary>
    public static IReadOnlyList<string> BitsPolicies { get; } = ["uniform", "per-layer"];

    /// <summary>Search strategies.</summary>
    public static IReadOnlyList<string> Strategies { get; } = ["grid", "random"];

    private static readonly Dictionary<string, string> ModelAliases = new()
    {
        ["lenet-5"] = "lenet5", ["lenet"] = "lenet5",
        ["lenet300100"] = "lenet-300-100", ["lenet-300"] = "lenet-300-100", ["lenet300"] = "lenet-300-100",
        ["cifar-9"] = "cifar9", ["allconv"] = "cifar9", ["all-conv"] = "cifar9",
        ["resnet-20"] = "resnet20",
    };

    private static readonly Dictionary<string, string> DatasetAliases = new()
    {
        ["fmnist"] = "fashion-mnist", ["fashion"] = "fashion-mnist", ["fashionmnist"] = "fashion-mnist",
    };

    private static readonly Dictionary<string, string> MetricAliases = new()
    {
        ["compression_ratio"] = "cr", ["top-1"] = "top1", ["top-5"] = "top5", ["size"] = "compressed_bytes", ["bytes"] = "compressed_bytes",
    };

    /// <summary>The canonical model for a name or alias (case-insensitive, '_' read as '-'), or null.</summary>
    public static string? Model(string name) => Canonical(name, Models, ModelAliases);

    /// <summary>The canonical data set for a name or alias (case-insensitive, '_' read as '-'), or null.</summary>
    public static string? Dataset(string name) => Canonical(name, Datasets, DatasetAliases);

    /// <summary>The canonical metric for a name or alias (case-insensitive), or null.</summary>
    public static string? Metric(string name)
    {
        var key = name.Trim().ToLowerInvariant();
        return Metrics.Contains(key) ? key : MetricAliases.GetValueOrDefault(key);
    }

    /// <summary>The coding mode for a name (case-insensitive), or null.</summary>
    public static string? Coding(string name)
    {
        var key = name.Trim().ToLowerInvariant();
        return CodingModes.Contains(key) ? key : null;
    }

    /// <summary>The fine-tuning mode for a name (case-insensitive), or null.</summary>
    public static string? FineTune(string name)
    {
        var key = name.Trim().ToLowerInvariant();
        return FineTuneModes.Contains(key) ? key : null;
    }

    private static string? Canonical(string name, IReadOnlyList<string> names, Dictionary<string, string> aliases)
    {
        var key = name.Trim().ToLowerInvariant().Replace('_', '-');
        return names.Contains(key) ? key : aliases.GetValueOrDefault(key);
    }
}
