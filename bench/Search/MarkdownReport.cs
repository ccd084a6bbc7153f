using System.Globalization;
using System.Text;
using FocusedQuantization.Benchmarks.Search.Problems;

namespace FocusedQuantization.Benchmarks.Search;

/// <summary>`--markdown FILE`: the side-by-side tables of one run, for docs/BENCHMARKS.md.</summary>
public static class MarkdownReport
{
    public static void Write(string path, BenchSettings settings, IReadOnlyList<SamplerSummary> summaries, string command, TimeSpan wall)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(summaries);
        var text = new StringBuilder();
        var samplers = settings.Samplers;
        SamplerSummary Of(IProblem p, string s) => summaries.Single(x => x.Problem == p.Name && x.Sampler == s);
        void Header(string first, string? second = null)
        {
            text.Append("| ").Append(first).Append(second is null ? "" : $" | {second}").Append(" | ").Append(string.Join(" | ", samplers)).AppendLine(" |");
            text.Append("|---").Append(second is null ? "" : string.Concat(second.Split('|').Select(_ => "|---"))).Append(string.Concat(samplers.Select(_ => "|---:"))).AppendLine("|");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"```sh\n{command}\n```\n");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores (shared), load average before/after: {LoadBefore} / {Load()}; " +
            $"{settings.Trials} trials, seeds {settings.SeedBase}..{settings.SeedBase + settings.Seeds - 1}{Fewer(settings)}, {settings.Parallel} workers; wall time {wall.TotalMinutes:F1} min.");
        text.AppendLine();

        foreach (var budget in Harness.Budgets(settings.Trials, settings.Budgets))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Hypervolume after {budget} trials (median of {settings.Seeds} seeds{Fewer(settings)}; higher is better; the best of each row in bold; front: the Pareto front's own, about the most any sampler can reach):\n");
            Header("problem", "reference point | front");
            foreach (var problem in settings.Problems)
            {
                var values = samplers.Select(s => Of(problem, s).At(budget)).ToArray();
                var best = values.Max();
                var reference = "(" + string.Join(", ", problem.Reference.Select(r => r.ToString("G4", CultureInfo.InvariantCulture))) + ")";
                text.AppendLine($"| {problem.Name} | {reference} | {Harness.Format(problem.FrontHypervolume)} | {string.Join(" | ", values.Select(v => v == best && best > 0 ? $"**{Harness.Format(v)}**" : Harness.Format(v)))} |");
            }
            text.AppendLine();
        }

        if (Harness.Baseline(samplers) is { } baseline)
        {
            var budget = Math.Min(Harness.BaselineBudget, settings.Trials);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Trials to reach {baseline}'s {budget}-trial hypervolume (the smallest trial count whose median hypervolume is at least {baseline}'s median at {budget}; - : not within {settings.Trials}):\n");
            Header("problem");
            foreach (var problem in settings.Problems)
            {
                var target = Of(problem, baseline);
                var cells = samplers.Select(s => target.At(budget) <= 0 ? "n/a" : Harness.TrialsToReach(Of(problem, s), target)?.ToString(CultureInfo.InvariantCulture) ?? "-");
                text.AppendLine($"| {problem.Name} | {string.Join(" | ", cells)} |");
            }
            text.AppendLine();
        }

        text.AppendLine(CultureInfo.InvariantCulture,
            $"Sampling time per run of {settings.Trials} trials, seconds (median of {settings.Seeds} seeds{Fewer(settings)}; fq: its Ask calls; Optuna: study.ask and study.tell, without evaluating the problem or starting Python):\n");
        Header("problem");
        foreach (var problem in settings.Problems)
            text.AppendLine($"| {problem.Name} | {string.Join(" | ", samplers.Select(s => Of(problem, s).MedianSeconds.ToString("F3", CultureInfo.InvariantCulture)))} |");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| total, all runs | {string.Join(" | ", samplers.Select(s => summaries.Where(x => x.Sampler == s).Sum(x => x.TotalSeconds).ToString("F1", CultureInfo.InvariantCulture)))} |");
        File.WriteAllText(path, text.ToString());
    }

    private static string Fewer(BenchSettings settings) =>
        string.Concat(settings.SeedsFor.Where(p => settings.Samplers.Contains(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"; {p.Key}: {Harness.Seeds(p.Value)}")));

    /// <summary>The load average when the run started (set by Program).</summary>
    public static string LoadBefore { get; set; } = "?";

    public static string Load()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
