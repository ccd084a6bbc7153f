using System.Diagnostics;
using System.Globalization;
using FocusedQuantization.Benchmarks.Search.Problems;

namespace FocusedQuantization.Benchmarks.Search;

/// <summary>What one command line asks for.</summary>
/// <remarks>
/// SeedsFor: fewer (or more) seeds for some samplers, so that a slow peer (Optuna's MOTPE) does not set the whole run's
/// length. MemoizeMotpe: see optuna_search.py's memoize_motpe (same points, less time); false measures Optuna as shipped.
/// </remarks>
public sealed record BenchSettings(IReadOnlyList<IProblem> Problems, IReadOnlyList<string> Samplers, int Trials, int Seeds, int SeedBase, int Parallel, bool MemoizeMotpe = true)
{
    public IReadOnlyDictionary<string, int> SeedsFor { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Trial counts to report instead of the standard ones (--budgets); null: 50, 100, 200.</summary>
    public IReadOnlyList<int>? Budgets { get; init; }

    public int[] SeedsOf(string sampler) => [.. Enumerable.Range(SeedBase, SeedsFor.TryGetValue(sampler, out var count) ? count : Seeds)];
}

/// <summary>A sampler on a problem over every seed: the median hypervolume after each trial count, and the sampling time.</summary>
public sealed record SamplerSummary(string Problem, string Sampler, int Seeds, double[] MedianCurve, double MedianSeconds, double TotalSeconds)
{
    public double At(int budget) => MedianCurve[budget - 1];
}

/// <summary>
/// Runs every (problem, sampler, seed) on at most --parallel workers at once (fq's seeds one each, Optuna's seeds in
/// --parallel processes per problem and sampler), and prints each problem's lines as soon as it and those before it are done.
/// </summary>
public static class Harness
{
    public static readonly int[] StandardBudgets = [50, 100, 200];

    /// <summary>The budget whose hypervolume of random search the other samplers must reach.</summary>
    public const int BaselineBudget = 200;

    /// <summary>
    /// The budgets reported: those asked for (--budgets), else 50, 100 and 200; up to the trial count, and the trial
    /// count itself if it is none of them.
    /// </summary>
    public static int[] Budgets(int trials, IReadOnlyList<int>? asked = null)
    {
        var standard = asked ?? StandardBudgets;
        return [.. standard.Where(b => b <= trials).Order(), .. standard.Contains(trials) ? [] : new[] { trials }];
    }

    /// <summary>fq's random search if it ran, else Optuna's; null when neither ran.</summary>
    public static string? Baseline(IReadOnlyList<string> samplers) => samplers.FirstOrDefault(s => s == "random") ?? samplers.FirstOrDefault(s => s == "optuna-random");

    public static async Task<IReadOnlyList<SamplerSummary>> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var items = new List<(int Problem, string Sampler, int[] Seeds)>();
        for (var p = 0; p < settings.Problems.Count; p++)
            foreach (var sampler in settings.Samplers)
            {
                var seeds = settings.SeedsOf(sampler);
                if (SamplerCatalog.IsOptuna(sampler))
                {
                    var chunks = Math.Min(settings.Parallel, seeds.Length);
                    for (var c = 0; c < chunks; c++) items.Add((p, sampler, [.. seeds.Where((_, i) => i % chunks == c)]));
                }
                else items.AddRange(seeds.Select(s => (p, sampler, new[] { s })));
            }

        var results = settings.Problems.Select(_ => new List<RunResult>()).ToArray();
        var remaining = new int[settings.Problems.Count];
        foreach (var item in items) remaining[item.Problem]++;
        var summaries = new List<SamplerSummary>();
        var printed = 0;
        var gate = new Lock();
        var clock = Stopwatch.StartNew();

        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = settings.Parallel, CancellationToken = cancellationToken }, async (item, token) =>
        {
            var problem = settings.Problems[item.Problem];
            IReadOnlyList<RunResult> runs = SamplerCatalog.IsOptuna(item.Sampler)
                ? await OptunaRun.RunAsync(problem, item.Sampler, item.Seeds, settings.Trials, settings.MemoizeMotpe, token)
                : [FqRun.Run(problem, item.Sampler, item.Seeds[0], settings.Trials)];
            lock (gate)
            {
                results[item.Problem].AddRange(runs);
                remaining[item.Problem]--;
                // Print in problem order, whichever finished first.
                while (printed < settings.Problems.Count && remaining[printed] == 0)
                {
                    var block = Summarize(settings.Problems[printed], settings.Samplers, results[printed]);
                    Print(block, settings.Trials, settings.Budgets);
                    summaries.AddRange(block);
                    results[printed].Clear();
                    printed++;
                }
            }
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench: {settings.Problems.Count} problems x {settings.Samplers.Count} samplers x {settings.Seeds} seeds{(settings.SeedsFor.Count > 0 ? $" ({string.Join(", ", settings.SeedsFor.Select(p => $"{p.Key} {p.Value}"))})" : "")} of {settings.Trials} trials in {clock.Elapsed.TotalSeconds:F1} s on {settings.Parallel} workers"));
        return summaries;
    }

    private static List<SamplerSummary> Summarize(IProblem problem, IReadOnlyList<string> samplers, List<RunResult> runs) =>
    [
        .. samplers.Select(sampler =>
        {
            var mine = runs.Where(r => r.Sampler == sampler).OrderBy(r => r.Seed).ToArray();
            var curves = mine.Select(r => HypervolumeCurve.Of(r.Values, problem.Reference)).ToArray();
            var median = Enumerable.Range(0, curves[0].Length).Select(t => TabularData.Median([.. curves.Select(c => c[t])])).ToArray();
            return new SamplerSummary(problem.Name, sampler, mine.Length, median, TabularData.Median([.. mine.Select(r => r.SamplingSeconds)]), mine.Sum(r => r.SamplingSeconds));
        }),
    ];

    /// <summary>The smallest trial count at which the sampler's median hypervolume reaches the baseline's at 200 (or at the trial count, if fewer); null if never.</summary>
    public static int? TrialsToReach(SamplerSummary summary, SamplerSummary baseline)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(baseline);
        var target = baseline.At(Math.Min(BaselineBudget, baseline.MedianCurve.Length));
        for (var t = 0; t < summary.MedianCurve.Length; t++)
            if (summary.MedianCurve[t] >= target) return t + 1;
        return null;
    }

    private static void Print(List<SamplerSummary> block, int trials, IReadOnlyList<int>? budgets)
    {
        foreach (var summary in block)
            foreach (var budget in Budgets(trials, budgets))
                Console.WriteLine($"{summary.Problem} {summary.Sampler} {budget}: hypervolume {Format(summary.At(budget))} (median of {Seeds(summary.Seeds)})");
        var baselineName = Baseline([.. block.Select(s => s.Sampler)]);
        if (baselineName is not null)
        {
            var baseline = block.Single(s => s.Sampler == baselineName);
            var budget = Math.Min(BaselineBudget, trials);
            foreach (var summary in block)
                Console.WriteLine($"{summary.Problem} {summary.Sampler}: reaches {baselineName}'s {budget}-trial hypervolume " +
                    (baseline.At(budget) <= 0 ? "trivially (it is 0)" : TrialsToReach(summary, baseline) is { } at ? $"at {at} trials" : $"not within {trials} trials"));
        }
        foreach (var summary in block)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{summary.Problem} {summary.Sampler}: sampling {summary.MedianSeconds:F3} s per run of {trials} trials (median of {Seeds(summary.Seeds)}), {summary.MedianSeconds * 1000 / trials:F2} ms per trial"));
    }

    public static string Seeds(int count) => count == 1 ? "1 seed" : $"{count} seeds";

    /// <summary>Four significant digits; exponent notation outside 0.001..99,999 (DTLZ1's and DTLZ3's volumes are large).</summary>
    public static string Format(double value) =>
        value == 0 ? "0" : Math.Abs(value) is >= 1e-3 and < 1e5
            ? Math.Round(value, Math.Max(0, 3 - (int)Math.Floor(Math.Log10(Math.Abs(value)))), MidpointRounding.AwayFromZero).ToString(CultureInfo.InvariantCulture)
            : value.ToString("0.000e+0", CultureInfo.InvariantCulture);
}
