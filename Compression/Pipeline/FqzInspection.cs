using System.Text.Json.Serialization;
using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Quantization;

namespace FocusedQuantization.Compression.Pipeline;

/// <summary>What a .fqz file says about itself: per-layer plan and coded size, and the compression ratio.</summary>
public sealed record FqzInspection(
    string Model,
    string Coding,
    long DenseBytes,
    long CompressedBytes,
    double CompressionRatio,
    double Sparsity,
    IReadOnlyList<LayerReport> Layers,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The float and shift-only evaluation, when one was asked for (`fq inspect --eval`).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ShiftComparison? Evaluation { get; init; }

    /// <summary>Builds the inspection of a decoded model and its byte breakdown.</summary>
    public static FqzInspection From(CompressedModel model, FqzBreakdown breakdown)
    {
        var coded = breakdown.Layers.ToDictionary(l => l.Name);
        var layers = model.Layers.Select(layer => Describe(layer, coded.TryGetValue(layer.Name, out var b) ? b.PayloadBits + 8 * b.TableBytes : 0)).ToArray();
        long weights = layers.Sum(l => l.Weights);
        double zeros = layers.Sum(l => l.Sparsity * l.Weights);
        return new FqzInspection(
            model.ModelName, CodingModes.NameOf(breakdown.Mode), model.DenseBytes, breakdown.TotalBytes,
            breakdown.TotalBytes == 0 ? 0 : (double)model.DenseBytes / breakdown.TotalBytes,
            weights == 0 ? 0 : zeros / weights, layers, model.Metadata);
    }

    /// <summary>The report row of one quantized layer; separation is not stored in the file and reads NaN.</summary>
    public static LayerReport Describe(QuantizedLayer layer, long codedBits, double separation = double.NaN)
    {
        var p = layer.Parameters;
        var zeros = layer.Symbols.Count(s => s == 0);
        return new LayerReport(
            layer.Name, p.Mode == QuantizationMode.Shift ? "shift" : "recentralized", p.Bits, p.MuNegative, p.MuPositive, p.Sigma,
            p.Bias, p.Alpha, separation, layer.Symbols.Length,
            layer.Symbols.Length == 0 ? 0 : (double)zeros / layer.Symbols.Length, codedBits);
    }
}
