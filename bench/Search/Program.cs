using System.CommandLine;
using System.Diagnostics;
using FocusedQuantization.Benchmarks.Search;
using FocusedQuantization.Benchmarks.Search.EarlyStopping;
using FocusedQuantization.Benchmarks.Search.Problems;

// Samplers side by side with Optuna 3.1 on the standard multi-objective test problems and on the recorded LeNet-5
// trials, one line per sampler and budget, "PROBLEM SAMPLER N: hypervolume X (median of K seeds)":
//   dotnet run -c Release --project bench/Search -- --problem NAME --sampler NAME --trials N --seeds K
var problem = new Option<string>("--problem") { Description = "ZDT1-4, ZDT6, DTLZ1-2 .. DTLZ7-3 (DTLZn: both), lenet5-tabular, comma-separated, or all.", DefaultValueFactory = _ => "all" };
var sampler = new Option<string>("--sampler") { Description = $"{string.Join(", ", SamplerCatalog.All)}, comma-separated, or all.", DefaultValueFactory = _ => "all" };
var trials = new Option<int>("--trials") { Description = "Trials per run; hypervolume is reported at 50, 100 and 200 up to this.", DefaultValueFactory = _ => 200 };
var seeds = new Option<int>("--seeds") { Description = "Seeds per sampler and problem (medians are over these).", DefaultValueFactory = _ => 10 };
var seedsFor = new Option<string?>("--seeds-for") { Description = "Other seed counts for some samplers, e.g. optuna-motpe=5 (comma-separated)." };
var seedBase = new Option<int>("--seed-base") { Description = "The first seed (seeds are seed-base .. seed-base + seeds - 1).", DefaultValueFactory = _ => 0 };
var parallel = new Option<int>("--parallel") { Description = "Runs at a time (threads for fq, python processes for Optuna).", DefaultValueFactory = _ => 2 };
var markdown = new Option<string?>("--markdown") { Description = "Also write the side-by-side tables to this Markdown file." };
var table = new Option<string>("--table")
{
    Description = "The tabular benchmark's CSV (lenet5-tabular).",
    DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "data", "lenet5-fashion-small.csv"),
};
var stockOptuna = new Option<bool>("--stock-optuna") { Description = "Run Optuna's MOTPE as shipped (by default its per-parameter recomputation is remembered per trial: same points, less time; see optuna_search.py)." };
var budgets = new Option<string?>("--budgets") { Description = "Trial counts to report, comma-separated (default 50,100,200), up to --trials." };
var earlyStopping = new Option<string?>("--early-stopping")
{
    Description = "Replay a sweep with early stopping on lenet5-tabular instead (fq's samplers only): mo-asha (the product's rule), hopeless, mo-asha-hopeless.",
};
earlyStopping.AcceptOnlyFromAmong([.. StoppingRules.Names]);
var eta = new Option<int>("--eta") { Description = "Early stopping: keep the top 1/eta at each rung (default 2, the product's).", DefaultValueFactory = _ => 2 };
var minFraction = new Option<double>("--min-fraction")
{
    Description = "Early stopping: the first rung as a fraction of the fine-tuning epochs (default 1/8, the product's).",
    DefaultValueFactory = _ => 0.125,
};
var workers = new Option<int>("--workers") { Description = "Early stopping: trials running at a time in the replay (the sweep's concurrency).", DefaultValueFactory = _ => 4 };
var lag = new Option<int?>("--lag") { Description = "Early stopping: trial k waits for trials 0..k-lag-1 to settle and is judged against them (default --workers, as a sweep)." };
var rungs = new Option<string?>("--rungs") { Description = "Early stopping: the rungs in fine-tuning epochs, comma-separated (default: geometric from --min-fraction and --eta, as a sweep)." };
var check = new Option<bool>("--check") { Description = "Check that the C# and numpy problems agree at 20 fixed points each, and the hypervolume against inclusion-exclusion; run nothing else." };
var deriveReferences = new Option<bool>("--derive-references") { Description = "Print the reference points the documented rule gives (the table in Problems/ReferencePoints.cs)." };

var root = new RootCommand("fq's samplers against Optuna 3.1 on multi-objective test problems")
{
    problem, sampler, trials, budgets, seeds, seedsFor, seedBase, parallel, markdown, table, stockOptuna, earlyStopping, eta, minFraction, workers, lag, rungs, check, deriveReferences,
};
root.SetAction(async (parse, cancellationToken) =>
{
    IReadOnlyList<IProblem> problems;
    IReadOnlyList<string> samplers;
    var seedCounts = new Dictionary<string, int>(StringComparer.Ordinal);
    int[]? budgetList, rungList;
    try
    {
        budgetList = Numbers(parse.GetValue(budgets), "--budgets");
        rungList = Numbers(parse.GetValue(rungs), "--rungs");
        problems = ProblemCatalog.Resolve(parse.GetValue(problem)!, parse.GetValue(table)!);
        samplers = SamplerCatalog.Resolve(parse.GetValue(sampler)!);
        foreach (var pair in (parse.GetValue(seedsFor) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            seedCounts[SamplerCatalog.Resolve(pair.Split('=')[0]).Single()] = pair.Split('=') is [_, var count] && int.TryParse(count, out var k) && k >= 1
                ? k : throw new ArgumentException($"--seeds-for takes SAMPLER=COUNT, not '{pair}'");
    }
    catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or FormatException)
    {
        Console.Error.WriteLine($"bench: {e.Message}");
        return 2;
    }

    if (parse.GetValue(deriveReferences))
    {
        foreach (var p in problems.OfType<AnalyticProblem>()) Console.WriteLine(ReferencePoints.Line(p.Name, ReferencePoints.Derive(p)));
        return 0;
    }
    if (parse.GetValue(check)) return await Check.RunAsync(problems, cancellationToken) ? 0 : 1;

    var settings = new BenchSettings(problems, samplers, parse.GetValue(trials), parse.GetValue(seeds), parse.GetValue(seedBase), parse.GetValue(parallel), !parse.GetValue(stockOptuna))
    {
        SeedsFor = seedCounts,
        Budgets = budgetList,
    };
    if (settings.Trials < 1 || settings.Seeds < 1 || settings.Parallel < 1)
    {
        Console.Error.WriteLine("bench: --trials, --seeds and --parallel must be at least 1");
        return 2;
    }
    if (parse.GetValue(earlyStopping) is { } rule)
    {
        var options = new StoppingOptions(rule, parse.GetValue(eta), parse.GetValue(minFraction), parse.GetValue(workers),
            parse.GetValue(lag), rungList);
        if (options.Eta < 2 || options.MinFraction is <= 0 or >= 1 || options.Workers < 1 || options.Lag < 0)
        {
            Console.Error.WriteLine("bench: --eta must be at least 2, --min-fraction in (0, 1), --workers at least 1, --lag at least 0");
            return 2;
        }
        foreach (var tabular in problems.OfType<TabularProblem>())
            EarlyStoppingReport.Run(tabular, samplers, Harness.Budgets(settings.Trials, settings.Budgets), [.. Enumerable.Range(settings.SeedBase, settings.Seeds)], options,
                settings.Parallel, parse.GetValue(markdown));
        if (!problems.OfType<TabularProblem>().Any()) Console.Error.WriteLine($"bench: --early-stopping replays {ProblemCatalog.Tabular} only");
        return 0;
    }
    MarkdownReport.LoadBefore = MarkdownReport.Load();
    var clock = Stopwatch.StartNew();
    var summaries = await Harness.RunAsync(settings, cancellationToken);
    if (parse.GetValue(markdown) is { } path)
    {
        var command = "dotnet run -c Release --project bench/Search -- " + string.Join(' ', args);
        MarkdownReport.Write(path, settings, summaries, command, clock.Elapsed);
        Console.WriteLine($"bench: tables written to {path}");
    }
    return 0;
});
return await root.Parse(args).InvokeAsync();

static int[]? Numbers(string? list, string option) => list is null ? null :
[
    .. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(n => int.TryParse(n, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) && v >= 1
            ? v : throw new ArgumentException($"{option} takes positive whole numbers, not '{n}'")),
];
