using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Models;

/// <summary>
/// Creates the project's models by name and tells which of their tensors are quantized and which stay in float.
/// </summary>
public static class ModelZoo
{
    private static readonly Dictionary<string, Func<ModelShape, nn.Module<Tensor, Tensor>>> Factories = new()
    {
        ["lenet-300-100"] = shape => new LeNet300100(shape),
        ["lenet5"] = shape => new LeNet5(shape),
        ["cifar9"] = shape => new Cifar9(shape),
        ["resnet20"] = shape => new ResNet20(shape),
        ["resnet18"] = TorchvisionResNet.ResNet18,
        ["resnet50"] = TorchvisionResNet.ResNet50,
        ["mobilenet-v2"] = shape => new TorchvisionMobileNetV2(shape),
    };

    private static readonly Dictionary<string, string> Aliases = new()
    {
        ["lenet300100"] = "lenet-300-100",
        ["lenet-300"] = "lenet-300-100",
        ["lenet300"] = "lenet-300-100",
        ["lenet-5"] = "lenet5",
        ["lenet"] = "lenet5",
        ["cifar-9"] = "cifar9",
        ["allconv"] = "cifar9",
        ["all-conv"] = "cifar9",
        ["resnet-20"] = "resnet20",
        ["resnet-18"] = "resnet18",
        ["resnet-50"] = "resnet50",
        ["mobilenetv2"] = "mobilenet-v2",
    };

    /// <summary>
    /// The canonical model names: lenet-300-100, lenet5, cifar9, resnet20, and resnet18, resnet50, mobilenet-v2 with
    /// torchvision's state_dict names and shapes (see <see cref="HasTorchvisionLayout"/>).
    /// </summary>
    public static IReadOnlyList<string> Names { get; } = [.. Factories.Keys];

    /// <summary>
    /// The prefix of a model given as a TorchScript file ("torchscript:FILE.pt", saved with torch.jit.save): its
    /// canonical name is the prefix and the file's full path, and <see cref="Create(string, ModelShape?)"/> loads it
    /// as a <see cref="TorchScriptNetwork"/>.
    /// </summary>
    public const string TorchScriptPrefix = "torchscript:";

    /// <summary>Whether <paramref name="name"/> names a TorchScript file ("torchscript:FILE").</summary>
    public static bool IsTorchScript(string name) =>
        name is not null && name.TrimStart().StartsWith(TorchScriptPrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The full path of the file a "torchscript:FILE" model name gives (relative paths against the current folder).</summary>
    public static string TorchScriptPath(string name)
    {
        if (!IsTorchScript(name)) throw new ArgumentException($"'{name}' is not a {TorchScriptPrefix}FILE model.", nameof(name));
        var file = name.TrimStart()[TorchScriptPrefix.Length..].Trim();
        if (file.Length == 0) throw new ArgumentException($"{TorchScriptPrefix} needs a file: {TorchScriptPrefix}FILE.pt, a module saved with torch.jit.save.", nameof(name));
        return Path.GetFullPath(file);
    }

    /// <summary>
    /// Returns the canonical name for <paramref name="name"/> (case-insensitive, aliases such as "lenet-5" accepted),
    /// or throws an <see cref="ArgumentException"/> listing the valid names.
    /// </summary>
    public static string Canonicalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (IsTorchScript(name)) return TorchScriptPrefix + TorchScriptPath(name);
        var key = name.Trim().ToLowerInvariant().Replace('_', '-');
        if (Factories.ContainsKey(key)) return key;
        if (Aliases.TryGetValue(key, out var canonical)) return canonical;
        throw new ArgumentException(
            $"Unknown model '{name}'. Valid models: {string.Join(", ", Names)}, or {TorchScriptPrefix}FILE.pt (a module saved with torch.jit.save).", nameof(name));
    }

    /// <summary>Whether the model's state_dict keys and shapes are torchvision's (resnet18, resnet50, mobilenet-v2).</summary>
    public static bool HasTorchvisionLayout(string name) => Canonicalize(name) is "resnet18" or "resnet50" or "mobilenet-v2";

    /// <summary>
    /// Creates the model <paramref name="name"/> for <paramref name="shape"/> (default 1 x 28 x 28, 10 classes), its
    /// weights drawn from torch's global generator: seed it with torch.manual_seed first, or use the seeded overload.
    /// A "torchscript:FILE" model is loaded from its file with the weights the file holds (the shape is the file's own).
    /// </summary>
    public static nn.Module<Tensor, Tensor> Create(string name, ModelShape? shape = null)
    {
        var canonical = Canonicalize(name);
        if (IsTorchScript(canonical)) return TorchScriptNetwork.Load(TorchScriptPath(canonical));
        return Factories[canonical](shape ?? ModelShape.Mnist);
    }

    /// <summary>
    /// Creates the model <paramref name="name"/> with weights drawn by <see cref="Initialize"/> from its own generator
    /// seeded with <paramref name="seed"/>: the same seed gives the same weights even while other threads use torch.
    /// </summary>
    public static nn.Module<Tensor, Tensor> Create(string name, ModelShape? shape, long seed)
    {
        var model = Create(name, shape);
        // A TorchScript module's weights are the point of loading it: they are never drawn again.
        if (model is not TorchScriptNetwork) Initialize(model, seed);
        return model;
    }

    /// <summary>
    /// Re-draws every convolution and linear layer's weight and bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (torch's
    /// default initialisation) and resets batch norm to scale 1, shift 0 and fresh running statistics, using a private
    /// generator seeded with <paramref name="seed"/> rather than torch's global one, which concurrent work may share.
    /// </summary>
    public static void Initialize(nn.Module module, long seed)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var generator = new Generator(unchecked((ulong)seed));
        using var noGrad = torch.no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            switch (child)
            {
                case Conv2d or Linear or Conv1d or Conv3d:
                    var weight = child.get_parameter("weight")!;
                    var fanIn = weight.numel() / weight.shape[0];
                    var bound = 1.0 / Math.Sqrt(fanIn);
                    FillUniform(weight, bound, generator);
                    if (child.get_parameter("bias") is { } bias) FillUniform(bias, bound, generator);
                    break;
                case BatchNorm1d or BatchNorm2d or BatchNorm3d:
                    // Scalars held by using: a temporary one can be freed by its finalizer during the call.
                    using (var one = 1.ToScalar())
                    {
                        child.get_parameter("weight")?.fill_(one);
                        child.get_buffer("running_var")?.fill_(one);
                    }
                    child.get_parameter("bias")?.zero_();
                    child.get_buffer("running_mean")?.zero_();
                    child.get_buffer("num_batches_tracked")?.zero_();
                    break;
            }
        }
    }

    private static void FillUniform(Tensor target, double bound, Generator generator)
    {
        using var scope = torch.NewDisposeScope();
        var unit = torch.rand(target.shape, dtype: target.dtype, generator: generator);
        using var width = (2 * bound).ToScalar();
        using var offset = bound.ToScalar();
        target.copy_(unit.mul_(width).sub_(offset));
    }

    /// <summary>
    /// Names of the quantizable parameters (convolution and linear weights), in the order of named_parameters. In a
    /// TorchScript module, whose submodules carry no C# type, they are found by name and rank: a parameter named
    /// "weight" (or "....weight") of rank 4 (2-D convolution) or 2 (linear).
    /// </summary>
    public static IReadOnlyList<string> QuantizableParameters(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (module is TorchScriptNetwork)
        {
            return module.named_parameters()
                .Where(p => (p.name == "weight" || p.name.EndsWith(".weight", StringComparison.Ordinal)) && p.parameter.dim() is 4 or 2)
                .Select(p => p.name)
                .ToArray();
        }
        var owners = module.named_modules().ToDictionary(m => m.name, m => m.module, StringComparer.Ordinal);
        owners[""] = module;
        var names = new List<string>();
        // named_modules lists children before grandchildren; named_parameters walks depth-first, i.e. in layer order.
        foreach (var (name, _) in module.named_parameters())
        {
            if (!name.EndsWith("weight", StringComparison.Ordinal)) continue;
            var dot = name.LastIndexOf('.');
            var owner = owners.GetValueOrDefault(dot < 0 ? "" : name[..dot]);
            if (owner is Conv2d or Linear or Conv1d or Conv3d && name[(dot + 1)..] == "weight") names.Add(name);
        }
        return names;
    }

    /// <summary>
    /// The model's full state: every named parameter and buffer, each tagged quantizable weight, float parameter or buffer.
    /// </summary>
    public static IReadOnlyList<StateEntry> State(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var quantizable = QuantizableParameters(module).ToHashSet(StringComparer.Ordinal);
        var entries = new List<StateEntry>();
        foreach (var (name, parameter) in module.named_parameters())
            entries.Add(new StateEntry(name, parameter, quantizable.Contains(name) ? StateKind.QuantizableWeight : StateKind.FloatParameter));
        foreach (var (name, buffer) in module.named_buffers())
            entries.Add(new StateEntry(name, buffer, StateKind.Buffer));
        return entries;
    }

    /// <summary>Total number of trainable parameter elements.</summary>
    public static long ParameterCount(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.parameters().Sum(p => p.numel());
    }
}
