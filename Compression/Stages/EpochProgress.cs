using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Training;

namespace FocusedQuantization.Compression.Stages;

/// <summary>
/// Turns per-batch training progress into stage progress, counting epochs from <paramref name="firstEpoch"/> (null: the
/// first one seen; a resumed stage passes 0 so that its epochs keep their numbers).
/// </summary>
internal sealed class EpochProgress(string stage, int epochs, IProgress<PipelineProgress> progress, int? firstEpoch = null) : IProgress<TrainingProgress>
{
    private int? _firstEpoch = firstEpoch;

    public void Report(TrainingProgress value)
    {
        _firstEpoch ??= value.Epoch;
        var done = value.Epoch - _firstEpoch.Value + (double)value.Batch / Math.Max(1, value.BatchesPerEpoch);
        progress.Report(new PipelineProgress(stage, done / Math.Max(1, epochs),
            $"epoch {value.Epoch - _firstEpoch.Value + 1}/{epochs} loss {value.RunningLoss:F3} acc {value.RunningAccuracyPercent:F1} % lr {value.LearningRate:G3}"));
    }
}
