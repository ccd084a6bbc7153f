using System.Diagnostics;
using System.Globalization;
using FocusedQuantization.Grains.Execution;
using FocusedQuantization.Grains.Testing;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Silo;
using FocusedQuantization.Tracking.Outbox;
using Microsoft.Extensions.DependencyInjection;

namespace FocusedQuantization.Benchmarks.Orchestration;

/// <summary>
/// The same no-op trials through one system, timed from launch to the last outcome: fq's embedded sweep (real sweep,
/// trial, model and layer grains; durable SQLite state), or Optuna 3.1 with RandomSampler in memory or with SQLite
/// storage (Debian's python3-optuna, run by /usr/bin/python3; a benchmark peer only, never fq's runtime).
/// </summary>
public static class ScaleRun
{
    public static readonly string[] Systems = ["fq", "optuna-memory", "optuna-sqlite"];

    /// <summary>How long fq's run waits, after the sweep, for its tracking outbox to reach the tracker.</summary>
    public static TimeSpan TrackerWait { get; set; } = TimeSpan.FromMinutes(10);

    public static Task RunAsync(string system, int trials, double trialMs, int concurrency, CancellationToken cancellationToken) => system switch
    {
        "fq" => RunFqAsync(trials, trialMs, concurrency, cancellationToken),
        "optuna-memory" => RunOptunaAsync("memory", trials, trialMs, concurrency, cancellationToken),
        "optuna-sqlite" => RunOptunaAsync("sqlite", trials, trialMs, concurrency, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(system), system, "unknown system"),
    };

    /// <summary>
    /// A spec of at least <paramref name="trials"/> distinct points (100 sparsities x 10 w_sep x 100 fine-tuning rates),
    /// drawn at random so that the spec stays small whatever the trial count.
    /// </summary>
    public static SweepSpec NoOpSpec(int trials, int concurrency)
    {
        var sparsities = Enumerable.Range(0, 100).Select(i => 0.5 + 0.45 * i / 100).ToArray();
        var separations = Enumerable.Range(0, 10).Select(i => 0.5 + 0.25 * i).ToArray();
        var rates = Enumerable.Range(1, 100).Select(i => i * 1e-4).ToArray();
        return new SweepSpec("bench-scale", "lenet5", "fashion-mnist", 1, [new ObjectiveSpec(ObjectiveMetric.Cr, true), new ObjectiveSpec(ObjectiveMetric.Top1, true)], null, concurrency,
            new StrategySpec(StrategyKind.Random, trials, 1), new TrainingSpec(1, 1, 64, 0.02, 100, 100, null),
            new SearchSpace(sparsities, null, new BitsSpace(BitsPolicy.Uniform, [5], null), separations, [null], [0.2], rates, [CodingScheme.Arithmetic]));
    }

    private static async Task RunFqAsync(int trials, double trialMs, int concurrency, CancellationToken cancellationToken)
    {
        var home = Directory.CreateTempSubdirectory("fq-bench-scale-").FullName;
        try
        {
            // Tracking on, as a user runs it: the embedded tracker beside the silo, every trial a child run through the outbox.
            // Noisy accuracies give the front a usual size (a few dozen of 100,000), not every trial.
            var runner = new SyntheticStageRunner(TimeSpan.FromMilliseconds(trialMs), layers: 4) { AccuracyNoise = 4 };
            var storage = new CountingStorage();
            await using var cluster = await FqConnection.OpenAsync(new FqConnectionOptions
            {
                StateFolder = home,
                EmbeddedTracker = new EmbeddedTrackerSettings { StateFolder = home, Port = LoopbackPorts.Free(1)[0] },
                ConfigureSilo = silo =>
                {
                    silo.Services.AddSingleton<IStageRunner>(runner);
                    storage.WrapDefaultStorage(silo.Services);
                },
            }, cancellationToken);
            // A short sweep first, not counted: the JIT and the first activations would otherwise weigh on small sweeps only.
            await RunSweepAsync(cluster, "bench-warm-up", 20, concurrency, cancellationToken);
            if (cluster.Services.GetService<TrackingOutbox>() is { } warm)
                while (warm.PendingCount > 0) await Task.Delay(20, cancellationToken);
            var (bytesBefore, writesBefore, pagesBefore) = (storage.Bytes, storage.Writes, storage.BytesOf("sweep-rows-"));

            var sweep = cluster.Client.GetGrain<ISweepGrain>("bench-scale");
            var clock = Stopwatch.StartNew();
            var status = await RunSweepAsync(cluster, "bench-scale", trials, concurrency, cancellationToken);
            var elapsed = clock.Elapsed;
            if (status.State != SweepState.Completed) throw new InvalidOperationException($"the benchmark sweep ended {status.State}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fq: {trials} trials, {elapsed.TotalMilliseconds / trials:F3} ms per trial"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fq storage at {trials} trials: {(storage.Bytes - bytesBefore) / (double)trials:F0} bytes written per trial ({(storage.Writes - writesBefore) / (double)trials:F2} writes), sweep pages {(storage.BytesOf("sweep-rows-") - pagesBefore) / (double)trials:F0} bytes per outcome"));

            if (cluster.Services.GetService<TrackingOutbox>() is { } outbox)
            {
                // The outbox delivers in the background; how long the tracker lags behind the sweep is part of the picture.
                var queued = outbox.PendingCount;
                var drain = Stopwatch.StartNew();
                while (outbox.PendingCount > 0 && drain.Elapsed < TrackerWait) await Task.Delay(50, cancellationToken);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"fq tracking at {trials} trials: {queued} operations queued when the sweep ended, delivered {drain.Elapsed.TotalSeconds:F1} s later ({outbox.PendingCount} left)"));
            }
            var statusMs = await MedianMs(() => sweep.GetStatus());
            var paretoMs = await MedianMs(() => sweep.GetPareto(null));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fq queries at {trials} trials: status {statusMs:F2} ms, pareto {paretoMs:F2} ms (median of 7)"));
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fq memory at {trials} trials: managed heap {GC.GetTotalMemory(true) / 1048576.0:F1} MB, working set {Environment.WorkingSet / 1048576.0:F1} MB"));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static async Task<SweepStatus> RunSweepAsync(FqConnection cluster, string id, int trials, int concurrency, CancellationToken cancellationToken)
    {
        var sweep = cluster.Client.GetGrain<ISweepGrain>(id);
        await sweep.Launch(NoOpSpec(trials, concurrency));
        SweepStatus status;
        // A status query is a few microseconds whatever the sweep's size; polling often keeps the end's measurement sharp.
        while ((status = await sweep.GetStatus()).State == SweepState.Running)
            await Task.Delay(5, cancellationToken);
        return status;
    }

    private static async Task<double> MedianMs<T>(Func<Task<T>> query)
    {
        var times = new List<double>();
        for (var run = 0; run < 7; run++)
        {
            var clock = Stopwatch.StartNew();
            await query();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    private static async Task RunOptunaAsync(string storage, int trials, double trialMs, int concurrency, CancellationToken cancellationToken)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "optuna_noop.py");
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                script, "--trials", trials.ToString(CultureInfo.InvariantCulture), "--trial-ms", trialMs.ToString(CultureInfo.InvariantCulture),
                "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture), "--storage", storage,
            },
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            var reason = (await errors).Contains("No module named 'optuna'", StringComparison.Ordinal)
                ? "python3-optuna is not installed (infra/setup.sh --bench installs it)"
                : (await errors).Trim();
            Console.WriteLine($"optuna-{storage}: not run: {reason}");
            return;
        }
        Console.Write(await output);
    }
}
