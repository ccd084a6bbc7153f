using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FocusedQuantization.Search;
using ScottPlot;
using static FocusedQuantization.Benchmarks.Results.Markdown;

namespace FocusedQuantization.Benchmarks.Results;

/// <summary>
/// Issue 12's result on real data: the adaptive sweep with early stopping (examples/lenet5-adaptive.yaml) against random
/// search and a grid at the same budget of trials, on the whole of Fashion-MNIST. The front and every choice use
/// validation accuracy; the chosen point's test accuracy is compared with a dense model trained for as many epochs.
/// </summary>
public static class AdaptiveSection
{
    /// <summary>The issue's target: a front point of at least this CR ...</summary>
    public const double TargetCr = 100;

    /// <summary>... whose test top-1 is at most this many points below the equal-epoch dense model.</summary>
    public const double TargetDrop = 1.0;

    /// <summary>The plots of hypervolume against trials and against epochs.</summary>
    public const string TrialsPlot = "adaptive-hypervolume-trials.svg", EpochsPlot = "adaptive-hypervolume-epochs.svg";

    /// <summary>The three sweeps, in the order they are shown: file stem, spec, title.</summary>
    public static readonly IReadOnlyList<(string Stem, string Spec, string Title)> Sweeps =
    [
        ("adaptive", "examples/lenet5-adaptive.yaml", "NSGA-II + early stopping"),
        ("random", "examples/lenet5-adaptive-random.yaml", "random search"),
        ("grid", "examples/lenet5-adaptive-grid.yaml", "grid"),
    ];

    /// <summary>The section's Markdown; the plot goes to <paramref name="imageFolder"/>.</summary>
    public static string Write(ResultsData data, string imageFolder)
    {
        var text = new StringBuilder();
        text.AppendLine("## Adaptive search with early stopping against random search and a grid").AppendLine();
        var runs = Sweeps
            .Select(s => (s.Stem, s.Spec, s.Title, Status: data.Adaptive($"{s.Stem}.json"), Time: data.Adaptive($"{s.Stem}.time.json")))
            .Where(r => r.Status is not null)
            .Select(r => new SweepRun(r.Stem, r.Spec, r.Title, r.Status!, r.Time))
            .ToArray();
        if (runs.Length == 0) return text.AppendLine("Not run yet: `bench/results.sh adaptive`.").AppendLine().ToString();

        var dense = data.Adaptive("dense.json");
        var reference = Reference(runs[0]);
        var first = runs[0].Trials.First(t => (string?)t["state"] == "completed");
        var (baselineEpochs, pruneEpochs) = ((int)first["config"]!["training"]!["baselineEpochs"]!, (int)first["config"]!["training"]!["pruneEpochs"]!);
        var scheduleEpochs = (int)first["scheduleEpochs"]!;
        text.AppendLine($"""
            LeNet-5 on the whole of Fashion-MNIST (54,000 training images, 6,000 validation images held out of them, 10,000
            test images), 48 trials each: the adaptive sweep (NSGA-II asked as slots free, multi-objective early stopping on
            the fine-tuning epochs) against seeded random search and a 48-point grid over the same ranges, both fine-tuning
            every trial to the end. Each sweep starts from a fresh state folder and trains the same dense baseline
            ({baselineEpochs} epochs, seed {first["config"]!["seed"]}); each trial prunes it ({pruneEpochs} epochs), quantizes and fine-tunes
            ({scheduleEpochs} epochs at schedule scale {first["config"]!["scheduleScale"]}).

            ```sh
            {string.Join("\n", runs.Select(r => $"./fq sweep launch {r.Spec}"))}
            bench/results.sh adaptive     # all three, then the dense model trained as long, then this section
            ```

            Hypervolume is that of the finished trials' front of CR against validation top-1, above the sweeps' shared
            reference point CR 1x, validation top-1 {F(reference.Top1)} % (the dense model's {F(reference.Top1 + TargetDrop)} % less
            the allowed drop of {F(TargetDrop, 1)} point). Epochs count every epoch of pruning and fine-tuning the sweep ran
            (a pruning shared by several grid trials once); CPU time is the fq process's user and system time.

            """);

        List<IReadOnlyList<string>> rows = [];
        foreach (var run in runs)
        {
            var chosen = run.Chosen(reference.Top1);
            rows.Add([
                run.Title, $"{run.Finished} / {run.Stopped} / {run.Failed}", N(run.Epochs), Duration(run.WallSeconds), Duration(run.CpuSeconds),
                F(run.Hypervolume(run.Trials.Count, reference), 1), N(run.Front(reference).Count),
                chosen is null ? "none" : $"{X((double?)chosen["cr"])}, val {F((double?)chosen["validationTop1"])}, test {F((double?)chosen["top1"])}",
            ]);
        }
        var missing = Sweeps.Where(s => runs.All(r => r.Stem != s.Stem)).ToArray();
        if (missing.Length > 0)
            text.AppendLine($"Not run yet: {string.Join(", ", missing.Select(m => $"{m.Title} (`./fq sweep launch {m.Spec}`)"))}.").AppendLine();
        // How a run came about, where it was not one uninterrupted process (notes.json: stem -> text).
        if (data.Adaptive("notes.json") is { } notes)
        {
            foreach (var run in runs)
                if ((string?)notes[run.Stem] is { } note) text.AppendLine($"- {run.Title}: {note}");
            text.AppendLine();
        }
        text.Append(Table(
            ["sweep", "finished / stopped early / failed", "epochs", "wall", "CPU time", "hypervolume", "front size", $"best point of CR >= {TargetCr:0}x (chosen on validation)"],
            rows)).AppendLine();

        Plot(runs, reference, Path.Combine(imageFolder, TrialsPlot), byEpochs: false);
        Plot(runs, reference, Path.Combine(imageFolder, EpochsPlot), byEpochs: true);
        text.AppendLine($"![hypervolume against trials](img/{TrialsPlot})").AppendLine();
        text.AppendLine($"![hypervolume against epochs](img/{EpochsPlot})").AppendLine();

        text.Append(Curve(runs, reference)).AppendLine();
        text.Append(Comparison(runs, reference));
        text.Append(TargetCheck(runs, reference, dense, (baselineEpochs, pruneEpochs, scheduleEpochs)));
        text.Append(FrontTable(runs[0], reference));
        return text.ToString();
    }

    /// <summary>The shared reference point, read from the first sweep's trials: CR 1x, the dense validation top-1 less the allowed drop.</summary>
    private static (double Cr, double Top1) Reference(SweepRun run)
    {
        var dense = run.Trials.Select(t => (double?)t["validationTop1Dense"]).FirstOrDefault(v => v is not null)
            ?? throw new InvalidDataException($"{run.Stem}: no trial has the dense model's validation top-1.");
        return (1.0, dense - TargetDrop);
    }

    private static string Curve(IReadOnlyList<SweepRun> runs, (double Cr, double Top1) reference)
    {
        var marks = new[] { 8, 16, 24, 32, 40, 48 };
        var rows = marks.Select(n => (IReadOnlyList<string>)
            [n.ToString(CultureInfo.InvariantCulture), .. runs.Select(r => $"{F(r.Hypervolume(n, reference), 1)} ({N(r.EpochsThrough(n))} epochs)")]);
        return "Hypervolume after the first n trials (by trial number), with the epochs those trials had run:\n\n"
            + Table(["trials", .. runs.Select(r => r.Title)], rows);
    }

    /// <summary>The adaptive sweep against each baseline: at the same trials, and at the same epochs.</summary>
    private static string Comparison(IReadOnlyList<SweepRun> runs, (double Cr, double Top1) reference)
    {
        if (runs.Count < 2) return "";
        var adaptive = runs[0];
        var hypervolume = adaptive.Hypervolume(adaptive.Trials.Count, reference);
        var text = new StringBuilder("Side by side:\n\n");
        foreach (var baseline in runs.Skip(1))
        {
            var baselineHypervolume = baseline.Hypervolume(baseline.Trials.Count, reference);
            var cpu = adaptive.CpuSeconds is { } a && baseline.CpuSeconds is { } b ? $" and {F(100 * a / b, 0)} % of its CPU time" : "";
            // The baseline's first trials that fit in the epochs the adaptive sweep spent in all.
            var fitting = Enumerable.Range(0, baseline.Trials.Count + 1).Last(n => baseline.EpochsThrough(n) <= adaptive.Epochs);
            text.AppendLine(
                $"- Against {baseline.Title}: after {adaptive.Trials.Count} trials each, hypervolume {F(hypervolume, 1)} against {F(baselineHypervolume, 1)} " +
                $"({F(100 * hypervolume / baselineHypervolume, 1)} %), with {F(100.0 * adaptive.Epochs / baseline.Epochs, 0)} % of its epochs{cpu}. " +
                $"In the {N(adaptive.Epochs)} epochs the adaptive sweep spent, {baseline.Title} ran its first {fitting} trials " +
                $"({N(baseline.EpochsThrough(fitting))} epochs), whose hypervolume is {F(baseline.Hypervolume(fitting, reference), 1)}. " +
                $"The largest CR above the reference point: {X(adaptive.LargestCr(reference))} against {X(baseline.LargestCr(reference))} " +
                "(a front's hypervolume grows with it).");
        }
        return text.AppendLine().AppendLine("""
            One run, one seed, each: docs/BENCHMARKS.md has the medians over seeds of the same samplers and early stopping on
            the tabular replay of this problem.

            """).ToString();
    }

    private static string TargetCheck(IReadOnlyList<SweepRun> runs, (double Cr, double Top1) reference, JsonObject? dense, (int Baseline, int Prune, int FineTune) trialEpochs)
    {
        var text = new StringBuilder();
        var adaptive = runs[0];
        var chosen = adaptive.Chosen(reference.Top1);
        var equal = dense?["equalEpochDense"];
        text.AppendLine($"""
            **The target** (issue 12): a front point of CR >= {TargetCr:0}x whose test top-1 is within {F(TargetDrop, 1)} point of a dense
            model trained for as many epochs as the compressed one received, the point chosen on validation.

            """);
        if (equal is null)
        {
            text.AppendLine("The equal-epoch dense model has not been trained yet (`bench/results.sh adaptive`).").AppendLine();
            return text.ToString();
        }
        var denseTest = (double)equal["top1"]!;
        var denseValidation = (double?)equal["validationTop1"];
        var epochs = (int)equal["epochs"]!;
        text.AppendLine($"""
            The dense model trained for {epochs} epochs (a finished trial received {trialEpochs.Baseline} baseline + {trialEpochs.Prune} pruning + {trialEpochs.FineTune} fine-tuning; the same recipe and seed as
            the sweeps' baseline; `fq compress ... --equal-epoch-baseline`, command in `docs/results-data/adaptive/commands.txt`):
            test top-1 {F(denseTest)} %, validation top-1 {F(denseValidation)} %.

            """);
        var trialTotal = trialEpochs.Baseline + trialEpochs.Prune + trialEpochs.FineTune;
        if (epochs != trialTotal)
        {
            text.AppendLine($"Not checked: that dense model trained {epochs} epochs, not the trials' {trialTotal}; run `bench/results.sh adaptive` again.").AppendLine();
            return text.ToString();
        }
        if (chosen is null)
        {
            text.AppendLine($"Not met: the adaptive sweep finished no trial of CR >= {TargetCr:0}x above the reference point.").AppendLine();
            return text.ToString();
        }
        var test = (double)chosen["top1"]!;
        var drop = denseTest - test;
        text.AppendLine($"""
            Chosen on validation among the adaptive sweep's finished trials of CR >= {TargetCr:0}x: {chosen["trialId"]}, {X((double?)chosen["cr"])},
            validation top-1 {F((double?)chosen["validationTop1"])} %, test top-1 {F(test)} %: {F(drop)} points below the equal-epoch dense model.
            **{(drop <= TargetDrop ? "Met" : "Not met")}.**

            """);
        foreach (var baseline in runs.Skip(1))
        {
            if (baseline.Chosen(reference.Top1) is not { } other)
            {
                text.AppendLine($"{baseline.Title} finished no trial of CR >= {TargetCr:0}x above the reference point.");
                continue;
            }
            var otherDrop = denseTest - (double)other["top1"]!;
            text.AppendLine(
                $"The same choice in {baseline.Title}: {other["trialId"]}, {X((double?)other["cr"])}, validation top-1 {F((double?)other["validationTop1"])} %, " +
                $"test top-1 {F((double?)other["top1"])} %: {F(otherDrop)} points below ({(otherDrop <= TargetDrop ? "within" : "outside")} the {F(TargetDrop, 1)} point).");
        }
        if (runs.Count > 1) text.AppendLine();
        return text.ToString();
    }

    private static string FrontTable(SweepRun run, (double Cr, double Top1) reference)
    {
        var front = run.Front(reference);
        var rows = front.Select(t => (IReadOnlyList<string>)
        [
            (string)t["trialId"]!, X((double?)t["cr"]), F((double?)t["validationTop1"]), F((double?)t["top1"]), Config(t["config"]!),
        ]);
        return $"The adaptive sweep's front (finished trials, by CR):\n\n"
            + Table(["trial", "CR", "val top-1 %", "test top-1 %", "config"], rows) + "\n";
    }

    private static string Config(JsonNode config)
    {
        var parts = new List<string>();
        if (config["layerSparsity"] is JsonObject layers)
            parts.AddRange(layers.Select(l => $"{l.Key} {F((double?)l.Value, 3)}"));
        parts.Add($"others {F((double?)config["sparsity"], 3)}");
        parts.Add($"{config["bits"]} bits");
        parts.Add($"w_sep {config["wSep"]}");
        parts.Add($"lr {F((double?)config["fineTuneLr"], 4)}");
        return string.Join(", ", parts);
    }

    private static void Plot(IReadOnlyList<SweepRun> runs, (double Cr, double Top1) reference, string path, bool byEpochs)
    {
        using var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            var counts = Enumerable.Range(1, run.Trials.Count).ToArray();
            var xs = counts.Select(n => byEpochs ? run.EpochsThrough(n) : (double)n).ToArray();
            var line = plot.Add.ScatterLine(xs, counts.Select(n => run.Hypervolume(n, reference)).ToArray(), palette.GetColor(i));
            line.LegendText = run.Title;
            line.LineWidth = 2;
        }
        plot.Title(byEpochs ? "LeNet-5 / Fashion-MNIST: hypervolume against epochs spent" : "LeNet-5 / Fashion-MNIST: hypervolume against trials");
        plot.XLabel(byEpochs ? "epochs of pruning and fine-tuning" : "trials (by number)");
        plot.YLabel("hypervolume (CR x validation top-1 points)");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SaveSvg(path, 800, 450);
    }

    /// <summary>One sweep's status JSON with the figures the section needs.</summary>
    private sealed class SweepRun(string stem, string spec, string title, JsonObject status, JsonObject? time)
    {
        public string Stem { get; } = stem;
        public string Spec { get; } = spec;
        public string Title { get; } = title;
        public IReadOnlyList<JsonNode> Trials { get; } = status["trials"]!.AsArray().Select(t => t!).OrderBy(t => (int)t["index"]!).ToArray();
        public double? WallSeconds { get; } = (double?)time?["seconds"];
        public double? CpuSeconds { get; } = (double?)time?["cpuSeconds"];

        public int Finished => Trials.Count(t => (string?)t["state"] == "completed");
        public int Stopped => Trials.Count(t => (string?)t["state"] == "stopped");
        public int Failed => Trials.Count(t => (string?)t["state"] is "failed" or "cancelled");

        /// <summary>Epochs of pruning (each distinct pruning once) and fine-tuning run by the first <paramref name="n"/> trials.</summary>
        public long EpochsThrough(int n)
        {
            var first = Trials.Take(n).ToArray();
            var prunings = first.Where(t => t["config"] is not null).Select(PruneKey).Distinct().Count();
            var pruneEpochs = first.Select(t => (int?)t["config"]?["training"]?["pruneEpochs"]).FirstOrDefault(e => e is not null) ?? 0;
            // A finished trial ran its whole schedule (also one promoted late: it resumed where it paused); a stopped one its epochs so far.
            var fineTuning = first.Sum(t => (long)((int?)t["epochsRun"] ?? 0));
            return (long)prunings * pruneEpochs + fineTuning;
        }

        public long Epochs => EpochsThrough(Trials.Count);

        /// <summary>Hypervolume of the finished trials among the first <paramref name="n"/>.</summary>
        public double Hypervolume(int n, (double Cr, double Top1) reference) =>
            Search.Hypervolume.Compute(Points(Trials.Take(n)), [-reference.Cr, -reference.Top1]);

        /// <summary>The largest CR among finished trials above the reference point (null when none is).</summary>
        public double? LargestCr((double Cr, double Top1) reference) =>
            Front(reference).Select(t => (double?)t["cr"]).DefaultIfEmpty(null).Max();

        /// <summary>The non-dominated finished trials, by CR.</summary>
        public IReadOnlyList<JsonNode> Front((double Cr, double Top1) reference)
        {
            var candidates = FinishedAbove(Trials, reference).ToArray();
            return candidates
                .Where(t => !candidates.Any(o => Dominates(o, t)))
                .OrderBy(t => (double)t["cr"]!)
                .ToArray();
        }

        /// <summary>The finished trial of CR at least <see cref="TargetCr"/> with the best validation top-1 that keeps the constraint.</summary>
        public JsonNode? Chosen(double minimumValidationTop1) =>
            Trials.Where(t => (string?)t["state"] == "completed" && (double?)t["cr"] >= TargetCr && (double?)t["validationTop1"] >= minimumValidationTop1)
                .OrderByDescending(t => (double)t["validationTop1"]!).ThenByDescending(t => (double)t["cr"]!)
                .FirstOrDefault();

        private static IEnumerable<IReadOnlyList<double>> Points(IEnumerable<JsonNode> trials) =>
            trials.Where(t => (string?)t["state"] == "completed" && t["cr"] is not null && t["validationTop1"] is not null)
                .Select(t => (IReadOnlyList<double>)[-(double)t["cr"]!, -(double)t["validationTop1"]!]);

        private static IEnumerable<JsonNode> FinishedAbove(IEnumerable<JsonNode> trials, (double Cr, double Top1) reference) =>
            trials.Where(t => (string?)t["state"] == "completed" && (double?)t["cr"] > reference.Cr && (double?)t["validationTop1"] > reference.Top1);

        private static bool Dominates(JsonNode a, JsonNode b)
        {
            double ca = (double)a["cr"]!, cb = (double)b["cr"]!, va = (double)a["validationTop1"]!, vb = (double)b["validationTop1"]!;
            return ca >= cb && va >= vb && (ca > cb || va > vb);
        }

        private static string PruneKey(JsonNode trial)
        {
            var config = trial["config"]!;
            return $"{config["sparsity"]}|{config["pruneAlpha"]}|{config["layerSparsity"]?.ToJsonString()}";
        }
    }
}
