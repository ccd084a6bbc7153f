using System.Text;
using System.Text.Json.Nodes;
using static FocusedQuantization.Benchmarks.Results.Markdown;

namespace FocusedQuantization.Benchmarks.Results;

/// <summary>The quickstart sweep on the embedded default and on 1-, 2- and 3-silo clusters of this machine.</summary>
public static class SweepSection
{
    /// <summary>The section's Markdown.</summary>
    public static string Write(ResultsData data)
    {
        var text = new StringBuilder();
        text.AppendLine("## A sweep: the embedded default and 1-, 2- and 3-silo clusters").AppendLine();
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

        var runs = new[] { 1, 2, 3 }
            .Select(n => (Silos: n, Status: data.Sweep($"cluster{n}.json"), Seconds: (double?)data.Sweep($"cluster{n}.time.json")?["seconds"]))
            .Where(r => r.Status is not null)
            .ToArray();
        if (runs.Length == 0) return text.AppendLine("The cluster runs: not run yet.").AppendLine().ToString();
        text.AppendLine("""
            The same spec on 1, 2 and 3 silo processes over Redis on this same 2-core machine (`infra/cluster.sh start N`,
            then `fq sweep launch examples/quickstart.yaml --cluster redis://127.0.0.1:6391 --watch`). The silos share two
            cores, so more silos cannot be faster here; what the runs show is the cost of going out of process and where
            the work went (docs/SCALING.md takes it further).

            """);
        List<IReadOnlyList<string>> summary = [["embedded (in the fq process)", Duration(embeddedSeconds), "1.00", "-"]];
        summary.AddRange(runs.Select(r => (IReadOnlyList<string>)
        [
            $"{r.Silos} silo process{(r.Silos == 1 ? "" : "es")} over Redis", Duration(r.Seconds), F(r.Seconds / embeddedSeconds),
            string.Join("; ", r.Status!["trials"]!.AsArray().GroupBy(t => (string?)t!["silo"] ?? "-").OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}")),
        ]));
        text.Append(Table(["where", "wall", "against embedded", "trials per silo"], summary)).AppendLine();

        var widest = runs[^1];
        var rows = widest.Status!["trials"]!.AsArray().Select(t => (IReadOnlyList<string>)
        [
            (string)t!["trialId"]!, Config(t["config"]!), (string?)t["silo"] ?? "-", F((double?)t["seconds"], 1), X((double?)t["cr"]), F((double?)t["top1"]),
        ]);
        text.AppendLine($"The {widest.Silos}-silo run, trial by trial:").AppendLine();
        text.Append(Table(["trial", "config", "silo", "seconds", "CR", "top-1 %"], rows)).AppendLine();
        var same = runs.All(r => SameResults(trials, r.Status!["trials"]!.AsArray()));
        text.AppendLine(same
            ? "Every cluster run produced the embedded run's results trial for trial (same CR and top-1): every stage is seeded, wherever it runs."
            : "The cluster runs did NOT all reproduce the embedded run's results trial for trial: compare the tables.").AppendLine();
        return text.ToString();
    }

    private static string Config(JsonNode config) => $"sparsity {config["sparsity"]}, {config["bits"]} bits";

    private static bool SameResults(JsonArray a, JsonArray b) =>
        a.Count == b.Count && a.Zip(b).All(p => (int)p.First!["index"]! == (int)p.Second!["index"]!
            && Math.Abs(((double?)p.First["cr"] ?? -1) - ((double?)p.Second["cr"] ?? -2)) < 1e-9
            && Math.Abs(((double?)p.First["top1"] ?? -1) - ((double?)p.Second["top1"] ?? -2)) < 1e-9);
}
