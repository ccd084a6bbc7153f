using System.CommandLine;
using System.Globalization;
using FocusedQuantization.Benchmarks.Orchestration;

// Whole-process benchmarks of the orchestration. The default is the side-by-side scale run of issue 11: the same no-op
// trials through fq's embedded sweep (durable SQLite state) and through Optuna 3.1 in memory and with SQLite storage,
// one line each, "SYSTEM: N trials, X ms per trial":
//   dotnet run -c Release --project bench/Orchestration -- --trials 10000 --trial-ms 0 --concurrency 2
// --suite all adds what bench/run-all.sh reports: orchestration efficiency with 1 s trials, the Pareto query over
// 100,000 trials, and the fan-out of one LeNet-5 trial's layer searches over 1 and 2 silos.
var trials = new Option<int>("--trials") { Description = "No-op trials per system.", DefaultValueFactory = _ => 200 };
var trialMs = new Option<double>("--trial-ms") { Description = "Milliseconds each no-op trial waits.", DefaultValueFactory = _ => 0 };
var concurrency = new Option<int>("--concurrency") { Description = "Trials at a time.", DefaultValueFactory = _ => 2 };
var systems = new Option<string>("--systems")
{
    Description = "Comma-separated: fq, optuna-memory, optuna-sqlite.",
    DefaultValueFactory = _ => string.Join(",", ScaleRun.Systems),
};
var trackerWait = new Option<double>("--tracker-wait-s") { Description = "Seconds fq's run waits after the sweep for the tracker to receive everything.", DefaultValueFactory = _ => 600 };
var suite = new Option<string>("--suite") { Description = "scale (the side-by-side run) or all (also efficiency, Pareto and fan-out).", DefaultValueFactory = _ => "scale" };
suite.AcceptOnlyFromAmong("scale", "all");

var root = new RootCommand("fq's orchestration benchmarks") { trials, trialMs, concurrency, systems, trackerWait, suite };
root.SetAction(async (parse, cancellationToken) =>
{
    var chosen = parse.GetValue(systems)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    if (chosen.FirstOrDefault(s => !ScaleRun.Systems.Contains(s)) is { } unknown)
    {
        Console.Error.WriteLine($"bench: unknown system '{unknown}' (known: {string.Join(", ", ScaleRun.Systems)})");
        return 2;
    }
    var count = parse.GetValue(trials);
    var pause = parse.GetValue(trialMs);
    var slots = parse.GetValue(concurrency);
    if (count < 1 || pause < 0 || slots < 1)
    {
        Console.Error.WriteLine("bench: --trials and --concurrency must be at least 1, --trial-ms at least 0");
        return 2;
    }
    ScaleRun.TrackerWait = TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(trackerWait)));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}; {DateTime.UtcNow:u}; {count} no-op trials of {pause:G} ms at concurrency {slots}"));
    foreach (var system in chosen)
        await ScaleRun.RunAsync(system, count, pause, slots, cancellationToken);

    if (parse.GetValue(suite) == "all")
        await LegacySuite.RunAsync(cancellationToken);
    return 0;
});
return await root.Parse(args).InvokeAsync();
