using System.Globalization;
using System.Text.Json.Nodes;
using FocusedQuantization.Client.Rendering;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Search;
using Spectre.Console;

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

    /// <summary>The re-ranked front as a table (or a note when no completed trial is left).</summary>
    public static void Render(IReadOnlyList<ObjectiveSpec> objectives, IReadOnlyList<TrialStatus> front, double hypervolume, int considered, int stopped, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (front.Count == 0)
        {
            console.WriteLine("No completed trial (within the constraint) to rank.");
            return;
        }
        var names = objectives.Select(o => (o.Maximize ? "max " : "min ") + SweepVocabulary.Name(o.Metric)).ToArray();
        var table = new Table().Title($"Pareto front on {string.Join(", ", names)}: {front.Count} of {considered} completed trials")
            .AddColumns(["rank", "trial", .. objectives.Select(o => Header(o.Metric)), "test top-1 %", "bits", "config"]);
        for (var i = 0; i < front.Count; i++)
        {
            var trial = front[i];
            table.AddRow([
                (i + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(trial.TrialId),
                .. objectives.Select(o => Format(o.Metric, trial.Summary!)),
                trial.Summary!.Top1.ToString("F2", CultureInfo.InvariantCulture), Markup.Escape(TrialText.Bits(trial.Config)), Markup.Escape(TrialText.Summary(trial.Config)),
            ]);
        }
        table.Caption(string.Create(CultureInfo.InvariantCulture,
            $"hypervolume {hypervolume:G6} against the worst completed trial in each objective; accuracies are validation figures unless named test"));
        console.Write(table);
        if (stopped > 0) console.MarkupLine($"[grey]{stopped} trials stopped early are not ranked: only trials that finished their schedule are.[/]");
    }

    /// <summary>The re-ranked front as JSON: the objectives, the hypervolume and the trials (shaped as in the status), best first.</summary>
    public static string Json(IReadOnlyList<ObjectiveSpec> objectives, IReadOnlyList<TrialStatus> front, double hypervolume, int stopped) => new JsonObject
    {
        ["objectives"] = new JsonArray([.. objectives.Select(o => (JsonNode)JsonValue.Create((o.Maximize ? "max " : "min ") + SweepVocabulary.Name(o.Metric)))]),
        ["hypervolume"] = hypervolume,
        ["stoppedEarly"] = stopped,
        ["trials"] = new JsonArray([.. front.Select((t, i) =>
        {
            var trial = SweepJson.Trial(t);
            trial.Insert(0, "rank", i + 1);
            return (JsonNode)trial;
        })]),
    }.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });

    private static string Header(ObjectiveMetric metric) => metric switch
    {
        ObjectiveMetric.Cr => "CR",
        ObjectiveMetric.Top1 => "val top-1 %",
        ObjectiveMetric.Top5 => "val top-5 %",
        ObjectiveMetric.CompressedBytes => "bytes",
        _ => metric.ToString(),
    };
}
