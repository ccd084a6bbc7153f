using System.Diagnostics;
using System.Globalization;
using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Stages;

namespace FocusedQuantization.Benchmarks.Tabular;

/// <summary>
/// `tabular`: records the tabular benchmark of bench/Search (see /work/wt/PLAN.md and bench/Search): real LeNet-5
/// trials on the small Fashion-MNIST data with the real <see cref="TrialStage"/>, one baseline and one pruned checkpoint
/// per sparsity shared through a <see cref="CheckpointStore"/> as sweeps share them, a rung evaluation after every
/// fine-tuning epoch, one CSV row per configuration. Rows already in the file are skipped, so a stopped recording goes
/// on where it was; at most two trials run at once.
/// </summary>
internal static class TabularCommand
{
    // The plan's fixed settings.
    private const int TrainLimit = 6000, TestLimit = 2000, BaselineEpochs = 2, PruneEpochs = 1, BatchSize = 64, Seed = 1;
    private const double LearningRate = 0.02, ScheduleScale = 0.4;

    private static readonly double[] DefaultSparsities = [0.80, 0.85, 0.88, 0.90, 0.92, 0.94, 0.96, 0.98];
    private static readonly int[] DefaultBits = [3, 4, 5, 6, 7];
    private static readonly double[] DefaultWSeps = [1.5, 3.0];
    private static readonly double[] DefaultRates = [0.001, 0.003];

    public static int Run(string[] args)
    {
        var home = Environment.GetEnvironmentVariable("FQ_HOME") is { Length: > 0 } h ? h : Path.Combine(Path.GetTempPath(), "fq-tabular");
        var output = "bench/Search/data/lenet5-fashion-small.csv";
        var store = Path.Combine(home, "tabular-store");
        var sparsities = DefaultSparsities;
        var bits = DefaultBits;
        var wseps = DefaultWSeps;
        var rates = DefaultRates;
        var parallel = 2;
        var weights = RungWeights.AsTrained;
        int? limit = null;
        string? dataDirectory = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--out": output = Next(); break;
                case "--store": store = Next(); break;
                case "--data": dataDirectory = Next(); break;
                case "--sparsity": sparsities = Doubles(Next()); break;
                case "--bits": bits = Next().Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--wsep": wseps = Doubles(Next()); break;
                case "--lr": rates = Doubles(Next()); break;
                case "--parallel": parallel = Math.Clamp(int.Parse(Next(), CultureInfo.InvariantCulture), 1, 2); break;
                case "--limit": limit = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--rung-weights":
                    weights = Next() switch
                    {
                        "snapped" => RungWeights.Snapped,
                        "trained" => RungWeights.AsTrained,
                        var other => throw new ArgumentException($"--rung-weights is snapped or trained, not {other}."),
                    };
                    break;
                case "--help" or "-h":
                    Console.WriteLine("tabular [--out CSV] [--store DIR] [--data DIR] [--sparsity a,b] [--bits a,b] [--wsep a,b] [--lr a,b] [--parallel 1|2] [--limit N] [--rung-weights trained|snapped]");
                    return 0;
                default:
                    Console.Error.WriteLine($"tabular: unknown argument {args[i]} (try --help)");
                    return 2;
            }
        }

        var baseline = new BaselineSpec("lenet5", "fashion-mnist", BaselineEpochs, LearningRate, BatchSize, Seed, TrainLimit, dataDirectory, TestLimit);
        var schedule = new Compression.Retraining.FineTuneSchedule().Scaled(ScheduleScale);
        var epochs = schedule.TotalEpochs;
        var table = new TabularFile(output, epochs);
        var done = table.ReadKeys();
        var grid = (from s in sparsities from b in bits from w in wseps from r in rates select new Config(s, b, w, r))
            .Where(c => !done.Contains(c.Key)).ToList();
        if (limit is { } n) grid = grid.Take(n).ToList();
        Console.WriteLine($"tabular: {done.Count} rows in {output}, {grid.Count} to run ({epochs} fine-tuning epochs each), store {store}, {parallel} at a time, rungs {weights}");
        if (grid.Count == 0) return 0;

        var checkpoints = new CheckpointStore(store);
        var data = new DatasetCache();
        var scratch = Directory.CreateTempSubdirectory("fq-tabular-").FullName;
        var clock = Stopwatch.StartNew();
        // The shared stages first, one after the other: the trials then only read them.
        foreach (var sparsity in grid.Select(c => c.Sparsity).Distinct())
        {
            var prune = new PruneSpec(baseline, sparsity, null, PruneEpochs, Seed);
            PruneStage.Ensure(prune, checkpoints, data);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tabular: pruned {sparsity} ready ({prune.Id}) at {clock.Elapsed.TotalMinutes:F1} min"));
        }
        var denseValidation = BaselineStage.ValidationEvaluation(baseline, checkpoints, data).Top1Percent;
        var denseTest = BaselineStage.Evaluation(baseline, checkpoints, data).Top1Percent;

        var finished = 0;
        Parallel.ForEach(grid, new ParallelOptions { MaxDegreeOfParallelism = parallel }, config =>
        {
            var spec = new TrialSpec(new PruneSpec(baseline, config.Sparsity, null, PruneEpochs, Seed), config.Bits, null, config.WSep, null,
                ScheduleScale, config.Rate, CodingMode.ContextArithmetic, Seed);
            var path = Path.Combine(scratch, $"{config.Key.Replace(',', '_')}.fqz");
            long? estimated = null;
            Row row;
            try
            {
                var outcome = TrialStage.Run(spec, checkpoints, data, path, new TrialRunOptions
                {
                    EvaluateEveryEpoch = true,
                    RungWeights = weights,
                    OnEstimate = bytes => estimated = bytes,
                });
                row = Row.Completed(config, outcome.Report!, denseValidation, denseTest);
            }
            catch (Exception e) when (e is Compression.Training.TrainingDivergedException or Compression.Training.ModelCollapsedException)
            {
                Console.WriteLine($"tabular: {config.Key} failed: {e.Message}");
                row = Row.Failed(config, epochs, estimated, denseValidation, denseTest);
            }
            finally
            {
                File.Delete(path);
            }
            table.Append(row);
            var count = Interlocked.Increment(ref finished);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"tabular: {count}/{grid.Count} {config.Key}: {row.State} cr {row.Cr:F1} val {row.ValTop1:F2} est/real {(double)(row.EstimatedBytes ?? 0) / row.CompressedBytes:F3} ({row.FineTuneSeconds:F0} s), {clock.Elapsed.TotalMinutes:F1} min"));
        });
        Directory.Delete(scratch, recursive: true);
        table.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tabular: done, {grid.Count} trials in {clock.Elapsed.TotalMinutes:F1} min"));
        return 0;
    }

    private static double[] Doubles(string list) => list.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();

    internal sealed record Config(double Sparsity, int Bits, double WSep, double Rate)
    {
        /// <summary>The row's first four fields as the file spells them: what identifies a row.</summary>
        public string Key => string.Create(CultureInfo.InvariantCulture, $"{Sparsity:R},{Bits},{WSep:R},{Rate:R}");
    }
}
