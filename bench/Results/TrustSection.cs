using System.Text;
using System.Text.Json.Nodes;
using static FocusedQuantization.Benchmarks.Results.Markdown;

namespace FocusedQuantization.Benchmarks.Results;

/// <summary>
/// The runs behind the claims: LeNet-5 at 5 bits on the full Fashion-MNIST, chosen on validation and reported on test,
/// with the drop measured against a dense model trained as long; and the quickstart's reproducibility.
/// </summary>
public static class TrustSection
{
    public static string Write(ResultsData data)
    {
        var text = new StringBuilder();
        text.AppendLine("## Honest figures: equal-epoch baseline, validation and test").AppendLine();
        var folder = Path.Combine(data.Folder, "trust");
        var reports = Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal).Select(f => (Name: Path.GetFileNameWithoutExtension(f), Report: JsonNode.Parse(File.ReadAllText(f))!.AsObject())).ToArray()
            : [];
        if (reports.Length == 0)
        {
            text.AppendLine("Not run yet: `bench/results.sh trust`.").AppendLine();
            return text.ToString();
        }
        text.AppendLine("""
            `fq compress` on the full Fashion-MNIST: 54,000 training images, 6,000 validation images held out of the
            training images (the default 10 %), 10,000 test images. Every choice is made on validation; the test figures
            are only reported. The accuracy drop is measured against a dense LeNet-5 trained with the same recipe for as
            many epochs as the compressed model received in total (baseline + pruning + fine-tuning), not against the
            shorter-trained baseline the compression started from (shown too).
            """).AppendLine();
        if (data.Text(Path.Combine("trust", "commands.txt")) is { } commands)
            text.AppendLine("```sh").Append(commands.TrimEnd()).AppendLine().AppendLine("```").AppendLine();
        var rows = reports.Select(r =>
        {
            var report = r.Report;
            var validation = report["validation"]?.AsObject();
            var fair = report["equalEpochDense"]?.AsObject();
            var top1 = (double?)report["top1Compressed"];
            var fairTop1 = (double?)fair?["top1"];
            return (IReadOnlyList<string>)
            [
                r.Name,
                X((double?)report["compressionRatio"]),
                F((double?)validation?["top1Compressed"]),
                F(top1),
                $"{F((double?)report["top1Dense"])} ({report["denseEpochs"]} epochs)",
                fair is null ? "-" : $"{F(fairTop1)} ({fair["epochs"]} epochs)",
                fair is null || top1 is null || fairTop1 is null ? "-" : F(fairTop1 - top1),
            ];
        });
        text.AppendLine(Table(
            ["run", "CR", "val top-1 %", "test top-1 %", "dense test top-1 % (its baseline)", "dense test top-1 % (as long)", "test drop vs as long (points)"],
            rows)).AppendLine();

        if (data.Text(Path.Combine("trust", "quickstart-hashes.txt")) is { } hashes)
        {
            text.AppendLine("### Reproducibility of the quickstart").AppendLine();
            text.AppendLine("""
                `examples/quickstart.yaml` run from fresh state folders: twice as written (two trials at once), once with
                `concurrency: 1`, and once beside a process spinning a core. SHA-256 of every .fqz written (the first 16 hex
                digits), and each trial's CR and top-1 as printed:
                """).AppendLine();
            text.AppendLine("```").Append(hashes.TrimEnd()).AppendLine().AppendLine("```").AppendLine();
        }
        return text.ToString();
    }
}
