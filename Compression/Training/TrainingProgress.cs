namespace FocusedQuantization.Compression.Training;

/// <summary>Where training stands after a batch.</summary>
/// <param name="Epoch">0-based epoch (counted over the trainer's lifetime).</param>
/// <param name="Batch">Batches done in this epoch, 1 to <paramref name="BatchesPerEpoch"/>.</param>
/// <param name="BatchesPerEpoch">Batches in one epoch.</param>
/// <param name="RunningLoss">Mean cross-entropy over this epoch's images so far.</param>
/// <param name="RunningAccuracyPercent">Top-1 accuracy in percent (0-100) over this epoch's images so far, measured before each step.</param>
/// <param name="LearningRate">Learning rate in use.</param>
/// <param name="Step">Optimiser steps taken over the trainer's lifetime, this one included.</param>
public sealed record TrainingProgress(
    int Epoch, int Batch, int BatchesPerEpoch, double RunningLoss, double RunningAccuracyPercent, double LearningRate, long Step);
