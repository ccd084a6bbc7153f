using System.Globalization;
using FocusedQuantization.Compression.Pipeline;
using Spectre.Console;

namespace FocusedQuantization.Client.Cli;

/// <summary>Renders a report like the paper's Table 1 (dense / pruned / quantized), then the per-layer detail.</summary>
public static class ReportTable
{
    public static void Write(IAnsiConsole console, CompressionReport report)
    {
        var v = report.Validation;
        var summary = new Table().Title($"{report.Model} on {report.Dataset}, {report.Bits}-bit focused quantization")
            .AddColumns("stage", "val top-1 %", "test top-1 %", "test top-5 %", "sparsity %", "size", "CR");
        var dense = report.DenseBytes;
        summary.AddRow(report.DenseEpochs > 0 ? $"dense ({report.DenseEpochs} epochs)" : "dense", Pct(v?.Top1Dense), Pct(report.Top1Dense), Pct(report.Top5Dense), "0.00", Bytes(dense), "1.00x");
        if (report.EqualEpochDense is { } fair)
            summary.AddRow($"dense ({fair.Epochs} epochs, as long as the compressed)", Pct(fair.ValidationTop1), Pct(fair.Top1), Pct(fair.Top5), "0.00", Bytes(dense), "1.00x");
        summary.AddRow("pruned", Pct(v?.Top1Pruned), Pct(report.Top1Pruned), Pct(report.Top5Pruned), Pct(report.Sparsity * 100), "-", "-");
        summary.AddRow($"quantized ({report.Coding})", Pct(v?.Top1Compressed), Pct(report.Top1Compressed), Pct(report.Top5Compressed), Pct(report.Sparsity * 100),
            Bytes(report.CompressedBytes), $"{report.CompressionRatio:F2}x");
        summary.AddRow("quantized (paper coding)", Pct(v?.Top1Compressed), Pct(report.Top1Compressed), Pct(report.Top5Compressed), Pct(report.Sparsity * 100),
            Bytes(report.PaperCodingBytes), $"{report.PaperCodingCompressionRatio:F2}x");
        var notes = new List<string>();
        if (v is not null)
            notes.Add($"validation: {v.Images:N0} images ({v.Split}) held out of the training images, on which choices are made; test figures are only reported");
        if (report.TotalEpochs > 0)
        {
            var reference = report.EqualEpochDense is { } equal
                ? $"test top-1 drop {equal.Top1 - report.Top1Compressed:+0.00;-0.00;0.00} points against the dense model trained as long ({equal.Epochs} epochs)"
                : $"test top-1 drop {report.Top1Dense - report.Top1Compressed:+0.00;-0.00;0.00} points against a dense model trained {report.DenseEpochs} epochs (use --equal-epoch-baseline for one trained as long)";
            notes.Add($"the compressed model received {report.TotalEpochs} epochs in total (baseline + pruning + fine-tuning); {reference}");
        }
        if (notes.Count > 0) summary.Caption(string.Join("\n", notes));
        console.Write(summary);
        console.Write(LayerTable(report.Layers));
        // The run reached a result only after rolling epochs back: say so next to the numbers it produced.
        foreach (var recovery in report.Recoveries)
            console.MarkupLineInterpolated($"[yellow]recovered[/] {recovery.Stage} {recovery.Describe()}");
    }

    /// <summary>The per-layer breakdown, shared with `fq inspect`.</summary>
    public static Table LayerTable(IReadOnlyList<LayerReport> layers)
    {
        var table = new Table().AddColumns("layer", "mode", "bits", "mu-", "mu+", "sigma", "bias", "alpha", "weights", "sparsity %", "coded bits", "bits/weight");
        foreach (var layer in layers)
        {
            table.AddRow(
                layer.Name, layer.Mode, layer.Bits.ToString(CultureInfo.InvariantCulture),
                G(layer.MuNegative), G(layer.MuPositive), G(layer.Sigma), layer.Bias.ToString(CultureInfo.InvariantCulture), G(layer.Alpha),
                layer.Weights.ToString("N0", CultureInfo.InvariantCulture), Pct(layer.Sparsity * 100),
                layer.CodedBits.ToString("N0", CultureInfo.InvariantCulture),
                (layer.Weights == 0 ? 0 : (double)layer.CodedBits / layer.Weights).ToString("F3", CultureInfo.InvariantCulture));
        }
        return table;
    }

    private static string Pct(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static string Pct(double? value) => value is { } v ? Pct(v) : "-";

    private static string G(float value) => value.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>Sizes in KiB or MiB with the exact byte count.</summary>
    public static string Bytes(long bytes) => bytes >= 1 << 20
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F2} MiB ({bytes:N0} B)")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KiB ({bytes:N0} B)");
}
