namespace FocusedQuantization.Compression.Training;

/// <summary>The outcome of one training epoch.</summary>
/// <param name="Epoch">0-based epoch (counted over the trainer's lifetime).</param>
/// <param name="Loss">Mean training cross-entropy over the epoch.</param>
/// <param name="AccuracyPercent">Training top-1 accuracy in percent (0-100), measured before each step.</param>
/// <param name="LearningRate">Learning rate used.</param>
/// <param name="Batches">Batches run.</param>
/// <param name="Duration">Wall time of the epoch.</param>
public sealed record EpochSummary(int Epoch, double Loss, double AccuracyPercent, double LearningRate, int Batches, TimeSpan Duration);
