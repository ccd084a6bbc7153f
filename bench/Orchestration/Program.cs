using System.Diagnostics;
using System.Globalization;
using FocusedQuantization.Benchmarks.Orchestration;
using FocusedQuantization.Grains;
using FocusedQuantization.Grains.Execution;
using FocusedQuantization.Grains.Interfaces;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Grains.Testing;
using FocusedQuantization.Silo;
using Microsoft.Extensions.DependencyInjection;

// Whole-process benchmarks of the orchestration (issue 3): run with
//   dotnet run -c Release --project bench/Orchestration -- [trials] [trial-seconds] [concurrency]
var trials = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
var trialSeconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 1.0;
var concurrency = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2;
var duration = TimeSpan.FromSeconds(trialSeconds);

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}; {DateTime.UtcNow:u}");

// 1. The same N trials in a plain in-process loop, at the same concurrency.
var loop = Stopwatch.StartNew();
using (var gate = new SemaphoreSlim(concurrency))
{
    await Task.WhenAll(Enumerable.Range(0, trials).Select(async _ =>
    {
        await gate.WaitAsync();
        try { await Task.Delay(duration); }
        finally { gate.Release(); }
    }));
}
loop.Stop();

// 2. Through the cluster: an embedded silo (SQLite state), the real sweep, trial, model and layer grains.
var home = Directory.CreateTempSubdirectory("fq-bench-").FullName;
var sparsities = Enumerable.Range(0, trials).Select(i => 0.5 + 0.4 * i / Math.Max(1, trials - 1)).ToArray();
var spec = new SweepSpec("bench", "lenet5", "fashion-mnist", 1, [new ObjectiveSpec("cr", true), new ObjectiveSpec("top1", true)], null, concurrency,
    new StrategySpec("grid", null, null), new TrainingSpec(1, 1, 64, 0.02, 100, 100, null),
    new SearchSpace(sparsities, null, new BitsSpace("uniform", [5], null), [2.0], [null], [0.2], [0.002], ["arithmetic"]));
TimeSpan swept;
await using (var cluster = await EmbeddedSession.OpenAsync(home, silo => silo.Services.AddSingleton<IStageRunner>(new SyntheticStageRunner(duration, layers: 4))))
{
    var sweep = cluster.Client.GetGrain<ISweepGrain>("bench");
    var clock = Stopwatch.StartNew();
    await sweep.Launch(spec);
    while ((await sweep.GetStatus()).State == SweepState.Running) await Task.Delay(20);
    swept = clock.Elapsed;
}
Directory.Delete(home, recursive: true);

var efficiency = loop.Elapsed / swept;
var overheadMs = (swept - loop.Elapsed).TotalMilliseconds * concurrency / trials;
Console.WriteLine($"orchestration: {trials} trials of {trialSeconds:G3} s at concurrency {concurrency}: loop {loop.Elapsed.TotalSeconds:F2} s, sweep {swept.TotalSeconds:F2} s");
Console.WriteLine($"  efficiency {efficiency:F3} (target >= 0.95), overhead {overheadMs:F1} ms per trial (target <= 10)");

// 3. Pareto query over 100,000 recorded trials (the computation SweepGrain.GetPareto does).
var random = new Random(1);
var points = Enumerable.Range(0, 100_000).Select(i => new ParetoPoint($"t{i}", 1 + 60 * random.NextDouble(), 60 + 30 * random.NextDouble())).ToArray();
var times = new List<double>();
for (var run = 0; run < 7; run++)
{
    var watch = Stopwatch.StartNew();
    var front = ParetoFront.Compute(points);
    ParetoFront.Hypervolume(front, 1, 55);
    times.Add(watch.Elapsed.TotalMilliseconds);
}
times.Sort();
Console.WriteLine($"pareto: 100,000 trials, median {times[times.Count / 2]:F1} ms over 7 runs (target < 50 ms)");

// 4. Fan-out of one trial's layer searches: 1 silo against 2 (real work; skip with FQ_BENCH_SKIP_FANOUT=1).
if (Environment.GetEnvironmentVariable("FQ_BENCH_SKIP_FANOUT") != "1")
{
    var fanHome = Directory.CreateTempSubdirectory("fq-fanout-").FullName;
    try
    {
        await FanOut.RunAsync(fanHome);
    }
    finally
    {
        Directory.Delete(fanHome, recursive: true);
    }
}
