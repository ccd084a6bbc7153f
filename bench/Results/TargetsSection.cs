using System.Text;
using static FocusedQuantization.Benchmarks.Results.Markdown;

namespace FocusedQuantization.Benchmarks.Results;

/// <summary>Each target the results are held to, met or not, with the reason where not; then the hand-written notes.</summary>
public static class TargetsSection
{
    /// <summary>The foundation issue's target: at least this CR ...</summary>
    public const double TargetCr = 40;

    /// <summary>... at most this many points of top-1 below the dense baseline.</summary>
    public const double TargetDrop = 0.5;

    /// <summary>The section's Markdown.</summary>
    public static string Write(ResultsData data)
    {
        var text = new StringBuilder();
        text.AppendLine("## Targets: what was met and what was not").AppendLine();
        var rows = new List<IReadOnlyList<string>>();
        foreach (var (model, title, deepCompression) in TableSection.Models)
        {
            foreach (var bits in TableSection.Widths)
            {
                if (data.Report(model, bits) is not { } report) continue;
                var drop = (double)report["top1Dense"]! - (double)report["top1Compressed"]!;
                var cr = (double)report["compressionRatio"]!;
                var paperCr = (double)report["paperCodingCompressionRatio"]!;
                var met = cr >= TargetCr && drop <= TargetDrop;
                rows.Add([
                    $"{title} {bits}-bit", $"CR >= {TargetCr:0} at a top-1 drop <= {TargetDrop}", $"{X(cr)}, drop {F(drop)}",
                    met ? "met" : cr < TargetCr ? $"no: CR below {TargetCr:0}" : "no: top-1 drop too large",
                ]);
                rows.Add([
                    $"{title} {bits}-bit, paper coding", $"Deep Compression's {deepCompression:0}x (MNIST)", X(paperCr),
                    paperCr >= deepCompression ? "met" : "no: per-symbol Huffman spends at least 1 bit a weight, zeros included, so it cannot pass 32x",
                ]);
            }
        }
        if (rows.Count == 0) text.AppendLine("No compress runs yet.").AppendLine();
        else text.Append(Table(["run", "target", "measured", "met"], rows)).AppendLine();

        if (data.Text("notes.md") is { } notes) text.AppendLine(notes.TrimEnd()).AppendLine();
        return text.ToString();
    }
}
