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

            The first section was measured after the fixes of the "Trustworthy results" issue (own optimiser, validation
            split, equal-epoch baseline). The sections after it (Table 1, w_sep, sweeps) were measured on 2026-11-28 on a
            machine of the same kind with an Intel Xeon CPU, before them: with TorchSharp's optimiser, whose updates could be corrupted now and then, accuracies on the test
            set, and the drop measured against a dense model trained for fewer epochs than the compressed one. Read them
            as that; `bench/results.sh table wsep sweeps write` measures them again.

            """);
        text.Append(TrustSection.Write(data));
        text.Append(TableSection.Write(data));
        text.Append(WSepSection.Write(data, Path.Combine(docsFolder, "img")));
        text.Append(SweepSection.Write(data));
        text.Append(TargetsSection.Write(data));
        return text.ToString();
    }
}
