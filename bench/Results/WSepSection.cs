using System.Text;
using System.Text.Json.Nodes;
using ScottPlot;
using static FocusedQuantization.Benchmarks.Results.Markdown;

namespace FocusedQuantization.Benchmarks.Results;

/// <summary>The paper's w_sep experiment: top-1 and CR against w_sep over several seeds, and which layers recentralized.</summary>
public static class WSepSection
{
    /// <summary>The plot's file name under docs/img.</summary>
    public const string PlotFile = "wsep-top1.svg";

    private sealed record Point(int Seed, double WSep, double Top1, double Cr, double Top1Dense, IReadOnlyList<(string Name, string Mode, double Separation)> Layers);

    /// <summary>The section's Markdown; draws the plot into <paramref name="imageFolder"/>.</summary>
    public static string Write(ResultsData data, string imageFolder)
    {
        var text = new StringBuilder();
        text.AppendLine("## The w_sep experiment").AppendLine();
        var sweeps = data.WSepSweeps();
        if (sweeps.Count == 0) return text.AppendLine("Not run yet: `bench/results.sh wsep`.").AppendLine().ToString();

        var points = sweeps.SelectMany(s => s.Status["trials"]!.AsArray()
            .Where(t => (string?)t!["state"] == "completed")
            .Select(t => new Point(s.Seed, (double)t!["config"]!["wSep"]!, (double)t["top1"]!, (double)t["cr"]!, (double?)t["top1Dense"] ?? double.NaN,
                t["layers"]!.AsArray().Select(l => ((string)l!["name"]!, (string)l["mode"]!, (double)l["separation"]!)).ToArray())))
            .ToArray();
        var seeds = sweeps.Select(s => s.Seed).ToArray();
        var widths = points.Select(p => p.WSep).Distinct().Order().ToArray();
        var training = sweeps[0].Status["trials"]!.AsArray()[0]!["config"]!["training"]!;

        text.AppendLine($"""
            The paper sweeps w_sep, the Wasserstein separation of a layer's two weight peaks from which the layer is
            recentralized (two Gaussians around power-of-two means) instead of shift-quantized around zero, and finds a
            broad optimum. Here: LeNet-5 on Fashion-MNIST ({N((long?)training["trainLimit"])} training and
            {N((long?)training["testLimit"])} test images, baseline {training["baselineEpochs"]} epochs, pruning
            {training["pruneEpochs"]} epochs to 92 %), 5 bits, w_sep from {F(widths.First(), 1)} to {F(widths.Last(), 1)},
            seeds {string.Join(", ", seeds)} (each seed trains its own baseline). Each seed is one sweep of
            `examples/wsep.yaml`:

            ```sh
            bench/results.sh wsep      # fq sweep launch examples/wsep.yaml, once per seed
            ```

            """);

        var layerNames = points[0].Layers.Select(l => l.Name).ToArray();
        var header = new List<string> { "w_sep" };
        header.AddRange(seeds.Select(s => $"top-1 % seed {s}"));
        header.AddRange(["mean top-1 %", "mean CR", "recentralized layers (seeds)"]);
        var rows = widths.Select(w =>
        {
            var at = points.Where(p => p.WSep == w).ToArray();
            var row = new List<string> { F(w, 1) };
            row.AddRange(seeds.Select(s => F(at.FirstOrDefault(p => p.Seed == s)?.Top1)));
            row.Add(F(at.Average(p => p.Top1)));
            row.Add(X(at.Average(p => p.Cr)));
            var recentralized = layerNames
                .Select(name => (name, count: at.Count(p => p.Layers.Any(l => l.Name == name && l.Mode == "recentralized"))))
                .Where(x => x.count > 0)
                .Select(x => $"{Short(x.name)} ({x.count}/{at.Length})");
            row.Add(string.Join(", ", recentralized) is { Length: > 0 } r ? r : "none");
            return (IReadOnlyList<string>)row;
        });
        text.Append(Table(header, rows)).AppendLine();

        text.AppendLine("Each layer's separation (the median over the seed's trials; a layer is recentralized when it is at least w_sep):").AppendLine();
        var sepHeader = new List<string> { "layer" };
        sepHeader.AddRange(seeds.Select(s => $"seed {s}"));
        var sepRows = layerNames.Select(name =>
        {
            var row = new List<string> { name };
            row.AddRange(seeds.Select(s => F(Median(points.Where(p => p.Seed == s).Select(p => p.Layers.First(l => l.Name == name).Separation)))));
            return (IReadOnlyList<string>)row;
        });
        text.Append(Table(sepHeader, sepRows)).AppendLine();

        Plot(points, seeds, widths, Path.Combine(imageFolder, PlotFile));
        text.AppendLine($"![top-1 against w_sep](img/{PlotFile})").AppendLine();

        var dense = points.Where(p => double.IsFinite(p.Top1Dense)).Select(p => p.Top1Dense).Distinct().ToArray();
        if (dense.Length > 0)
            text.AppendLine($"Dense baselines: {string.Join(", ", dense.Select(d => F(d)))} % top-1.").AppendLine();
        var best = widths.MaxBy(w => points.Where(p => p.WSep == w).Average(p => p.Top1));
        var spread = widths.Max(w => points.Where(p => p.WSep == w).Average(p => p.Top1)) - widths.Min(w => points.Where(p => p.WSep == w).Average(p => p.Top1));
        text.AppendLine($"The best mean top-1 is at w_sep {F(best, 1)}; the means span {F(spread)} points across the range.").AppendLine();
        return text.ToString();
    }

    private static string Short(string layer) => layer.EndsWith(".weight", StringComparison.Ordinal) ? layer[..^".weight".Length] : layer;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static void Plot(IReadOnlyList<Point> points, IReadOnlyList<int> seeds, IReadOnlyList<double> widths, string path)
    {
        using var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < seeds.Count; i++)
        {
            var mine = points.Where(p => p.Seed == seeds[i]).OrderBy(p => p.WSep).ToArray();
            var scatter = plot.Add.ScatterPoints(mine.Select(p => p.WSep).ToArray(), mine.Select(p => p.Top1).ToArray(), palette.GetColor(i));
            scatter.MarkerSize = 8;
            scatter.LegendText = $"seed {seeds[i]}";
        }
        var mean = plot.Add.ScatterLine(widths.ToArray(), widths.Select(w => points.Where(p => p.WSep == w).Average(p => p.Top1)).ToArray(), Colors.Black);
        mean.LineWidth = 2;
        mean.LegendText = "mean";
        plot.Title("LeNet-5 / Fashion-MNIST, 5 bits: top-1 against w_sep");
        plot.XLabel("w_sep");
        plot.YLabel("top-1 %");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SaveSvg(path, 800, 500);
    }
}
