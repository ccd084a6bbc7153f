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
            (`bench/results.sh write` regenerates this file from them, `bench/results.sh` reruns everything). Data of
            {data.Newest()?.ToString("yyyy-MM-dd") ?? "-"}, on {data.Text("machine.txt")?.Trim() ?? "this project's machine kind"}.
            Accuracies are on the test set, in percent. CR is the dense model's size (4 bytes a parameter) over the .fqz
            file's real size, every byte counted.

            """);
        text.Append(TableSection.Write(data));
        text.Append(WSepSection.Write(data, Path.Combine(docsFolder, "img")));
        text.Append(SweepSection.Write(data));
        text.Append(TargetsSection.Write(data));
        return text.ToString();
    }
}
