using System.Globalization;
using FocusedQuantization.Benchmarks.Search.Problems;
using FocusedQuantization.Search;

namespace FocusedQuantization.Benchmarks.Search.EarlyStopping;

/// <summary>
/// `--early-stopping RULE`: each fq sampler's sweep replayed with the rule and without it (the full-budget run: same
/// sampler, seed, trial count, workers and lag), one line per budget.
/// </summary>
public static class EarlyStoppingReport
{
    /// <summary>The target: the full-budget front's hypervolume within 2 % using at most 40 % of its epochs.</summary>
    public const double TargetHypervolumePercent = 98;
    public const double TargetEpochsPercent = 40;

    public static void Run(TabularProblem problem, IReadOnlyList<string> samplers, IReadOnlyList<int> budgets, IReadOnlyList<int> seeds, StoppingOptions options, int parallel, string? markdown)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(samplers);
        ArgumentNullException.ThrowIfNull(budgets);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(options);
        var rungs = string.Join(", ", options.Schedule(problem.Data.FullEpochs).Epochs);
        var setting = string.Create(CultureInfo.InvariantCulture,
            $"{options.Rule}, eta {options.Eta}, rungs at {rungs} of {problem.Data.FullEpochs} fine-tuning epochs, {options.Workers} workers, lag {options.EffectiveLag}");
        Console.WriteLine($"{problem.Name}: {setting}");
        var table = new System.Text.StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"{options.Rule} replayed on {problem.Name} ({Path.GetFileName(problem.Data.Path)}): {setting}; median of {seeds.Count} seeds.\n");
        table.AppendLine("| sampler | trials | full-budget HV | HV, % of full-budget | epochs, % | wall time, % | full budget cut at the same epochs, HV % | trials ending at each rung | late promotions | seeds meeting the target |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|");
        foreach (var sampler in samplers)
        {
            if (SamplerCatalog.IsOptuna(sampler))
            {
                Console.WriteLine($"{problem.Name} {sampler} {options.Rule}: not run (Optuna 3.1's pruners take one objective)");
                continue;
            }
            foreach (var budget in budgets)
            {
                var runs = seeds.AsParallel().AsOrdered().WithDegreeOfParallelism(parallel)
                    .Select(seed => Compare(problem, sampler, seed, budget, options)).ToList();
                double Median(Func<Comparison, double> figure) => TabularData.Median([.. runs.Select(figure)]);
                var endings = string.Join("/", Enumerable.Range(0, runs[0].EndedAt.Length).Select(k => Median(r => r.EndedAt[k]).ToString("G3", CultureInfo.InvariantCulture)));
                var meeting = runs.Count(r => r.HypervolumePercent >= TargetHypervolumePercent && r.EpochsPercent <= TargetEpochsPercent);
                table.AppendLine(CultureInfo.InvariantCulture,
                    $"| {sampler} | {budget} | {Harness.Format(Median(r => r.FullHypervolume))} | {Median(r => r.HypervolumePercent):F1} | {Median(r => r.EpochsPercent):F1} | " +
                    $"{Median(r => r.MakespanPercent):F1} | {Median(r => r.EqualEpochsPercent):F1} | {endings} | {Median(r => r.LatePromotions):G3} | {meeting} of {runs.Count} |");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{problem.Name} {sampler} {options.Rule} {budget}: hypervolume {Median(r => r.HypervolumePercent):F1} % of the full-budget run's ({Harness.Format(Median(r => r.FullHypervolume))}), " +
                    $"epochs {Median(r => r.EpochsPercent):F1} %, wall time {Median(r => r.MakespanPercent):F1} % (medians of {Harness.Seeds(runs.Count)}); " +
                    $"full budget cut at the same epochs: {Median(r => r.EqualEpochsPercent):F1} %; trials ending at each rung {endings}; " +
                    $"late promotions {Median(r => r.LatePromotions):G3}; target met by {meeting} of {runs.Count} seeds"));
            }
        }
        if (markdown is not null)
        {
            File.WriteAllText(markdown, table.ToString());
            Console.WriteLine($"bench: table written to {markdown}");
        }
    }

    /// <summary>One seed: the replay against the full-budget run, in percentages of the latter.</summary>
    public sealed record Comparison(double FullHypervolume, double HypervolumePercent, double EpochsPercent, double MakespanPercent, double EqualEpochsPercent, int[] EndedAt, int LatePromotions);

    public static Comparison Compare(TabularProblem problem, string sampler, int seed, int trials, StoppingOptions options)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        var stopped = SweepReplay.Run(problem, sampler, seed, trials, options);
        var full = SweepReplay.Run(problem, sampler, seed, trials, options.FullBudget);
        var fullHypervolume = Hypervolume.Compute(full.Front, problem.Reference);
        // The full-budget sweep stopped once it had spent as many epochs (its trials in number order): is stopping
        // early better than running fewer trials?
        long spent = 0;
        var cut = new List<double[]>();
        foreach (var trial in full.Trials)
        {
            var cost = trial.Row.Completed ? problem.Data.FullEpochs : full.Schedule.Epochs[0];
            if (spent + cost > stopped.Epochs) break;
            spent += cost;
            if (TabularProblem.ObjectivesOf(trial.Row) is { } values) cut.Add(values);
        }
        return new Comparison(
            fullHypervolume,
            Percent(Hypervolume.Compute(stopped.Front, problem.Reference), fullHypervolume),
            Percent(stopped.Epochs, full.Epochs),
            Percent(stopped.Makespan, full.Makespan),
            Percent(Hypervolume.Compute(cut, problem.Reference), fullHypervolume),
            stopped.EndedAt,
            stopped.LatePromotions);
    }

    private static double Percent(double part, double whole) => whole > 0 ? 100 * part / whole : double.NaN;
}
