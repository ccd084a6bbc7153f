using System.Globalization;
using FocusedQuantization.Compression.Pipeline;
using Spectre.Console;

namespace FocusedQuantization.Client.Cli;

/// <summary>Renders a report like the paper's Table 1 (dense / pruned / quantized), then the per-layer detail.</summary>
public static class ReportTable
{
    public static void Write(IAnsiConsole console, CompressionReport report)
    {
        var summary = new Table().Title($"{report.Model} on {report.Dataset}, {report.Bits}-bit focused quantization")
            .AddColumns("stage", "top-1 %", "top-5 %", "sparsity %", "size", "CR");
        var dense = report.DenseBytes;
        summary.AddRow("dense", Pct(report.Top1Dense), Pct(report.Top5Dense), "0.00", Bytes(dense), "1.00x");
        summary.AddRow("pruned", Pct(report.Top1Pruned), Pct(report.Top5Pruned), Pct(report.Sparsity * 100), "-", "-");
        summary.AddRow($"quantized ({report.Coding})", Pct(report.Top1Compressed), Pct(report.Top5Compressed), Pct(report.Sparsity * 100),
            Bytes(report.CompressedBytes), $"{report.CompressionRatio:F2}x");
        summary.AddRow("quantized (paper coding)", Pct(report.Top1Compressed), Pct(report.Top5Compressed), Pct(report.Sparsity * 100),
            Bytes(report.PaperCodingBytes), $"{report.PaperCodingCompressionRatio:F2}x");
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

    private static string G(float value) => value.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>Sizes in KiB or MiB with the exact byte count.</summary>
    public static string Bytes(long bytes) => bytes >= 1 << 20
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F2} MiB ({bytes:N0} B)")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KiB ({bytes:N0} B)");
}
