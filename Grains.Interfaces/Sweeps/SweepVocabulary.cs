using System.Text.Json;
using System.Text.Json.Serialization;

namespace FocusedQuantization.Grains.Interfaces.Sweeps;

/// <summary>
/// The words of a sweep: the one mapping between the contract's enums and their text in specs (YAML), on the command
/// line, in tracker params and in JSON, plus the names a spec may use for models and data sets, with their aliases.
/// Grains.Interfaces cannot see the Compression library, so models and data sets mirror its model zoo and catalog.
/// </summary>
public static class SweepVocabulary
{
    // Each enum's words, indexed by the member's number (0, 1, ...), the default first.
    private static readonly Dictionary<Type, string[]> Words = new()
    {
        [typeof(BitsPolicy)] = ["uniform", "per-layer"],
        [typeof(StrategyKind)] = ["grid", "random", "nsga2", "motpe"],
        [typeof(CodingScheme)] = ["arithmetic", "paper"],
        [typeof(FineTuning)] = ["ste", "inq"],
        [typeof(LayerMode)] = ["shift", "recentralized"],
        [typeof(ObjectiveMetric)] = ["cr", "top1", "top5", "compressed_bytes"],
    };

    /// <summary>Canonical model names.</summary>
    public static IReadOnlyList<string> Models { get; } = ["lenet-300-100", "lenet5", "cifar9", "resnet20", "resnet18", "resnet50", "mobilenet-v2"];

    /// <summary>Canonical data set names.</summary>
    public static IReadOnlyList<string> Datasets { get; } = ["fashion-mnist", "mnist"];

    /// <summary>Coding modes of the .fqz file, the default first.</summary>
    public static IReadOnlyList<string> CodingModes => Names<CodingScheme>();

    /// <summary>
    /// Fine-tuning modes, the default first: ste (quantized weights keep training through the straight-through
    /// estimator) and inq (frozen once quantized).
    /// </summary>
    public static IReadOnlyList<string> FineTuneModes => Names<FineTuning>();

    /// <summary>Metrics an objective may name.</summary>
    public static IReadOnlyList<string> Metrics => Names<ObjectiveMetric>();

    /// <summary>Bit-width policies: one width for every layer (the paper), or a width per layer under a budget.</summary>
    public static IReadOnlyList<string> BitsPolicies => Names<BitsPolicy>();

    /// <summary>Search strategies.</summary>
    public static IReadOnlyList<string> Strategies => Names<StrategyKind>();

    private static readonly Dictionary<string, string> ModelAliases = new()
    {
        ["lenet-5"] = "lenet5", ["lenet"] = "lenet5",
        ["lenet300100"] = "lenet-300-100", ["lenet-300"] = "lenet-300-100", ["lenet300"] = "lenet-300-100",
        ["cifar-9"] = "cifar9", ["allconv"] = "cifar9", ["all-conv"] = "cifar9",
        ["resnet-20"] = "resnet20",
        ["resnet-18"] = "resnet18", ["resnet-50"] = "resnet50", ["mobilenet_v2"] = "mobilenet-v2", ["mobilenetv2"] = "mobilenet-v2",
    };

    private static readonly Dictionary<string, string> DatasetAliases = new()
    {
        ["fmnist"] = "fashion-mnist", ["fashion"] = "fashion-mnist", ["fashionmnist"] = "fashion-mnist",
    };

    private static readonly Dictionary<string, ObjectiveMetric> MetricAliases = new()
    {
        ["compression_ratio"] = ObjectiveMetric.Cr, ["top-1"] = ObjectiveMetric.Top1, ["top-5"] = ObjectiveMetric.Top5,
        ["size"] = ObjectiveMetric.CompressedBytes, ["bytes"] = ObjectiveMetric.CompressedBytes,
    };

    /// <summary>Every word of an enum, in the order of its members (the default first).</summary>
    public static IReadOnlyList<string> Names<T>() where T : struct, Enum => Words[typeof(T)];

    /// <summary>The word of a member, e.g. "per-layer" for <see cref="BitsPolicy.PerLayer"/>; an undefined value reads as its number.</summary>
    public static string Name<T>(T value) where T : struct, Enum
    {
        var words = Words[typeof(T)];
        var index = Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
        return index >= 0 && index < words.Length ? words[index] : index.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The words of several members, comma-joined ("ste,inq").</summary>
    public static string Join<T>(IEnumerable<T> values) where T : struct, Enum => string.Join(",", values.Select(Name));

    /// <summary>The member a word names exactly (case-insensitive, surrounding blanks ignored), or null.</summary>
    public static T? Parse<T>(string word) where T : struct, Enum
    {
        var key = word.Trim().ToLowerInvariant();
        var index = Array.IndexOf(Words[typeof(T)], key);
        return index < 0 ? null : (T)Enum.ToObject(typeof(T), index);
    }

    /// <summary>The canonical model for a name or alias (case-insensitive, '_' read as '-'), or null.</summary>
    public static string? Model(string name) => Canonical(name, Models, ModelAliases);

    /// <summary>The canonical data set for a name or alias (case-insensitive, '_' read as '-'), or null.</summary>
    public static string? Dataset(string name) => Canonical(name, Datasets, DatasetAliases);

    /// <summary>The metric for a name or alias (case-insensitive), or null.</summary>
    public static ObjectiveMetric? Metric(string name) =>
        Parse<ObjectiveMetric>(name) ?? (MetricAliases.TryGetValue(name.Trim().ToLowerInvariant(), out var metric) ? metric : null);

    /// <summary>The coding mode for a name (case-insensitive), or null.</summary>
    public static CodingScheme? Coding(string name) => Parse<CodingScheme>(name);

    /// <summary>The fine-tuning mode for a name (case-insensitive), or null.</summary>
    public static FineTuning? FineTune(string name) => Parse<FineTuning>(name);

    /// <summary>The bits policy for a name (case-insensitive, '_' read as '-'), or null.</summary>
    public static BitsPolicy? Policy(string name) => Parse<BitsPolicy>(name.Replace('_', '-'));

    /// <summary>The strategy kind for a name (case-insensitive), or null.</summary>
    public static StrategyKind? Strategy(string name) => Parse<StrategyKind>(name);

    private static string? Canonical(string name, IReadOnlyList<string> names, Dictionary<string, string> aliases)
    {
        var key = name.Trim().ToLowerInvariant().Replace('_', '-');
        return names.Contains(key) ? key : aliases.GetValueOrDefault(key);
    }
}

/// <summary>
/// Writes a sweep enum as its <see cref="SweepVocabulary"/> word and reads it back, so that JSON made of the contract's
/// records (the tracker's fq.spec tag, grain keys hashed from requests) reads as the spec was written.
/// </summary>
public sealed class SweepWordJsonConverter<T> : JsonConverter<T> where T : struct, Enum
{
    /// <inheritdoc />
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && SweepVocabulary.Parse<T>(reader.GetString()!) is { } value
            ? value
            : throw new JsonException($"Expected one of {string.Join(", ", SweepVocabulary.Names<T>())} for {typeof(T).Name}.");

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(SweepVocabulary.Name(value));
}
