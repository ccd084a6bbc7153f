using System.Diagnostics;
using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Models;
using FocusedQuantization.Compression.Stages;

namespace FocusedQuantization.Compression.Pipeline;

/// <summary>
/// Focused compression of one model in one process: baseline (trained, reused from the checkpoint store or
/// imported), DNS pruning with retraining, focused quantization with incremental fine-tuning, coding into a .fqz file,
/// and evaluation of the model decoded back from that file. It runs the same stages a sweep's trials run
/// (<see cref="BaselineStage"/>, <see cref="PruneStage"/>, <see cref="TrialStage"/>) with one width for every layer.
/// The data sets come from <paramref name="data"/>, which the caller owns (one per process run).
/// </summary>
public sealed class CompressionPipeline(CompressionOptions options, DatasetCache data)
{
    /// <summary>Runs every stage and writes the compressed model to <paramref name="outputPath"/> (atomically).</summary>
    public async Task<CompressionReport> RunAsync(string outputPath, IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var modelName = ModelZoo.Canonicalize(options.Model);
        var dataset = DataSource.Parse(options.Dataset).With(options.ImageSize, options.SkipBadImages ? true : null);
        progress ??= new Progress<PipelineProgress>();
        var baseline = new BaselineSpec(
            modelName, dataset.Name, options.BaselineEpochs, options.LearningRate, options.BatchSize, options.Seed,
            options.TrainLimit, options.DataDirectory, options.TestLimit, options.AllowDownload, options.BaselineCheckpoint, options.Validation,
            options.Weights is { } weights ? WeightsFile.Of(weights) : null, Device: Training.ComputeDevice.Normalize(options.Device));
        var prune = new PruneSpec(baseline, options.TargetSparsity, options.PruneAlpha, options.PruneEpochs, options.Seed);
        var trial = new TrialSpec(prune, options.Bits, null, options.WSep, options.OverflowRate, options.ScheduleScale,
            options.FineTuneLearningRate, options.Coding, options.Seed, options.FineTune);
        var store = new CheckpointStore(StoreRoot(options));

        // Torch work and data loading are CPU-bound and synchronous: keep them off the caller's thread.
        return await Task.Run(() =>
        {
            var seconds = new Dictionary<string, double>();
            var clock = Stopwatch.StartNew();
            progress.Report(new PipelineProgress(PipelineStage.Data, 0, $"loading {dataset.Name}"));
            var train = data.Get(baseline.TrainData);
            var test = data.Get(baseline.TestData);
            var validation = data.Get(baseline.ValidationData);
            progress.Report(new PipelineProgress(PipelineStage.Data, 1,
                $"{train.Count:N0} training, {validation.Count:N0} validation (held out of the training images), {test.Count:N0} test images"));
            seconds[PipelineStage.Data] = Lap(clock);

            BaselineStage.Ensure(baseline, store, data, progress, cancellationToken);
            seconds[PipelineStage.Baseline] = Lap(clock);
            PruneStage.Ensure(prune, store, data, progress, cancellationToken);
            seconds[PipelineStage.Prune] = Lap(clock);

            var report = TrialStage.Run(trial, store, data, outputPath, progress, cancellationToken);
            foreach (var (stage, time) in report.StageSeconds) seconds[stage] = time;
            // Imported weights (a checkpoint, PyTorch's, or a TorchScript module's own) received no baseline epochs here.
            var imported = options.BaselineCheckpoint is not null || options.Weights is not null || ModelZoo.IsTorchScript(modelName);
            var denseEpochs = imported ? 0 : options.BaselineEpochs;
            var totalEpochs = denseEpochs + options.PruneEpochs + report.FineTuneEpochs.Count;
            EqualEpochDense? fair = null;
            if (options.EqualEpochBaseline && !imported)
            {
                // The same recipe as the baseline, run for every epoch the compressed model received: the drop is then
                // not flattered by a dense model that simply trained less.
                var equal = baseline with { Epochs = totalEpochs };
                BaselineStage.Ensure(equal, store, data, new EqualEpochProgress(progress), cancellationToken);
                var equalTest = BaselineStage.Evaluation(equal, store, data, cancellationToken);
                var equalValidation = BaselineStage.ValidationEvaluation(equal, store, data, cancellationToken);
                fair = new EqualEpochDense(totalEpochs, equalTest.Top1Percent, equalTest.Top5Percent, equalValidation.Top1Percent);
                seconds["equal-epoch baseline"] = Lap(clock);
            }
            return report with
            {
                StageSeconds = seconds, Options = options, DenseEpochs = denseEpochs,
                TotalEpochs = totalEpochs, EqualEpochDense = fair,
                // The fit and validation parts share the training folder's count; the test part has its own.
                SkippedImages = new[] { train, test }.OfType<IBatchSource>().Sum(s => s.SkippedImages),
            };
        }, cancellationToken);
    }

    /// <summary>The checkpoint store of a run: the cache folder, or ~/.cache/fq/checkpoints ($XDG_CACHE_HOME honoured).</summary>
    public static string StoreRoot(CompressionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.CacheDirectory ?? Path.Combine(
            Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
            "fq", "checkpoints");
    }

    private static double Lap(Stopwatch clock)
    {
        var elapsed = clock.Elapsed.TotalSeconds;
        clock.Restart();
        return Math.Round(elapsed, 2);
    }

    /// <summary>Shows the equal-epoch baseline's training as its own stage.</summary>
    private sealed class EqualEpochProgress(IProgress<PipelineProgress> inner) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) =>
            inner.Report(value with { Stage = value.Stage == PipelineStage.Baseline ? "dense (equal epochs)" : value.Stage });
    }
}
