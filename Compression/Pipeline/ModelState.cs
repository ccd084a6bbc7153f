using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Pipeline;

/// <summary>Moves a model's state between TorchSharp modules and the .fqz file's records.</summary>
public static class ModelState
{
    /// <summary>Metadata keys that let a .fqz file rebuild its model.</summary>
    public const string ShapeKey = "model.shape", DatasetKey = "dataset";

    /// <summary>Metadata keys naming the PyTorch weights a compressed model was made from (file name and SHA-256), when it was.</summary>
    public const string WeightsFileKey = "weights.file", WeightsSha256Key = "weights.sha256";

    /// <summary>The float tensors of a module that the .fqz file keeps as they are: every float parameter and buffer
    /// except the quantized weights. Integer buffers (batch norm's batch counter) play no part in inference.</summary>
    public static IReadOnlyList<FloatTensor> FloatTensors(nn.Module module) =>
        ModelZoo.State(module)
            .Where(e => e.Kind != StateKind.QuantizableWeight && e.Tensor.dtype == ScalarType.Float32)
            .Select(e => new FloatTensor(e.Name, e.Tensor.shape.Select(d => (int)d).ToArray(), Values(e.Tensor)))
            .ToArray();

    /// <summary>A float32 tensor's values, read through a CPU copy when it lives on another device.</summary>
    public static float[] Values(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.device_type == DeviceType.CPU) return tensor.data<float>().ToArray();
        using var host = tensor.detach().cpu();
        return host.data<float>().ToArray();
    }

    /// <summary>Metadata key of the SHA-256 of the TorchScript module a .fqz was made from.</summary>
    public const string TorchScriptSha256Key = "torchscript.sha256";

    /// <summary>
    /// Adds to .fqz metadata what a TorchScript <paramref name="model"/> needs to be rebuilt: its file's SHA-256 (the
    /// file itself is named by the model name). Other models add nothing.
    /// </summary>
    public static Dictionary<string, string> WithTorchScript(this Dictionary<string, string> metadata, nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (model is TorchScriptNetwork script) metadata[TorchScriptSha256Key] = script.Sha256;
        return metadata;
    }

    /// <summary>
    /// Builds the module a compressed model describes, with its decoded weights and float tensors loaded. A model
    /// made from a TorchScript module is built from <paramref name="torchScriptFile"/> (default: the file its name
    /// records), which must have the SHA-256 the .fqz records (else <see cref="InvalidDataException"/>).
    /// </summary>
    public static nn.Module<Tensor, Tensor> Restore(CompressedModel compressed, string? torchScriptFile = null)
    {
        var module = ModelZoo.IsTorchScript(compressed.ModelName)
            ? TorchScriptOf(compressed, torchScriptFile)
            : ModelZoo.Create(compressed.ModelName, ShapeOf(compressed), seed: 0);
        var state = ModelZoo.State(module).ToDictionary(e => e.Name);
        var loaded = new HashSet<string>();
        foreach (var layer in compressed.Layers) Load(state, layer.Name, layer.Dequantize(), loaded);
        foreach (var tensor in compressed.FloatTensors) Load(state, tensor.Name, tensor.Values, loaded);
        var missing = state.Values.Where(e => e.Tensor.dtype == ScalarType.Float32 && !loaded.Contains(e.Name)).Select(e => e.Name).ToArray();
        if (missing.Length > 0)
            throw new InvalidDataException($"The compressed model lacks {string.Join(", ", missing)} of {compressed.ModelName}.");
        return module;
    }

    /// <summary>
    /// Loads the TorchScript module a compressed model was made from: <paramref name="file"/>, or the file its model name
    /// records, checked against the SHA-256 its metadata records.
    /// </summary>
    public static TorchScriptNetwork TorchScriptOf(CompressedModel compressed, string? file = null)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        if (!ModelZoo.IsTorchScript(compressed.ModelName))
            throw new ArgumentException($"The compressed model is {compressed.ModelName}, not a TorchScript module.");
        if (!compressed.Metadata.TryGetValue(TorchScriptSha256Key, out var sha256))
            throw new InvalidDataException($"The compressed model does not record the SHA-256 of its TorchScript module ({TorchScriptSha256Key}).");
        var path = file is null ? ModelZoo.TorchScriptPath(compressed.ModelName) : Path.GetFullPath(file);
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"The compressed model was made from the TorchScript module '{ModelZoo.TorchScriptPath(compressed.ModelName)}' (SHA-256 {sha256}), and '{path}' does not exist: give that module's file.", path);
        return TorchScriptNetwork.Load(path, sha256);
    }

    /// <summary>The input and output geometry recorded in the metadata; MNIST's when the file records none.</summary>
    public static ModelShape ShapeOf(CompressedModel compressed)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        return ParseShape(compressed.Metadata.TryGetValue(ShapeKey, out var text) ? text : null);
    }

    /// <summary>"channels,height,width,classes" for the metadata.</summary>
    public static string FormatShape(ModelShape shape) => $"{shape.Channels},{shape.Height},{shape.Width},{shape.Classes}";

    private static ModelShape ParseShape(string? text)
    {
        if (text is null) return ModelShape.Mnist;
        var parts = text.Split(',');
        if (parts.Length != 4 || !parts.All(p => int.TryParse(p, out _)))
            throw new InvalidDataException($"The compressed model's shape '{text}' is not channels,height,width,classes.");
        var v = parts.Select(int.Parse).ToArray();
        return new ModelShape(v[0], v[1], v[2], v[3]);
    }

    private static void Load(Dictionary<string, StateEntry> state, string name, float[] values, HashSet<string> loaded)
    {
        if (!state.TryGetValue(name, out var entry))
            throw new InvalidDataException($"The compressed model has a tensor '{name}' that its model does not have.");
        if (entry.Tensor.numel() != values.Length)
            throw new InvalidDataException($"Tensor '{name}' has {values.Length} values; the model expects {entry.Tensor.numel()}.");
        using (no_grad()) entry.Tensor.data<float>().CopyFrom(values);
        loaded.Add(name);
    }
}
