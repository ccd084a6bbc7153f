using FocusedQuantization.Grains.Interfaces.Sweeps;
using ScottPlot;

namespace FocusedQuantization.Client.Rendering;

/// <summary>
/// `fq pareto --plot`: every completed trial as a grey point, the front as a highlighted staircase with markers, and
/// the dense baseline; compression ratio across, top-1 % up. PNG or SVG by the file's extension.
/// </summary>
public static class ParetoPlot
{
    /// <summary>Width of the image in pixels: 900.</summary>
    public const int Width = 900;

    /// <summary>Height of the image in pixels: 600.</summary>
    public const int Height = 600;

    /// <summary>Whether the path ends in .png or .svg (any case).</summary>
    public static bool IsSupported(string path) => Extension(path) is ".png" or ".svg";

    /// <summary>
    /// Draws the front and <paramref name="completed"/> (every completed trial, paged from the sweep) to
    /// <paramref name="path"/>; any extension but .png and .svg is an ArgumentException.
    /// </summary>
    public static void Save(ParetoResult pareto, IReadOnlyList<TrialStatus> completed, string path, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(pareto);
        ArgumentNullException.ThrowIfNull(completed);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var extension = Extension(path);
        if (extension is not (".png" or ".svg"))
            throw new ArgumentException($"A plot must be a .png or .svg file, got '{path}'.", nameof(path));

        using var plot = Build(pareto, completed, title);
        if (extension == ".png") plot.SavePng(path, Width, Height);
        else plot.SaveSvg(path, Width, Height);
    }

    private static Plot Build(ParetoResult pareto, IReadOnlyList<TrialStatus> trials, string? title)
    {
        var plot = new Plot();
        // Text needs a system font (fonts-dejavu-core here); without any, the plot is still drawn, with no labels.
        var completed = trials.Where(t => t.Summary is not null).ToList();
        if (completed.Count > 0)
        {
            var all = plot.Add.ScatterPoints(
                completed.Select(t => t.Summary!.CompressionRatio).ToArray(), completed.Select(t => t.Summary!.SelectionTop1).ToArray(), Colors.Gray.WithAlpha(0.6));
            all.MarkerSize = 7;
            all.LegendText = "trials";
        }

        var front = pareto.Front.Where(t => t.Summary is not null).Select(t => t.Summary!).OrderBy(r => r.CompressionRatio).ToList();
        if (front.Count > 0)
        {
            // The edge of the region the front dominates: from each point down to the next one's accuracy, then across.
            var xs = new List<double>();
            var ys = new List<double>();
            for (var i = 0; i < front.Count; i++)
            {
                if (i > 0)
                {
                    xs.Add(front[i - 1].CompressionRatio);
                    ys.Add(front[i].SelectionTop1);
                }
                xs.Add(front[i].CompressionRatio);
                ys.Add(front[i].SelectionTop1);
            }
            var edge = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray(), Colors.OrangeRed);
            edge.LineWidth = 2;
            var points = plot.Add.ScatterPoints(front.Select(r => r.CompressionRatio).ToArray(), front.Select(r => r.SelectionTop1).ToArray(), Colors.OrangeRed);
            points.MarkerSize = 11;
            points.LegendText = "Pareto front";
        }

        if (double.IsFinite(pareto.ReferenceCompressionRatio) && double.IsFinite(pareto.ReferenceTop1) && pareto.ReferenceTop1 > 0)
        {
            var dense = plot.Add.ScatterPoints(new[] { pareto.ReferenceCompressionRatio }, new[] { pareto.ReferenceTop1 }, Colors.SteelBlue);
            dense.MarkerShape = MarkerShape.FilledSquare;
            dense.MarkerSize = 10;
            dense.LegendText = "dense baseline";
        }

        plot.Title(title ?? (completed.Count == 0
            ? "Pareto front: no completed trials yet"
            : $"Pareto front: {pareto.Front.Count} of {completed.Count} trials, hypervolume {pareto.Hypervolume:G4}"));
        plot.XLabel("compression ratio");
        plot.YLabel("validation top-1 %");
        plot.ShowLegend(Alignment.LowerLeft);
        return plot;
    }

    private static string Extension(string path) => Path.GetExtension(path ?? "").ToLowerInvariant();
}
