using System.Diagnostics;
using System.Globalization;
using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.IO;
using FocusedQuantization.Compression.Models;
using FocusedQuantization.Compression.Quantization;
using FocusedQuantization.Compression.Retraining;
using FocusedQuantization.Compression.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Pipeline;

/// <summary>
/// Focused compression of one model in one process: baseline (trained, cached or loaded), DNS pruning with
/// retraining, focused quantization with incremental fine-tuning, coding into a .fqz file, and evaluation of the
/// model decoded back from that file.
/// </summary>
public sealed class CompressionPipeline(CompressionOptions options)
{
    /// <summary>Runs every stage and writes the compressed model to <paramref name="outputPath"/> (atomically).</summary>
    public async Task<CompressionReport> RunAsync(string outputPath, IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var modelName = ModelZoo.Canonicalize(options.Model);
        var dataset = DatasetCatalog.Describe(options.Dataset);
        progress ??= new Progress<PipelineProgress>();
        var seconds = new Dictionary<string, double>();
        var clock = Stopwatch.StartNew();

        progress.Report(new PipelineProgress(PipelineStage.Data, 0, $"loading {dataset.Name}"));
        var catalog = new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = options.DataDirectory, AllowDownload = options.AllowDownload });
        var train = await catalog.LoadAsync(dataset, DatasetSplit.Train, options.TrainLimit is { } n ? DatasetSubset.First(n) : null, cancellationToken);
        var test = await catalog.LoadAsync(dataset, DatasetSplit.Test, options.TestLimit is { } m ? DatasetSubset.First(m) : null, cancellationToken);
        progress.Report(new PipelineProgress(PipelineStage.Data, 1, $"{train.Count:N0} training, {test.Count:N0} test images"));
        seconds[PipelineStage.Data] = Lap(clock);

        // Torch work is CPU-bound and synchronous: keep it off the caller's thread.
        return await Task.Run(() => Compress(modelName, dataset.Name, train, test, outputPath, progress, seconds, clock, cancellationToken), cancellationToken);
    }

    private CompressionReport Compress(
        string modelName, string datasetName, ImageDataset train, ImageDataset test, string outputPath, IProgress<PipelineProgress> progress,
        Dictionary<string, double> seconds, Stopwatch clock, CancellationToken cancellationToken)
    {
        var shape = new ModelShape(train.Channels, train.Height, train.Width, train.Classes);
        using var model = ModelZoo.Create(modelName, shape, options.Seed);

        TrainBaseline(model, modelName, train, progress, cancellationToken);
        var dense = Evaluate(model, test);
        progress.Report(new PipelineProgress(PipelineStage.Baseline, 1, $"top-1 {dense.Top1Percent:F2} %"));
        seconds[PipelineStage.Baseline] = Lap(clock);

        var named = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        var weights = ModelZoo.QuantizableParameters(model).Select(name => new ShadowedWeight(name, named[name])).ToArray();
        var masks = Prune(model, weights, train, progress, cancellationToken);
        var pruned = Evaluate(model, test);
        progress.Report(new PipelineProgress(PipelineStage.Prune, 1, $"top-1 {pruned.Top1Percent:F2} %"));
        seconds[PipelineStage.Prune] = Lap(clock);

        var tuner = FineTune(model, weights, masks, train, progress, cancellationToken);
        var quantized = tuner.Finish();
        seconds[PipelineStage.Quantize] = Lap(clock);

        progress.Report(new PipelineProgress(PipelineStage.Encode, 0, "coding"));
        var compressed = new CompressedModel(
            modelName,
            quantized.Select(q => new QuantizedLayer(q.Name, q.Shape, q.Parameters, q.Symbols)).ToArray(),
            ModelState.FloatTensors(model),
            new Dictionary<string, string>
            {
                [ModelState.ShapeKey] = ModelState.FormatShape(shape),
                [ModelState.DatasetKey] = datasetName,
                ["bits"] = options.Bits.ToString(CultureInfo.InvariantCulture),
                ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
            });
        var bytes = FqzFile.ToBytes(compressed, options.Coding);
        var paperBytes = options.Coding == CodingMode.Paper ? bytes.LongLength : FqzFile.ToBytes(compressed, CodingMode.Paper).LongLength;
        AtomicFile.Write(outputPath, stream => stream.Write(bytes));
        progress.Report(new PipelineProgress(PipelineStage.Encode, 1, $"{bytes.Length:N0} bytes"));
        seconds[PipelineStage.Encode] = Lap(clock);

        // Evaluate what a user of the file gets: the model decoded from the bytes just written.
        progress.Report(new PipelineProgress(PipelineStage.Evaluate, 0, "decoding and evaluating"));
        var decoded = FqzFile.Read(outputPath);
        using var restored = ModelState.Restore(decoded);
        var final = Evaluate(restored, test);
        progress.Report(new PipelineProgress(PipelineStage.Evaluate, 1, $"top-1 {final.Top1Percent:F2} %"));
        seconds[PipelineStage.Evaluate] = Lap(clock);

        var breakdown = FqzFile.Inspect(bytes);
        var coded = breakdown.Layers.ToDictionary(l => l.Name);
        var layers = decoded.Layers.Select((layer, i) => FqzInspection.Describe(
            layer, coded[layer.Name].PayloadBits + 8 * coded[layer.Name].TableBytes, tuner.Layers[i].CurrentPlan.Separation)).ToArray();
        long weightCount = layers.Sum(l => l.Weights);
        return new CompressionReport
        {
            Model = modelName,
            Dataset = datasetName,
            Bits = options.Bits,
            Coding = CodingModes.NameOf(options.Coding),
            DenseBytes = decoded.DenseBytes,
            CompressedBytes = bytes.LongLength,
            CompressionRatio = (double)decoded.DenseBytes / bytes.LongLength,
            PaperCodingBytes = paperBytes,
            PaperCodingCompressionRatio = (double)decoded.DenseBytes / paperBytes,
            Sparsity = layers.Sum(l => l.Sparsity * l.Weights) / Math.Max(1, weightCount),
            Top1Dense = dense.Top1Percent,
            Top5Dense = dense.Top5Percent,
            Top1Pruned = pruned.Top1Percent,
            Top5Pruned = pruned.Top5Percent,
            Top1Compressed = final.Top1Percent,
            Top5Compressed = final.Top5Percent,
            Layers = layers,
            StageSeconds = seconds,
            Options = options,
        };
    }

    private void TrainBaseline(nn.Module<Tensor, Tensor> model, string modelName, ImageDataset train, IProgress<PipelineProgress> progress, CancellationToken cancellationToken)
    {
        if (options.BaselineCheckpoint is { } checkpoint)
        {
            progress.Report(new PipelineProgress(PipelineStage.Baseline, 0, $"loading {checkpoint}"));
            Checkpoint.Load(model, checkpoint);
            return;
        }

        var cached = BaselineCachePath(modelName, train);
        if (File.Exists(cached))
        {
            progress.Report(new PipelineProgress(PipelineStage.Baseline, 0, $"reusing {cached}"));
            try
            {
                Checkpoint.Load(model, cached);
                return;
            }
            catch (InvalidDataException)
            {
                // A damaged cache entry is retrained, never trusted.
            }
        }

        if (options.BaselineEpochs == 0) return;
        var epochs = options.BaselineEpochs;
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = epochs,
            BatchSize = options.BatchSize,
            LearningRate = options.LearningRate,
            Seed = options.Seed,
            // Cosine decay to a tenth: a short, well-behaved schedule for small baselines.
            LearningRateSchedule = epoch => options.LearningRate * (0.55 + 0.45 * Math.Cos(Math.PI * epoch / epochs)),
        });
        trainer.Train(train, null, StageProgress(PipelineStage.Baseline, epochs, progress), cancellationToken);
        AtomicFile.Write(cached, stream => Checkpoint.Save(model, stream));
    }

    private bool[][] Prune(nn.Module<Tensor, Tensor> model, ShadowedWeight[] weights, ImageDataset train, IProgress<PipelineProgress> progress, CancellationToken cancellationToken)
    {
        var epochs = options.PruneEpochs;
        var batches = (train.Count + options.BatchSize - 1) / options.BatchSize;
        var totalSteps = Math.Max(1L, (long)epochs * batches);
        var pruner = options.PruneAlpha is { } alpha
            ? PruningRetrainer.WithAlpha(weights, alpha, totalSteps)
            : PruningRetrainer.ToSparsity(weights, SparsityAllocation.Allocate(weights.Select(w => w.Count).ToArray(), options.TargetSparsity), totalSteps);
        if (epochs > 0)
        {
            var rate = options.LearningRate * 0.5;
            using var trainer = new Trainer(model, new TrainerOptions
            {
                Epochs = epochs,
                BatchSize = options.BatchSize,
                LearningRate = rate,
                Seed = options.Seed + 1,
                LearningRateSchedule = epoch => rate * (0.55 + 0.45 * Math.Cos(Math.PI * epoch / epochs)),
            });
            trainer.Train(train, pruner, StageProgress(PipelineStage.Prune, epochs, progress), cancellationToken);
        }
        pruner.Finish();
        return pruner.Masks.ToArray();
    }

    private FocusedFineTuner FineTune(nn.Module<Tensor, Tensor> model, ShadowedWeight[] weights, bool[][] masks, ImageDataset train, IProgress<PipelineProgress> progress, CancellationToken cancellationToken)
    {
        var schedule = new FineTuneSchedule { LearningRate = options.FineTuneLearningRate }.Scaled(options.ScheduleScale);
        var quantization = new QuantizationOptions { Bits = options.Bits, SeparationThreshold = options.WSep, OverflowRate = options.OverflowRate, Seed = options.Seed };
        progress.Report(new PipelineProgress(PipelineStage.Quantize, 0, "planning layers"));
        var tuner = new FocusedFineTuner(weights.Zip(masks), quantization, schedule);
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = tuner.Epochs.Count,
            BatchSize = options.BatchSize,
            LearningRate = schedule.LearningRate,
            Seed = options.Seed + 2,
            WeightDecay = 0,
        });
        var epochProgress = StageProgress(PipelineStage.Quantize, tuner.Epochs.Count, progress);
        foreach (var epoch in tuner.Epochs)
        {
            trainer.LearningRate = epoch.LearningRate;
            trainer.TrainEpoch(train, tuner, epochProgress, cancellationToken);
        }
        return tuner;
    }

    private static EvaluationResult Evaluate(nn.Module<Tensor, Tensor> model, ImageDataset test) => Evaluator.Evaluate(model, test);

    private string BaselineCachePath(string modelName, ImageDataset train)
    {
        var root = options.CacheDirectory ?? Path.Combine(
            Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
            "fq", "checkpoints");
        var key = string.Create(CultureInfo.InvariantCulture,
            $"{modelName}-{train.Name}-n{train.Count}-e{options.BaselineEpochs}-lr{options.LearningRate:G6}-b{options.BatchSize}-s{options.Seed}.ckpt");
        return Path.Combine(root, key);
    }

    private static IProgress<TrainingProgress> StageProgress(string stage, int epochs, IProgress<PipelineProgress> progress) =>
        new TrainingProgressAdapter(stage, epochs, progress);

    private static double Lap(Stopwatch clock)
    {
        var elapsed = clock.Elapsed.TotalSeconds;
        clock.Restart();
        return Math.Round(elapsed, 2);
    }

    /// <summary>Turns per-batch training progress into stage progress, counting epochs from the first one seen.</summary>
    private sealed class TrainingProgressAdapter(string stage, int epochs, IProgress<PipelineProgress> progress) : IProgress<TrainingProgress>
    {
        private int? _firstEpoch;

        public void Report(TrainingProgress value)
        {
            _firstEpoch ??= value.Epoch;
            var done = value.Epoch - _firstEpoch.Value + (double)value.Batch / Math.Max(1, value.BatchesPerEpoch);
            progress.Report(new PipelineProgress(stage, done / Math.Max(1, epochs),
                $"epoch {value.Epoch - _firstEpoch.Value + 1}/{epochs} loss {value.RunningLoss:F3} acc {value.RunningAccuracyPercent:F1} % lr {value.LearningRate:G3}"));
        }
    }
}
