using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Training;

namespace FocusedQuantization.Compression.Stages;

/// <summary>Turns per-batch training progress into stage progress, counting epochs from the first one seen.</summary>
internal sealed class EpochProgress(string stage, int epochs, IProgress<PipelineProgress> progress) : IProgress<TrainingProgress>
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
