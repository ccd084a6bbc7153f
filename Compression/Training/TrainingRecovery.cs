using System.Globalization;

namespace FocusedQuantization.Compression.Training;

/// <summary>
/// One divergence that was recovered from: the epoch was rolled back to its start (weights, buffers, optimiser momentum,
/// shuffling and the hooks' state) and run again at half the learning rate it had diverged at.
/// </summary>
/// <param name="Stage">The stage that was training, e.g. "quantize (fine-tune)".</param>
/// <param name="Epoch">1-based epoch of the stage that diverged and was retried.</param>
/// <param name="Batch">1-based batch where the divergence was found; null when found before the first batch.</param>
/// <param name="Reason">What was not finite, e.g. "loss NaN".</param>
/// <param name="LearningRate">The learning rate of the retry.</param>
public sealed record TrainingRecovery(string Stage, int Epoch, int? Batch, string Reason, double LearningRate)
{
    /// <summary>One line for logs and progress, e.g. "epoch 3 diverged (loss NaN); restored epoch start, retrying at lr 0.001".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"epoch {Epoch} diverged ({Reason}{(Batch is { } b ? $", batch {b}" : "")}); restored epoch start, retrying at lr {LearningRate:G3}");
}
