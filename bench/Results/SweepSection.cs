using System.Text;
using System.Text.Json.Nodes;
using static FocusedQuantization.Benchmarks.Results.Markdown;

namespace FocusedQuantization.Benchmarks.Results;

/// <summary>The quickstart sweep on the embedded default and on a 3-silo cluster of this machine.</summary>
public static class SweepSection
{
    /// <summary>The section's Markdown.</summary>
    public static string Write(ResultsData data)
    {
        var text = new StringBuilder();
        text.AppendLine("## A sweep: embedded default and a 3-silo cluster").AppendLine();
        var embedded = data.Sweep("embedded.json");
        if (embedded is null) return text.AppendLine("Not run yet: `bench/results.sh sweeps`.").AppendLine().ToString();

        var embeddedSeconds = (double?)data.Sweep("embedded.time.json")?["seconds"];
        var pareto = data.Sweep("embedded-pareto.json");
        var trials = embedded["trials"]!.AsArray();
        var training = trials[0]!["config"]!["training"]!;
        text.AppendLine($"""
            `examples/quickstart.yaml` (the README's main job): {embedded["model"]} on {embedded["dataset"]},
            {N((long?)training["trainLimit"])} training and {N((long?)training["testLimit"])} test images, {trials.Count} trials, each
            from a fresh state folder so that the baseline is trained inside the measured time.

            ```sh
            ./fq sweep launch examples/quickstart.yaml                  # embedded: one silo in the fq process
            ./fq pareto <id>                                            # the table below
            ./fq pareto <id> --plot front.svg                           # the plot below
            ```

            Embedded default: **{Duration(embeddedSeconds)}** wall for the whole sweep (build excluded), hypervolume
            {F((double?)pareto?["hypervolume"], 3)}. `fq pareto` printed:

            ```
            {data.Text(Path.Combine("sweeps", "embedded-pareto.txt"))?.TrimEnd()}
            ```

            """);
        if (data.Has(Path.Combine("sweeps", "embedded-pareto.svg")))
            text.AppendLine("![the quickstart sweep's Pareto front](results-data/sweeps/embedded-pareto.svg)").AppendLine();

        var cluster = data.Sweep("cluster.json");
        if (cluster is null) return text.AppendLine("The 3-silo run: not run yet.").AppendLine().ToString();
        var clusterSeconds = (double?)data.Sweep("cluster.time.json")?["seconds"];
        var clusterTrials = cluster["trials"]!.AsArray();
        text.AppendLine($"""
            The same spec on 3 silo processes over Redis on this same 2-core machine (`infra/cluster.sh start 3`, then
            `fq sweep launch examples/quickstart.yaml --cluster redis://127.0.0.1:6391 --watch`): **{Duration(clusterSeconds)}**
            wall against {Duration(embeddedSeconds)} embedded ({F(clusterSeconds / embeddedSeconds)}x). Three silos share two
            cores here, so the cluster cannot be faster; what the run shows is where the work went:

            """);
        var rows = clusterTrials.Select(t => (IReadOnlyList<string>)
        [
            (string)t!["trialId"]!, Config(t["config"]!), (string?)t["silo"] ?? "-", F((double?)t["seconds"], 1), X((double?)t["cr"]), F((double?)t["top1"]),
        ]);
        text.Append(Table(["trial", "config", "silo", "seconds", "CR", "top-1 %"], rows)).AppendLine();
        var bySilo = clusterTrials.GroupBy(t => (string?)t!["silo"] ?? "-").Select(g => $"{g.Key}: {g.Count()}");
        text.AppendLine($"Trials per silo: {string.Join("; ", bySilo)}. The results equal the embedded run's trial for trial " +
                        $"({(SameResults(trials, clusterTrials) ? "checked: same CR and top-1" : "NOT the same: see the tables")}), since every stage is seeded.").AppendLine();
        return text.ToString();
    }

    private static string Config(JsonNode config) => $"sparsity {config["sparsity"]}, {config["bits"]} bits";

    private static bool SameResults(JsonArray a, JsonArray b) =>
        a.Count == b.Count && a.Zip(b).All(p => (int)p.First!["index"]! == (int)p.Second!["index"]!
            && Math.Abs(((double?)p.First["cr"] ?? -1) - ((double?)p.Second["cr"] ?? -2)) < 1e-9
            && Math.Abs(((double?)p.First["top1"] ?? -1) - ((double?)p.Second["top1"] ?? -2)) < 1e-9);
}
