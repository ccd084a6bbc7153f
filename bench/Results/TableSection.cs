using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using static FocusedQuantization.Benchmarks.Results.Markdown;

namespace FocusedQuantization.Benchmarks.Results;

/// <summary>The paper's Table 1 for each model from its 5- and 7-bit `fq compress` reports, both coding modes.</summary>
public static class TableSection
{
    /// <summary>The models of the table and Deep Compression's published compression ratio on MNIST for each.</summary>
    public static readonly (string Model, string Title, double DeepCompression)[] Models =
        [("lenet-300-100", "LeNet-300-100", 40), ("lenet5", "LeNet-5", 39)];

    /// <summary>The widths of the table's FQ rows.</summary>
    public static readonly int[] Widths = [5, 7];

    /// <summary>The section's Markdown.</summary>
    public static string Write(ResultsData data)
    {
        var text = new StringBuilder();
        text.AppendLine("## Table 1: LeNet-300-100 and LeNet-5 on Fashion-MNIST").AppendLine();
        text.AppendLine("""
            In the form of the paper's Table 1, on the full Fashion-MNIST (60,000 training and 10,000 test images). Each
            model's dense baseline and pruned checkpoint are trained once and shared by its 5- and 7-bit runs; the
            compressed model's accuracy is measured on the model decoded from the .fqz file. Both coding modes code the
            same quantized weights, so their accuracies are equal and only the size differs: *arithmetic* is the default
            context-modelled arithmetic coder, *paper* the paper's per-symbol Huffman coding (docs/CODING.md). Deep
            Compression's published ratios are on MNIST, an easier data set, and are given for orientation only.
            """).AppendLine();
        foreach (var (model, title, deepCompression) in Models)
        {
            var reports = Widths.Select(b => (Bits: b, Report: data.Report(model, b))).Where(r => r.Report is not null).ToArray();
            text.AppendLine($"### {title}").AppendLine();
            if (reports.Length == 0)
            {
                text.AppendLine($"Not run yet: `bench/results.sh table`.").AppendLine();
                continue;
            }

            var first = reports[0].Report!;
            var options = first["options"]!;
            // The fine-tuning rate is spelled out: the reports keep the one they ran with even after its default changed.
            var rate = ((double?)options["fineTuneLearningRate"])?.ToString("G4", CultureInfo.InvariantCulture) ?? "-";
            var mode = (string?)options["fineTune"] ?? "ste";
            text.AppendLine("```sh");
            foreach (var (bits, _) in reports)
                text.AppendLine($"./fq compress --model {model} --dataset fashion-mnist --bits {bits} --seed 1 --fine-tune-lr {rate}{(mode == "ste" ? "" : " --fine-tune " + mode)}");
            text.AppendLine("```").AppendLine();
            text.AppendLine(
                $"Defaults: baseline {options["baselineEpochs"]} epochs, DNS pruning to {F((double?)options["targetSparsity"] * 100, 0)} % " +
                $"over {options["pruneEpochs"]} epochs, fine-tuning ({mode}) on the paper's schedule scaled by {F((double?)options["scheduleScale"])} " +
                $"from learning rate {rate}, w_sep {F((double?)options["wSep"], 1)}, seed {options["seed"]}.").AppendLine();

            var rows = new List<IReadOnlyList<string>>
            {
                Row("dense", (double?)first["top1Dense"], (double?)first["top5Dense"], 0, (long?)first["denseBytes"], 1),
                Row("pruned", (double?)first["top1Pruned"], (double?)first["top5Pruned"], (double?)first["sparsity"], null, null),
            };
            foreach (var (bits, report) in reports)
            {
                rows.Add(Row($"FQ {bits}-bit, arithmetic", (double?)report!["top1Compressed"], (double?)report["top5Compressed"],
                    (double?)report["sparsity"], (long?)report["compressedBytes"], (double?)report["compressionRatio"], bold: true));
                rows.Add(Row($"FQ {bits}-bit, paper", (double?)report["top1Compressed"], (double?)report["top5Compressed"],
                    (double?)report["sparsity"], (long?)report["paperCodingBytes"], (double?)report["paperCodingCompressionRatio"]));
            }
            rows.Add(["Deep Compression on MNIST (published)", "-", "-", "-", "-", $"{deepCompression:0}x"]);
            text.Append(Table(["", "top-1 %", "top-5 %", "sparsity %", "size", "CR"], rows)).AppendLine();

            text.AppendLine("Per layer (coded bits per weight in arithmetic mode; the separation decides the mode against w_sep):").AppendLine();
            var layers = first["layers"]!.AsArray().Select(l => (string)l!["name"]!).ToArray();
            var header = new List<string> { "layer", "weights", "sparsity %", "separation", "mode" };
            header.AddRange(reports.Select(r => $"bits/weight at {r.Bits}"));
            var layerRows = layers.Select(name =>
            {
                var layer = Layer(first, name)!;
                var row = new List<string>
                {
                    name, N((long?)layer["weights"]), F((double?)layer["sparsity"] * 100), F((double?)layer["separation"]), (string?)layer["mode"] ?? "-",
                };
                row.AddRange(reports.Select(r => Layer(r.Report!, name) is { } l ? F((double)(long)l["codedBits"]! / (long)l["weights"]!, 3) : "-"));
                return (IReadOnlyList<string>)row;
            });
            text.Append(Table(header, layerRows)).AppendLine();

            var times = reports.Select(r => $"{r.Bits}-bit run {Duration(data.CompressSeconds(model, r.Bits))}").ToArray();
            text.AppendLine($"Wall time on 2 cores: {string.Join(", ", times)} (the first run includes training the baseline and pruning).").AppendLine();
        }
        return text.ToString();
    }

    private static JsonNode? Layer(JsonObject report, string name) =>
        report["layers"]!.AsArray().FirstOrDefault(l => (string?)l!["name"] == name);

    private static IReadOnlyList<string> Row(string label, double? top1, double? top5, double? sparsity, long? bytes, double? cr, bool bold = false) =>
        [label, F(top1), F(top5), F(sparsity * 100), bytes is null ? "-" : N(bytes) + " B", bold && cr is not null ? $"**{X(cr)}**" : X(cr)];
}
