using System.Text;

namespace FocusedQuantization.Benchmarks.Results;

/// <summary>docs/RESULTS.md: a header, the table, the w_sep experiment, the sweeps, and what missed its target.</summary>
public static class ResultsDocument
{
    /// <summary>The whole document; plots go to <paramref name="docsFolder"/>/img.</summary>
    public static string Write(ResultsData data, string docsFolder)
    {
        var text = new StringBuilder();
        text.AppendLine("# Results").AppendLine();
        text.AppendLine($"""
            Written by `bench/results.sh` from real runs; the raw outputs it saved are in `docs/results-data/`
            (`bench/results.sh write` regenerates this file from them, `bench/results.sh` reruns everything). Newest data
            of {data.Newest()?.ToString("yyyy-MM-dd") ?? "-"}, on {data.Text("machine.txt")?.Trim() ?? "this project's machine kind"}.
            Accuracies are in percent. CR is the dense model's size (4 bytes a parameter) over the .fqz file's real size,
            every byte counted.

            Every section was measured after the fixes of the "Trustworthy results" issue (own optimiser, validation split,
            divergence checks). The first gives the fair comparison: the accuracy drop against a dense model trained as long
            as the compressed one. Table 1 and the w_sep section report test accuracy of fixed settings, nothing chosen
            from it, next to the dense model the compression started from (trained for fewer epochs than the compressed
            model received in total); the sweeps' fronts are chosen on validation accuracy.

            """);
        text.Append(TrustSection.Write(data));
        text.Append(TableSection.Write(data));
        text.Append(WSepSection.Write(data, Path.Combine(docsFolder, "img")));
        text.Append(SweepSection.Write(data));
        text.Append(AdaptiveSection.Write(data, Path.Combine(docsFolder, "img")));
        text.Append(TargetsSection.Write(data));
        return text.ToString();
    }
}
