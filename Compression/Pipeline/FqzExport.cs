using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Models;

namespace FocusedQuantization.Compression.Pipeline;

/// <summary>
/// Writes what a .fqz file holds back out as a state_dict: the decoded weights (dequantized, pruned ones zero) and the
/// float parameters and buffers as stored, under the model's names, so that PyTorch loads it into the same
/// architecture (torchvision's, for resnet18, resnet50 and mobilenet-v2).
/// </summary>
public static class FqzExport
{
    /// <summary>
    /// Decodes <paramref name="fqzPath"/> and writes its state_dict to <paramref name="outputPath"/> (atomically) in
    /// <paramref name="format"/>. Batch norm's num_batches_tracked, which the .fqz does not keep (it plays no part in
    /// inference), is written as 0.
    /// </summary>
    public static ExportedModel Export(string fqzPath, string outputPath, StateDictFormat format)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fqzPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        if (!File.Exists(fqzPath)) throw new FileNotFoundException($"No such file: {fqzPath}", fqzPath);
        var compressed = FqzFile.Read(fqzPath);
        using var module = ModelState.Restore(compressed);
        StateDict.Write(module, outputPath, format);
        var state = ModelZoo.State(module);
        return new ExportedModel(
            compressed.ModelName, ModelState.ShapeOf(compressed), format, state.Count,
            state.Where(e => e.Kind == StateKind.QuantizableWeight).Sum(e => e.Tensor.numel()), new FileInfo(outputPath).Length);
    }

    /// <summary>The format a file name asks for: safetensors for ".safetensors", PyTorch otherwise.</summary>
    public static StateDictFormat FormatOf(string path) =>
        path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? StateDictFormat.Safetensors : StateDictFormat.PyTorch;
}
