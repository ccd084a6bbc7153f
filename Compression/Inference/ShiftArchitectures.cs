using FocusedQuantization.Compression.Coding;

namespace FocusedQuantization.Compression.Inference;

/// <summary>
/// The forward pass of each model in Compression/Models as a list of shift-only stages. Strides, padding and pooling
/// are not in the .fqz file, so they are written here as the models' constructors and forward methods have them;
/// the tests compare every model's logits with its float forward so that the two cannot drift apart unnoticed.
/// </summary>
internal static class ShiftArchitectures
{
    private static readonly Dictionary<string, Func<ShiftParts, IReadOnlyList<IShiftStage>>> Builders = new()
    {
        ["lenet-300-100"] = LeNet300100,
        ["lenet5"] = LeNet5,
        ["cifar9"] = Cifar9,
        ["resnet20"] = ResNet20,
    };

    public static IReadOnlyList<string> Names { get; } = [.. Builders.Keys];

    public static IReadOnlyList<IShiftStage> Build(string canonicalName, ShiftParts parts) =>
        Builders.TryGetValue(canonicalName, out var build)
            ? build(parts)
            : throw new ArgumentException(
                $"Shift-only inference does not know the layout of '{canonicalName}'. It knows: {string.Join(", ", Names)}.");

    private static IReadOnlyList<IShiftStage> LeNet300100(ShiftParts p) =>
        [p.Linear("fc1"), ReluStage.Instance, p.Linear("fc2"), ReluStage.Instance, p.Linear("fc3")];

    private static IReadOnlyList<IShiftStage> LeNet5(ShiftParts p) =>
    [
        p.Conv("conv1"), new MaxPoolStage(2), ReluStage.Instance,
        p.Conv("conv2"), new MaxPoolStage(2), ReluStage.Instance,
        p.Linear("fc1"), ReluStage.Instance,
        p.Linear("fc2"),
    ];

    private static IReadOnlyList<IShiftStage> Cifar9(ShiftParts p)
    {
        var stages = new List<IShiftStage>();
        int[] strides = [1, 1, 2, 1, 1, 2, 1, 1];
        for (var i = 0; i < strides.Length; i++)
        {
            var kernel = p.KernelSize($"features.conv{i + 1}");
            stages.Add(p.Conv($"features.conv{i + 1}", strides[i], kernel / 2));
            stages.Add(p.BatchNorm($"features.bn{i + 1}"));
            stages.Add(ReluStage.Instance);
        }
        stages.Add(p.Conv("features.conv9"));
        stages.Add(GlobalAveragePoolStage.Instance);
        return stages;
    }

    private static IReadOnlyList<IShiftStage> ResNet20(ShiftParts p)
    {
        var stages = new List<IShiftStage> { p.Conv("conv1", padding: 1), p.BatchNorm("bn1"), ReluStage.Instance };
        var channels = p.OutChannels("conv1");
        for (var stage = 1; stage <= 3; stage++)
            for (var block = 0; block < 3; block++)
            {
                var prefix = $"layer{stage}.{block}";
                var stride = stage > 1 && block == 0 ? 2 : 1;
                var outChannels = p.OutChannels($"{prefix}.conv1");
                IShiftStage[] body =
                [
                    p.Conv($"{prefix}.conv1", stride, 1), p.BatchNorm($"{prefix}.bn1"), ReluStage.Instance,
                    p.Conv($"{prefix}.conv2", 1, 1), p.BatchNorm($"{prefix}.bn2"),
                ];
                if (outChannels < channels)
                    throw new InvalidDataException($"{prefix} narrows {channels} channels to {outChannels}; its shortcut only widens.");
                stages.Add(new ResidualStage(body, stride, outChannels));
                channels = outChannels;
            }
        stages.Add(GlobalAveragePoolStage.Instance);
        stages.Add(p.Linear("fc"));
        return stages;
    }
}

/// <summary>
/// Looks up a compressed model's layers by module name and builds their shift-only stages, remembering what was used
/// so that a tensor the layout does not know about is an error rather than silently ignored.
/// </summary>
internal sealed class ShiftParts
{
    private readonly string modelName;
    private readonly Dictionary<string, QuantizedLayer> quantized;
    private readonly Dictionary<string, FloatTensor> floats;
    private readonly HashSet<string> used = new(StringComparer.Ordinal);

    public ShiftParts(CompressedModel model)
    {
        modelName = model.ModelName;
        quantized = model.Layers.ToDictionary(l => l.Name, StringComparer.Ordinal);
        floats = model.FloatTensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public int KernelSize(string module)
    {
        var shape = Weight(module, 4).Shape;
        if (shape[2] != shape[3]) throw new InvalidDataException($"{module} has a {shape[2]}x{shape[3]} kernel; this layout expects a square one.");
        return shape[2];
    }

    public int OutChannels(string module) => Weight(module, 4).Shape[0];

    public IShiftStage Conv(string module, int stride = 1, int padding = 0)
    {
        var weight = Weight(module, 4);
        var s = weight.Shape;
        var conv = ShiftConv2d.FromSymbols(weight.Parameters, weight.Symbols, s[0], s[1], s[2], s[3], stride, padding,
            OptionalFloat($"{module}.bias", s[0]));
        return new ConvStage(module, conv);
    }

    public IShiftStage Linear(string module)
    {
        var weight = Weight(module, 2);
        var linear = ShiftLinear.FromSymbols(weight.Parameters, weight.Symbols, weight.Shape[0], weight.Shape[1],
            OptionalFloat($"{module}.bias", weight.Shape[0]));
        return new LinearStage(module, linear);
    }

    public IShiftStage BatchNorm(string module)
    {
        var weight = Float($"{module}.weight");
        var count = weight.Length;
        return new BatchNormStage(weight, Float($"{module}.bias", count), Float($"{module}.running_mean", count),
            Float($"{module}.running_var", count));
    }

    /// <summary>Throws unless every quantized layer and float tensor of the model was built into a stage.</summary>
    public void RequireAllUsed()
    {
        var unused = quantized.Keys.Concat(floats.Keys).Where(n => !used.Contains(n)).ToArray();
        if (unused.Length > 0)
            throw new InvalidDataException(
                $"The compressed {modelName} holds {string.Join(", ", unused)}, which its shift-only layout does not use.");
    }

    private QuantizedLayer Weight(string module, int rank)
    {
        var name = $"{module}.weight";
        if (!quantized.TryGetValue(name, out var layer))
            throw new InvalidDataException(floats.ContainsKey(name)
                ? $"{name} of {modelName} is stored in float; shift-only inference needs every convolution and linear weight quantized."
                : $"The compressed {modelName} lacks the quantized weight {name}.");
        if (layer.Shape.Length != rank || layer.Shape.Any(d => d <= 0))
            throw new InvalidDataException($"{name} has shape [{string.Join(", ", layer.Shape)}]; a rank-{rank} shape was expected.");
        used.Add(name);
        return layer;
    }

    private float[]? OptionalFloat(string name, int length) => floats.ContainsKey(name) ? Float(name, length) : null;

    private float[] Float(string name, int? length = null)
    {
        if (!floats.TryGetValue(name, out var tensor))
            throw new InvalidDataException($"The compressed {modelName} lacks the float tensor {name}.");
        if (length is { } expected && tensor.Values.Length != expected)
            throw new InvalidDataException($"{name} has {tensor.Values.Length} values; {expected} were expected.");
        used.Add(name);
        return tensor.Values;
    }
}
