using System.Diagnostics;
using FocusedQuantization.Grains;
using FocusedQuantization.Grains.Execution;
using FocusedQuantization.Grains.Testing;
using FocusedQuantization.Grains.Interfaces;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Silo;
using Microsoft.Extensions.DependencyInjection;

namespace FocusedQuantization.Benchmarks.Orchestration;

/// <summary>
/// What bench/run-all.sh reports besides the scale run: orchestration efficiency with 1 s trials against a plain loop,
/// the Pareto computation over 100,000 trials, and the fan-out of one trial's layer searches (skip the last with
/// FQ_BENCH_SKIP_FANOUT=1).
/// </summary>
public static class LegacySuite
{
    public static async Task RunAsync(CancellationToken cancellationToken)
    {
        await EfficiencyAsync(trials: 20, duration: TimeSpan.FromSeconds(1), concurrency: 2, cancellationToken);
        ParetoComputation();
        if (Environment.GetEnvironmentVariable("FQ_BENCH_SKIP_FANOUT") == "1") return;
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

    private static async Task EfficiencyAsync(int trials, TimeSpan duration, int concurrency, CancellationToken cancellationToken)
    {
        // 1. The same N trials in a plain in-process loop, at the same concurrency.
        var loop = Stopwatch.StartNew();
        using (var gate = new SemaphoreSlim(concurrency))
        {
            await Task.WhenAll(Enumerable.Range(0, trials).Select(async _ =>
            {
                await gate.WaitAsync(cancellationToken);
                try { await Task.Delay(duration, cancellationToken); }
                finally { gate.Release(); }
            }));
        }
        loop.Stop();

        // 2. Through the cluster: an embedded silo (SQLite state), the real sweep, trial, model and layer grains.
        var home = Directory.CreateTempSubdirectory("fq-bench-").FullName;
        var sparsities = Enumerable.Range(0, trials).Select(i => 0.5 + 0.4 * i / Math.Max(1, trials - 1)).ToArray();
        var spec = new SweepSpec("bench", "lenet5", "fashion-mnist", 1, [new ObjectiveSpec(ObjectiveMetric.Cr, true), new ObjectiveSpec(ObjectiveMetric.Top1, true)], null, concurrency,
            new StrategySpec(StrategyKind.Grid, null, null), new TrainingSpec(1, 1, 64, 0.02, 100, 100, null),
            new SearchSpace(sparsities, null, new BitsSpace(BitsPolicy.Uniform, [5], null), [2.0], [null], [0.2], [0.002], [CodingScheme.Arithmetic]));
        TimeSpan swept;
        await using (var cluster = await FqConnection.OpenAsync(new FqConnectionOptions { StateFolder = home, ConfigureSilo = silo => silo.Services.AddSingleton<IStageRunner>(new SyntheticStageRunner(duration, layers: 4)) }, cancellationToken))
        {
            var sweep = cluster.Client.GetGrain<ISweepGrain>("bench");
            var clock = Stopwatch.StartNew();
            await sweep.Launch(spec);
            while ((await sweep.GetStatus()).State == SweepState.Running) await Task.Delay(20, cancellationToken);
            swept = clock.Elapsed;
        }
        Directory.Delete(home, recursive: true);

        var efficiency = loop.Elapsed / swept;
        var overheadMs = (swept - loop.Elapsed).TotalMilliseconds * concurrency / trials;
        Console.WriteLine($"orchestration: {trials} trials of {duration.TotalSeconds:G3} s at concurrency {concurrency}: loop {loop.Elapsed.TotalSeconds:F2} s, sweep {swept.TotalSeconds:F2} s");
        Console.WriteLine($"  efficiency {efficiency:F3} (target >= 0.95), overhead {overheadMs:F1} ms per trial (target <= 10)");
    }

    private static void ParetoComputation()
    {
        // The front over 100,000 recorded trials, computed whole (the incremental front of a sweep does less).
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
    }
}
