using System.Globalization;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Search;

namespace FocusedQuantization.Client.Sweeps;

/// <summary>
/// `fq pareto --objectives`: a finished sweep's completed trials ranked again on other objectives than the sweep's
/// front uses (for example size against top-5), by non-dominated sorting. Trials stopped early are never on it.
/// </summary>
public static class ObjectiveFront
{
    /// <summary>
    /// Objectives from text: a comma-separated list of metrics, each optionally prefixed by max or min
    /// ("cr,top5", "min compressed_bytes, max top1"). Without a prefix cr, top1 and top5 are maximized, bytes minimized.
    /// </summary>
    public static IReadOnlyList<ObjectiveSpec> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var objectives = new List<ObjectiveSpec>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var words = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            bool? maximize = words.Length == 2 ? words[0].ToLowerInvariant() switch
            {
                "max" or "maximize" => true,
                "min" or "minimize" => false,
                _ => throw new ArgumentException($"--objectives: '{part}' should be METRIC, max METRIC or min METRIC."),
            } : words.Length == 1 ? null : throw new ArgumentException($"--objectives: '{part}' should be METRIC, max METRIC or min METRIC.");
            var metric = SweepVocabulary.Metric(words[^1]) ?? throw new ArgumentException(
                $"--objectives: unknown metric '{words[^1]}'; metrics: {string.Join(", ", SweepVocabulary.Metrics)}.");
            if (objectives.Any(o => o.Metric == metric)) throw new ArgumentException($"--objectives names {words[^1]} twice.");
            objectives.Add(new ObjectiveSpec(metric, maximize ?? metric != ObjectiveMetric.CompressedBytes));
        }
        if (objectives.Count < 2) throw new ArgumentException("--objectives needs at least two metrics, e.g. --objectives cr,top5.");
        return objectives;
    }

    /// <summary>
    /// The non-dominated completed trials on <paramref name="objectives"/>, within <paramref name="maxTop1Drop"/> points of
    /// validation top-1 from dense when given, ordered by the first objective (best first), and their hypervolume
    /// against the worst value of each objective among the trials considered.
    /// </summary>
    public static (IReadOnlyList<TrialStatus> Front, double Hypervolume, int Considered) Compute(
        IReadOnlyList<TrialStatus> trials, IReadOnlyList<ObjectiveSpec> objectives, double? maxTop1Drop)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(objectives);
        var considered = trials
            .Where(t => t is { State: TrialState.Completed, Summary: { } s } && (maxTop1Drop is not { } drop || s.SelectionTop1Dense - s.SelectionTop1 <= drop))
            .Where(t => objectives.All(o => double.IsFinite(t.Summary!.Objective(o.Metric))))
            .OrderBy(t => t.Index)
            .ToArray();
        if (considered.Length == 0) return ([], 0, 0);
        var values = considered.Select(t => (IReadOnlyList<double>)objectives.Select(o => (o.Maximize ? -1 : 1) * t.Summary!.Objective(o.Metric)).ToArray()).ToArray();
        var ranks = ParetoSorting.Ranks(values);
        var front = Enumerable.Range(0, considered.Length).Where(i => ranks[i] == 0).ToArray();
        var reference = Enumerable.Range(0, objectives.Count).Select(m => values.Max(v => v[m])).ToArray();
        var hypervolume = Hypervolume.Compute(front.Select(i => values[i]), reference);
        var ordered = front.OrderBy(i => values[i][0]).ThenBy(i => considered[i].Index).Select(i => considered[i]).ToArray();
        return (ordered, hypervolume, considered.Length);
    }

    /// <summary>A metric's figure as the table shows it.</summary>
    public static string Format(ObjectiveMetric metric, TrialSummary summary) => metric switch
    {
        ObjectiveMetric.Cr => summary.CompressionRatio.ToString("F2", CultureInfo.InvariantCulture) + "x",
        ObjectiveMetric.CompressedBytes => summary.CompressedBytes.ToString("N0", CultureInfo.InvariantCulture),
        _ => summary.Objective(metric).ToString("F2", CultureInfo.InvariantCulture),
    };
}
