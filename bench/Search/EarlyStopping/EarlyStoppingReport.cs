using System.Globalization;
using FocusedQuantization.Benchmarks.Search.Problems;

namespace FocusedQuantization.Benchmarks.Search.EarlyStopping;

/// <summary>`--early-stopping mo-asha`: the replay of each fq sampler on the tabular problem, one line per budget.</summary>
public static class EarlyStoppingReport
{
    public static void Run(TabularProblem problem, IReadOnlyList<string> samplers, int trials, IReadOnlyList<int> seeds, AshaOptions options, int parallel, string? markdown)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(samplers);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(options);
        var rungs = MoAsha.Rungs(problem.Data.FullEpochs, options.Eta, options.MinFraction);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{problem.Name}: mo-asha, eta {options.Eta}, rungs at {string.Join(", ", rungs)} of E = {problem.Data.FullEpochs} fine-tuning epochs, {options.Workers} workers"));
        var table = new System.Text.StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture,
            $"MO-ASHA replayed on {problem.Name} ({Path.GetFileName(problem.Data.Path)}): eta {options.Eta}, rungs at {string.Join(", ", rungs)} of {problem.Data.FullEpochs} epochs, {options.Workers} workers, median of {seeds.Count} seeds.\n");
        table.AppendLine("| sampler | trials | hypervolume | % of the full-budget front's | epochs, % of every trial to E | full-budget run stopped at the same epochs, % | trials ending at each rung |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var sampler in samplers)
        {
            if (SamplerCatalog.IsOptuna(sampler))
            {
                Console.WriteLine($"{problem.Name} {sampler} mo-asha: not run (Optuna 3.1's pruners take one objective)");
                continue;
            }
            foreach (var budget in Harness.Budgets(trials))
            {
                var runs = seeds.AsParallel().AsOrdered().WithDegreeOfParallelism(parallel)
                    .Select(seed => MoAsha.Replay(problem, sampler, seed, budget, options)).ToList();
                double Median(Func<AshaRun, double> figure) => TabularData.Median([.. runs.Select(figure)]);
                var endings = string.Join("/", rungs.Select((_, k) => Median(r => r.StoppedAt[k]).ToString("G3", CultureInfo.InvariantCulture)));
                table.AppendLine(CultureInfo.InvariantCulture,
                    $"| {sampler} | {budget} | {Harness.Format(Median(r => r.Hypervolume))} | {Median(r => Percent(r.Hypervolume, r.FullHypervolume)):F1} | " +
                    $"{Median(r => Percent(r.Epochs, r.FullEpochs)):F1} | {Median(r => Percent(r.EqualEpochsHypervolume, r.FullHypervolume)):F1} | {endings} |");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{problem.Name} {sampler} mo-asha {budget}: hypervolume {Harness.Format(Median(r => r.Hypervolume))} (median of {Harness.Seeds(runs.Count)}), " +
                    $"{Median(r => Percent(r.Hypervolume, r.FullHypervolume)):F1} % of the full-budget front's, " +
                    $"epochs {Median(r => Percent(r.Epochs, r.FullEpochs)):F1} % of running every trial to {problem.Data.FullEpochs}; " +
                    $"the full-budget run stopped at the same epochs: {Median(r => Percent(r.EqualEpochsHypervolume, r.FullHypervolume)):F1} %; " +
                    $"trials ending at each rung: {endings}"));
            }
        }
        if (markdown is not null)
        {
            File.WriteAllText(markdown, table.ToString());
            Console.WriteLine($"bench: table written to {markdown}");
        }
    }

    private static double Percent(double part, double whole) => whole > 0 ? 100 * part / whole : double.NaN;
}
